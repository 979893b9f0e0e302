import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataCategory } from '../../core/domain/categories';
import { CATALOG } from '../core/mail/fixtures';
import { createTestDatabase } from '../helpers/db';
import { withFixtureConsent } from '../helpers/factories';
import type { TestDatabase } from '../helpers/db';
import { startSmtpSink } from '../helpers/smtp';
import type { SmtpSink } from '../helpers/smtp';
import { bearer, eventually, reviewedNotice, startSystem } from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * The walking skeleton on real parts: the API, the worker on the Temporal dev server, PostgreSQL and
 * an SMTP server. An inventory of 600 customers, built here with the affected set known in advance.
 */

const WINDOW_FROM = '2026-01-01T00:00:00Z';
const WINDOW_TO = '2026-02-01T00:00:00Z';

interface Person {
  externalId: string;
  email: string;
  holdings: { system: string; categories: DataCategory[]; from: string; to: string | null }[];
}

/** 600 customers; who is affected by an incident on crm+billing exposing email/payment_card/ssn is decided here. */
function buildInventory(): Person[] {
  const people: Person[] = [];
  for (let i = 0; i < 600; i++) {
    const holdings: Person['holdings'] = [];
    switch (i % 6) {
      case 0: // affected through crm only
        holdings.push({
          system: 'crm',
          categories: ['name', 'email'],
          from: '2025-01-01T00:00:00Z',
          to: null,
        });
        break;
      case 1: // affected in two systems: one email listing the union
        holdings.push({
          system: 'crm',
          categories: ['name', 'email'],
          from: '2025-01-01T00:00:00Z',
          to: null,
        });
        holdings.push({
          system: 'billing',
          categories: ['payment_card', 'postal_address'],
          from: '2025-06-01T00:00:00Z',
          to: null,
        });
        break;
      case 2: // held only in a system the incident does not name
        holdings.push({
          system: 'analytics',
          categories: ['email', 'ip_address'],
          from: '2025-01-01T00:00:00Z',
          to: null,
        });
        break;
      case 3: // held in billing, but only before the exposure window
        holdings.push({
          system: 'billing',
          categories: ['payment_card'],
          from: '2024-01-01T00:00:00Z',
          to: '2025-12-01T00:00:00Z',
        });
        break;
      case 4: // in crm, but none of the exposed categories
        holdings.push({ system: 'crm', categories: ['phone'], from: '2025-01-01T00:00:00Z', to: null });
        break;
      case 5: // affected through billing (ssn)
        holdings.push({
          system: 'billing',
          categories: ['ssn', 'name'],
          from: '2025-01-01T00:00:00Z',
          to: null,
        });
        break;
    }
    people.push({
      externalId: `C${String(i).padStart(4, '0')}`,
      email: `customer${i}@example.com`,
      holdings,
    });
  }
  return people;
}

const categoryName = (c: DataCategory) => CATALOG.en.categories[c];

const EXPOSED: DataCategory[] = ['email', 'payment_card', 'ssn'];
const isAffected = (p: Person) =>
  p.holdings.some(
    (h) =>
      ['crm', 'billing'].includes(h.system) &&
      h.categories.some((c) => EXPOSED.includes(c)) &&
      (h.to === null || h.to >= WINDOW_FROM) &&
      h.from <= WINDOW_TO,
  );

