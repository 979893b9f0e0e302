import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as audit from '../../core/db/audit';
import { withholdPageLink } from '../../core/delivery';
import { renderedMailHash } from '../../core/mail/render';
import { reassessIncident } from '../../core/use-cases/obligations';
import { actorOf } from '../helpers/factories';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { startSmtpSink } from '../helpers/smtp';
import type { CapturedMessage, SmtpSink } from '../helpers/smtp';
import {
  bearer,
  eventually,
  importInventory,
  incidentStatus,
  openAndApprove,
  startSystem,
} from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * The attack on who is told (issue 13 items 4 and 5), on real servers: the inventory is changed
 * through the import API while the notices are going out (the SMTP server holds every transaction
 * before its body, so every notice is claimed and none sent). The notices still go to the
 * recipients frozen when the people were identified, the change is in the incident's trail with
 * before and after, and the customer page and the support lookup show the notice as it was sent —
 * even after the incident's facts are corrected — with the stored hash equal to the message received.
 * A correction through `correctRecipient` (compliance) is audited and redirects only what is not
 * yet sent: a claim already made is taken back and sent again to the corrected address.
 */

const OLD = {
  alice: 'alice@old.example.com',
  ruth: 'ruth@old.example.net',
  bob: 'bob@typo.example.com',
} as const;
const NEW = {
  alice: 'alice@new.example.com',
  ruth: 'ruth@new.example.net',
  bob: 'bob@example.com',
} as const;
const FILLERS = 12;

const customers = (changed: boolean) => [
  {
    externalId: 'A1',
    fullName: changed ? 'Alice Renamed' : 'Alice Archer',
    email: changed ? NEW.alice : OLD.alice,
    country: 'US',
    region: 'US-TX',
  },
  {
    externalId: 'H1',
    fullName: 'Harold Hale',
    email: 'harold@example.com',
    country: 'US',
    region: 'US-TX',
    status: 'deceased',
    representativeName: changed ? 'Someone Else' : 'Ruth Hale',
    representativeEmail: changed ? NEW.ruth : OLD.ruth,
  },
  { externalId: 'B1', fullName: 'Bob Baker', email: OLD.bob, country: 'US', region: 'US-TX' },
  ...Array.from({ length: FILLERS }, (_, i) => ({
    externalId: `F${i}`,
    fullName: `Filler ${i}`,
    email: `filler${i}@example.com`,
    country: 'US',
    region: 'US-TX',
  })),
];

