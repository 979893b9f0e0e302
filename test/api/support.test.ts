import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withholdPageLink } from '../../core/delivery';
import { CATALOG } from '../core/mail/fixtures';
import { bearer } from '../helpers/system';
import { PEOPLE, deliveredWorld, referenceIn } from './delivered-incidents';
import type { DeliveredWorld } from './delivered-incidents';

describe('support lookup GET /api/support/cases', () => {
  let world: DeliveredWorld;
  const lookup = (query: string, token = world.system.tokens.support) =>
    world.system.app.inject({ method: 'GET', url: `/api/support/cases?${query}`, headers: bearer(token) });
  const lookups = async () =>
    (
      await world.db.pool.query(
        `SELECT incident_id AS "incidentId", actor, detail FROM audit_events WHERE action = 'support_lookup' ORDER BY id`,
      )
    ).rows as { incidentId: string | null; actor: string; detail: Record<string, unknown> }[];

  beforeAll(async () => {
    world = await deliveredWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('finds a case by the reference code the customer quotes, with what they were sent and when', async () => {
    const mail = world.messageTo(PEOPLE.alice, world.incidents.crmAndBilling);
    const reference = referenceIn(mail);
    const before = (await lookups()).length;

    // Customers read codes out loud: lower case and spaces around are fine.
    const response = await lookup(`reference=${encodeURIComponent(` ${reference.toLowerCase()} `)}`);
    expect(response.statusCode, response.body).toBe(200);
    const { items } = response.json();
    expect(items).toHaveLength(1);
    const found = items[0];
    expect(found).toMatchObject({
      incident: {
        id: world.incidents.crmAndBilling,
        title: 'Exposed CRM and billing backup',
        status: 'completed',
      },
      referenceCode: reference,
      customer: { externalId: 'A1', fullName: 'Alice Archer', email: PEOPLE.alice, status: 'active' },
      jurisdiction: 'US-TX',
      status: 'notified',
      delivery: { status: 'sent', recipient: PEOPLE.alice, attempts: 1 },
      acknowledgedAt: null,
      notice: { version: 1, status: 'approved', language: 'en' },
    });
    expect(found.categories.sort()).toEqual(['email', 'name', 'payment_card']);
    expect(new Date(found.delivery.sentAt).getTime()).toBeGreaterThan(Date.now() - 5 * 60_000);
    // Exactly what the customer received.
    expect(found.notice.subject).toBe(mail.subject);
    // …with the customer's page link withheld: a support screen must not open their page.
    expect(found.notice.text.trim()).toBe(withholdPageLink(mail).text.trim());
    expect(found.notice.text).not.toMatch(/\/n\/[0-9a-f]{64}/);

    // Audited by ids: who looked up which customer, never the email or reference searched for.
    const events = (await lookups()).slice(before);
    const customerId = (await world.db.pool.query(`SELECT id FROM customers WHERE external_id = 'A1'`))
      .rows[0].id as number;
    expect(events).toEqual([
      {
        incidentId: world.incidents.crmAndBilling,
        actor: world.system.staff.support.id,
        detail: expect.objectContaining({ by: 'reference', found: 1, customerIds: [customerId] }),
      },
    ]);
    expect(JSON.stringify(events)).not.toMatch(/@|FR-\d{4}/);
  });

  it('finds every case of an email address across incidents, newest first', async () => {
    const before = (await lookups()).length;
    const response = await lookup(`email=${encodeURIComponent('Alice@Example.com')}`);
    expect(response.statusCode, response.body).toBe(200);
    const { items } = response.json();
    expect(items.map((i: { incident: { id: string } }) => i.incident.id)).toEqual([
      world.incidents.billingOnly,
      world.incidents.crmAndBilling,
    ]);
    const billing = items[0];
    expect(billing.categories).toEqual(['payment_card']);
    expect(billing.referenceCode).toBe(
      referenceIn(world.messageTo(PEOPLE.alice, world.incidents.billingOnly)),
    );
    expect(billing.notice.text).toContain(`${CATALOG.en.categories.payment_card} (ending in 4242)`);
    expect(billing.notice.text).not.toContain(CATALOG.en.categories.email);
    // One audit event per incident the lookup touched, tied together by the lookup's id.
    const events = (await lookups()).slice(before);
    expect(events.map((e) => e.incidentId).sort()).toEqual(
      [world.incidents.billingOnly, world.incidents.crmAndBilling].sort(),
    );
    expect(new Set(events.map((e) => e.detail.lookupId)).size).toBe(1);
    expect(events.every((e) => e.detail.by === 'email' && e.actor === world.system.staff.support.id)).toBe(
      true,
    );
  });

  it("finds a deceased customer's case by the representative's address, and a manual case with its notice unsent", async () => {
    const byRepresentative = await lookup(`email=${PEOPLE.ruth}`);
    expect(byRepresentative.statusCode, byRepresentative.body).toBe(200);
    const [harold] = byRepresentative.json().items;
    expect(harold).toMatchObject({
      customer: { fullName: 'Harold Hale', status: 'deceased', representativeEmail: PEOPLE.ruth },
      delivery: { status: 'sent', recipient: PEOPLE.ruth },
    });
    expect(harold.notice.text).toContain('registered representative of the late Harold Hale');

    const manual = await lookup(`email=${PEOPLE.ivan}`, world.system.tokens.compliance);
    expect(manual.statusCode, manual.body).toBe(200);
    const [ivan] = manual.json().items;
    expect(ivan).toMatchObject({ status: 'manual', delivery: null, notice: { status: 'approved' } });
    expect(world.smtp.acceptedByRecipient.get(PEOPLE.ivan)).toBeUndefined();
  });

  it.each([
    ['neither parameter', '', 'reference'],
    ['both parameters', `reference=FR-0000-0001&email=${PEOPLE.alice}`, 'email'],
    ['a malformed reference', 'reference=FR-12', 'reference'],
    ['a malformed email', 'email=not-an-address', 'email'],
    ['an unknown parameter', 'reference=FR-0000-0001&name=Alice', 'name'],
  ])('answers 400 naming the field for %s', async (_case, query, field) => {
    const response = await lookup(query);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().message).toContain(field);
  });

  it('answers 404 when nothing matches, and audits the miss without the search term', async () => {
    const before = (await lookups()).length;
    expect((await lookup('reference=FR-9999-9999')).statusCode).toBe(404);
    const miss = await lookup('email=nobody@example.org');
    expect(miss.statusCode).toBe(404);
    expect(miss.body).not.toContain('nobody@example.org');
    const events = (await lookups()).slice(before);
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.incidentId === null && e.detail.found === 0)).toBe(true);
    expect(JSON.stringify(events)).not.toMatch(/nobody|FR-9999/);
  });

  it('is for support, compliance and admin staff only', async () => {
    const reference = referenceIn(world.messageTo(PEOPLE.bruno, world.incidents.crmAndBilling));
    for (const role of ['support', 'compliance', 'admin'] as const) {
      expect((await lookup(`reference=${reference}`, world.system.tokens[role])).statusCode, role).toBe(200);
    }
    expect((await lookup(`reference=${reference}`, world.system.tokens.officer)).statusCode).toBe(403);
    const anonymous = await world.system.app.inject({
      method: 'GET',
      url: `/api/support/cases?reference=${reference}`,
    });
    expect(anonymous.statusCode).toBe(401);
  });
});