describe('incident workflow end to end', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;
  const people = buildInventory();

  const incidentBody = (overrides: Record<string, unknown> = {}) => ({
    title: 'Unauthorised access to the CRM and billing databases',
    description: 'An attacker used a stolen administrator password to read customer records.',
    discoveredAt: '2026-02-03T09:00:00Z',
    occurredFrom: WINDOW_FROM,
    occurredTo: WINDOW_TO,
    systems: ['crm', 'billing'],
    dataCategories: EXPOSED,
    encrypted: false,
    keyCompromised: false,
    ...overrides,
  });

  const open = (token: string, body: unknown, headers: Record<string, string> = {}) =>
    system.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: { ...bearer(token), ...headers },
      payload: body as object,
    });

  const incidentStatus = async (id: string) =>
    (
      await system.app.inject({
        method: 'GET',
        url: `/api/incidents/${id}`,
        headers: bearer(system.tokens.officer),
      })
    ).json().status as string;

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    system = await startSystem(db, smtp.url);
    const customers = people.map((p, i) => ({
      externalId: p.externalId,
      fullName: `Customer ${i}`,
      email: p.email,
      locale: 'en',
      country: 'US',
      region: i % 2 ? 'US-CA' : 'US-TX',
    }));
    const holdings = people.flatMap((p) =>
      p.holdings.map((h) => ({ customerExternalId: p.externalId, ...h })),
    );
    const c = await system.app.inject({
      method: 'POST',
      url: '/api/inventory/customers',
      headers: bearer(system.tokens.admin),
      // Agreed to electronic notices (see FIXTURE_CONSENT): this test is about email delivery.
      payload: customers.map(withFixtureConsent),
    });
    expect(c.statusCode, c.body).toBe(200);
    const h = await system.app.inject({
      method: 'POST',
      url: '/api/inventory/holdings',
      headers: bearer(system.tokens.admin),
      payload: holdings,
    });
    expect(h.statusCode, h.body).toBe(200);
  });

  afterAll(async () => {
    await system?.stop();
    await smtp?.close();
    await db?.drop();
  });

  it('notifies every affected customer exactly once, and no one else', async () => {
    const opened = await open(system.tokens.compliance, incidentBody());
    expect(opened.statusCode, opened.body).toBe(201);
    const incident = opened.json();
    expect(incident.workflowId).toBe(`incident-${incident.id}`);
    // 201 means the workflow has started.
    const description = await system.client.workflow.getHandle(incident.workflowId).describe();
    expect(description.status.name).toBe('RUNNING');

    await eventually(async () => (await incidentStatus(incident.id)) === 'awaiting_approval');
    const notices = (
      await system.app.inject({
        method: 'GET',
        url: `/api/incidents/${incident.id}/notices`,
        headers: bearer(system.tokens.compliance2),
      })
    ).json();
    expect(notices.items[0].status).toBe('pending_approval');
    expect(notices.items[0].variants.length).toBeGreaterThan(0);
    // Previews never carry a live customer link (issue 13 #9).
    expect(JSON.stringify(notices.items[0].variants)).not.toMatch(/\/n\/[0-9a-f]{64}/);

    // The compliance officer who opened it may not approve it.
    const own = await system.app.inject({
      method: 'POST',
      url: `/api/incidents/${incident.id}/approval`,
      headers: bearer(system.tokens.compliance),
      payload: { decision: 'approve', ...(await reviewedNotice(system, incident.id)) },
    });
    expect(own.statusCode).toBe(403);

    const approved = await system.app.inject({
      method: 'POST',
      url: `/api/incidents/${incident.id}/approval`,
      headers: bearer(system.tokens.compliance2),
      payload: {
        decision: 'approve',
        comment: 'Reviewed against the incident report.',
        ...(await reviewedNotice(system, incident.id)),
      },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().status).toBe('approved');

    const expected = people.filter(isAffected);
    expect(expected.length).toBe(300);
    await eventually(async () => (await incidentStatus(incident.id)) === 'completed', 90_000);

    const mine = smtp.messages.filter((m) => m.messageId.includes(incident.id));
    const recipients = mine.flatMap((m) => m.envelopeTo).sort();
    expect(recipients).toEqual(expected.map((p) => p.email).sort());
    expect(new Set(recipients).size).toBe(recipients.length);

    // A customer in crm and billing gets one email naming the union of what was exposed there.
    const twoSystems = mine.find((m) => m.envelopeTo[0] === 'customer1@example.com')!;
    expect(twoSystems.text).toContain(categoryName('email'));
    expect(twoSystems.text).toContain(categoryName('payment_card'));
    expect(twoSystems.text).not.toContain(categoryName('ssn'));
    expect(twoSystems.text).not.toContain(categoryName('postal_address'));
    expect(twoSystems.text).toMatch(/FR-\d{4}-\d{4}/);

    const detail = (
      await system.app.inject({
        method: 'GET',
        url: `/api/incidents/${incident.id}`,
        headers: bearer(system.tokens.officer),
      })
    ).json();
    expect(detail.counts).toMatchObject({ affected: 300, notified: 300, failed: 0, pending: 0 });
  });

  it('does not send a rejected notice, and sends the revised one once approved', async () => {
    const opened = await open(
      system.tokens.officer,
      incidentBody({ title: 'Second exposure of the billing system', systems: ['billing'] }),
    );
    expect(opened.statusCode, opened.body).toBe(201);
    const id = opened.json().id as string;
    await eventually(async () => (await incidentStatus(id)) === 'awaiting_approval');

    const noComment = await system.app.inject({
      method: 'POST',
      url: `/api/incidents/${id}/approval`,
      headers: bearer(system.tokens.compliance),
      payload: { decision: 'reject', ...(await reviewedNotice(system, id)) },
    });
    expect(noComment.statusCode).toBe(400);

    const rejected = await system.app.inject({
      method: 'POST',
      url: `/api/incidents/${id}/approval`,
      headers: bearer(system.tokens.compliance),
      payload: {
        decision: 'reject',
        comment: 'Say plainly which card data was involved.',
        ...(await reviewedNotice(system, id)),
      },
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json().status).toBe('rejected');
    await eventually(async () => (await incidentStatus(id)) === 'drafting');
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.messages.filter((m) => m.messageId.includes(id))).toHaveLength(0);

    const again = await system.app.inject({
      method: 'POST',
      url: `/api/incidents/${id}/approval`,
      headers: bearer(system.tokens.compliance2),
      payload: { decision: 'approve', ...(await reviewedNotice(system, id)) },
    });
    expect(again.statusCode).toBe(409);

    const revised = await system.app.inject({
      method: 'PUT',
      url: `/api/incidents/${id}/notice`,
      headers: bearer(system.tokens.officer),
      payload: {
        whatHappened: 'An attacker read card numbers (last four digits shown below) and billing addresses.',
        whatWeAreDoing: 'We replaced the stolen credentials and asked the card networks to watch for misuse.',
      },
    });
    expect(revised.statusCode, revised.body).toBe(200);
    expect(revised.json().version).toBe(2);
    const approved = await system.app.inject({
      method: 'POST',
      url: `/api/incidents/${id}/approval`,
      headers: bearer(system.tokens.compliance2),
      payload: { decision: 'approve', ...(await reviewedNotice(system, id)) },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    await eventually(async () => (await incidentStatus(id)) === 'completed', 90_000);
    const sent = smtp.messages.filter((m) => m.messageId.includes(id));
    expect(sent.length).toBe(people.filter((p, i) => i % 6 === 1 || i % 6 === 5).length);
    expect(sent.every((m) => m.text.includes('last four digits shown below'))).toBe(true);
  });

  it('returns the same incident for a repeated Idempotency-Key and starts nothing new', async () => {
    const key = 'idem-key-0001-abcdef';
    const first = await open(system.tokens.officer, incidentBody({ title: 'Idempotent incident' }), {
      'idempotency-key': key,
    });
    const second = await open(system.tokens.officer, incidentBody({ title: 'Idempotent incident' }), {
      'idempotency-key': key,
    });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(second.json().id).toBe(first.json().id);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM incidents WHERE title = 'Idempotent incident'`,
    );
    expect(rows[0].n).toBe(1);
    const executions = [];
    for await (const w of system.client.workflow.list({
      query: `WorkflowId = 'incident-${first.json().id}'`,
    }))
      executions.push(w);
    expect(executions).toHaveLength(1);
  });

  it.each([
    ['title', { title: undefined }],
    ['dataCategories.1', { dataCategories: ['email', 'mothers_maiden_name'] }],
    ['discoveredAt', { discoveredAt: 'yesterday' }],
    ['occurredTo', { occurredFrom: '2026-01-10T00:00:00Z', occurredTo: '2026-01-01T00:00:00Z' }],
    ['systems', { systems: [] }],
    ['customerExternalIds.1', { customerExternalIds: ['C0001', 'NOPE-404'] }],
    ['unexpected', { unexpected: true }],
  ])('answers 400 naming %s for bad input, writing nothing', async (field, overrides) => {
    const before = (await db.pool.query(`SELECT count(*)::int AS n FROM incidents`)).rows[0].n;
    const response = await open(system.tokens.officer, incidentBody(overrides));
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().message).toContain(field);
    const after = (await db.pool.query(`SELECT count(*)::int AS n FROM incidents`)).rows[0].n;
    expect(after).toBe(before);
  });

  it('imports inventory as CSV, refusing a file with a bad row as a whole', async () => {
    const csv = (rows: string[]) =>
      system.app.inject({
        method: 'POST',
        url: '/api/inventory/customers',
        headers: { ...bearer(system.tokens.admin), 'content-type': 'text/csv' },
        payload: ['externalId,fullName,email,locale,country,region', ...rows].join('\n'),
      });
    const bad = await csv(['CSV1,Ana Csv,ana@example.com,es,ES,', 'CSV2,Bo Csv,not-an-email,en,US,US-CA']);
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json().field).toBe('1.email');
    const count = async () =>
      (await db.pool.query(`SELECT count(*)::int AS n FROM customers WHERE external_id LIKE 'CSV%'`)).rows[0]
        .n;
    expect(await count()).toBe(0);
    const good = await csv(['CSV1,Ana Csv,ana@example.com,es,ES,', 'CSV2,Bo Csv,bo@example.com,en,US,US-CA']);
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json()).toMatchObject({ received: 2, inserted: 2 });
    expect(await count()).toBe(2);
  });

  it('serves health and the OpenAPI description', async () => {
    const health = await system.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ database: 'ok', temporal: 'ok' });
    const openapi = await system.app.inject({ method: 'GET', url: '/docs/json' });
    expect(openapi.statusCode).toBe(200);
    expect(Object.keys(openapi.json().paths)).toEqual(
      expect.arrayContaining(['/api/incidents', '/api/incidents/{id}/approval', '/api/inventory/customers']),
    );
  });

  it('refuses requests without a valid token', async () => {
    expect((await open('wrong-token', incidentBody())).statusCode).toBe(401);
    expect((await open(system.tokens.support, incidentBody())).statusCode).toBe(403);
  });
});