describe('frozen recipients and sent copies', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;
  let incidentId: string;
  const customerIds = new Map<string, number>();

  const messageTo = (address: string): CapturedMessage => {
    const found = smtp.messages.filter((m) => m.envelopeTo.includes(address));
    expect(found, `notices to ${address}`).toHaveLength(1);
    return found[0]!;
  };
  const correct = (customerId: number, payload: object, token = system.tokens.compliance) =>
    system.app.inject({
      method: 'PATCH',
      url: `/api/incidents/${incidentId}/affected/${customerId}/recipient`,
      headers: bearer(token),
      payload,
    });
  const lookUp = async (reference: string) => {
    const response = await system.app.inject({
      method: 'GET',
      url: `/api/support/cases?reference=${reference}`,
      headers: bearer(system.tokens.support),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().items[0];
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    system = await startSystem(db, smtp.url, { DELIVERY_SHARDS: '1' });
    const crm = (id: string) => ({ customerExternalId: id, system: 'crm', categories: ['name', 'email'] });
    const all = customers(false);
    await importInventory(
      system,
      all,
      all.map((c) => crm(c.externalId)),
    );
    const { rows } = await db.pool.query<{ id: number; externalId: string }>(
      `SELECT id, external_id AS "externalId" FROM customers`,
    );
    for (const r of rows) customerIds.set(r.externalId, r.id);

    // Every transaction waits at RCPT TO: delivery under way, every notice claimed, none sent.
    smtp.hold();
    incidentId = await openAndApprove(system, {
      title: 'Exposed CRM backup',
      description: 'A misconfigured backup exposed customer records to the internet.',
      discoveredAt: '2026-02-03T09:00:00Z',
      systems: ['crm'],
      dataCategories: ['name', 'email'],
    });
    await eventually(async () => smtp.heldCount > 0);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await smtp?.close();
    await db?.drop();
  });

  it('changes the inventory during delivery: audited with before and after, nobody redirected', async () => {
    const imported = await system.app.inject({
      method: 'POST',
      url: '/api/inventory/customers',
      headers: bearer(system.tokens.admin),
      payload: customers(true),
    });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toMatchObject({ updated: 2 });

    // A correction of a claimed notice, through the one use case for it: the claim is taken back.
    const bob = customerIds.get('B1')!;
    const corrected = await correct(bob, {
      email: NEW.bob,
      reason: 'The customer called: typo in the address',
    });
    expect(corrected.statusCode, corrected.body).toBe(200);
    expect(corrected.json()).toMatchObject({ email: NEW.bob, fullName: 'Bob Baker' });

    // Only compliance corrects; a correction must name something to change.
    expect((await correct(bob, { email: NEW.bob, reason: 'again' }, system.tokens.officer)).statusCode).toBe(
      403,
    );
    expect((await correct(bob, { reason: 'nothing named' })).statusCode).toBe(400);

    smtp.release();
    await eventually(async () => (await incidentStatus(system, incidentId)) === 'completed', 90_000);

    // The notices went to the frozen recipients, bob's to the corrected address; one each.
    expect(smtp.acceptedByRecipient.get(OLD.alice)).toBe(1);
    expect(smtp.acceptedByRecipient.get(OLD.ruth)).toBe(1);
    expect(smtp.acceptedByRecipient.get(NEW.bob)).toBe(1);
    for (const address of [NEW.alice, NEW.ruth, OLD.bob])
      expect(smtp.acceptedByRecipient.has(address)).toBe(false);
    expect(smtp.acceptedCount).toBe(3 + FILLERS);
    expect(messageTo(OLD.alice).text).toContain('Alice Archer');
    expect(messageTo(OLD.ruth).text).toContain('Ruth Hale');

    const trail = await audit.listForIncident(db.pool, incidentId);
    const changes = trail
      .filter((e) => e.action === 'inventory_changed')
      .flatMap((e) => (e.detail as { changes: unknown[] }).changes);
    expect(changes).toEqual(
      expect.arrayContaining([
        {
          customerId: customerIds.get('A1'),
          externalId: 'A1',
          before: { fullName: 'Alice Archer', email: OLD.alice },
          after: { fullName: 'Alice Renamed', email: NEW.alice },
        },
        {
          customerId: customerIds.get('H1'),
          externalId: 'H1',
          before: { representativeName: 'Ruth Hale', representativeEmail: OLD.ruth },
          after: { representativeName: 'Someone Else', representativeEmail: NEW.ruth },
        },
      ]),
    );
    expect(changes).toHaveLength(2);
    expect(trail.find((e) => e.action === 'inventory_changed')!.actor).toBe(system.staff.admin.id);
    expect(trail.filter((e) => e.action === 'recipient_corrected')).toMatchObject([
      {
        actor: system.staff.compliance.id,
        detail: {
          customerId: bob,
          reason: 'The customer called: typo in the address',
          before: { email: OLD.bob },
          after: { email: NEW.bob },
        },
      },
    ]);
  });

  it('keeps the values a notice was sent to: no correction after the commit point', async () => {
    const alice = customerIds.get('A1')!;
    const refused = await correct(alice, { email: NEW.alice, reason: 'The inventory says so now' });
    expect(refused.statusCode, refused.body).toBe(409);
    const trail = await audit.listForIncident(db.pool, incidentId);
    expect(trail.filter((e) => e.action === 'recipient_corrected')).toHaveLength(1);
  });

  it('shows the notice as sent on the page and in the lookup, with the hash of the message received', async () => {
    // The facts change after the sending: what the customer was sent does not.
    await reassessIncident({ pool: db.pool, config: system.config }, actorOf(system.staff.compliance), {
      incidentId,
      reason: 'Discovery was two days earlier',
      discoveredAt: new Date('2026-02-01T09:00:00Z'),
    });
    const reassessed = (await audit.listForIncident(db.pool, incidentId)).find(
      (e) => e.action === 'reassessment_requested',
    );
    expect(reassessed?.detail).toMatchObject({
      before: { discoveredAt: '2026-02-03T09:00:00.000Z' },
      after: { discoveredAt: '2026-02-01T09:00:00.000Z' },
    });

    for (const address of [OLD.alice, OLD.ruth, NEW.bob]) {
      const received = messageTo(address);
      const { rows } = await db.pool.query<{ contentHash: string }>(
        `SELECT content_hash AS "contentHash" FROM deliveries WHERE message_id = $1`,
        [received.messageId],
      );
      // The hash recorded at the commit point is the hash of the message as it arrived.
      expect(rows[0]!.contentHash).toBe(renderedMailHash(received));

      const found = await lookUp(received.headers['x-forthright-reference']!);
      expect(found.notice).toMatchObject({
        subject: received.subject,
        text: withholdPageLink(received).text,
        sent: { contentHash: rows[0]!.contentHash, verified: true },
      });
      expect(found.delivery.recipient).toBe(address);

      const token = /\/n\/([0-9a-f]{64})\b/.exec(received.text)![1]!;
      const page = await system.app.inject({ method: 'GET', url: `/n/${token}` });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(
        address === NEW.bob ? 'Bob Baker' : address === OLD.ruth ? 'Ruth Hale' : 'Alice Archer',
      );
      expect(page.body).not.toContain('Alice Renamed');
      expect(page.body).not.toContain('Someone Else');
    }
  });
});
