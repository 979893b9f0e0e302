import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as deliveries from '../../core/db/deliveries';
import * as incidents from '../../core/db/incidents';
import { deliveryProgress } from '../../core/delivery';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { importInventory } from '../helpers/factories';
import { startSmtpSink } from '../helpers/smtp';
import type { SmtpFault, SmtpSink } from '../helpers/smtp';
import {
  bearer,
  billingCardIncident,
  eventually,
  openAndApprovePending,
  startSystem,
} from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * Delivery against a relay that fails: about one message in ten is refused temporarily (4xx) on
 * its first attempt, at RCPT TO or after the body, chosen by a hash of the address so every run
 * makes the same choice; a fixed set of addresses is refused permanently (5xx). Everyone else gets
 * exactly one notice, the refused are `undeliverable` with the relay's reply, and the incident's
 * counts add up.
 */

const CUSTOMERS = 1_200;
const AFFECTED = 1_000;
/** Refused for good: at RCPT TO, and (the last one) after the body. */
const PERMANENT = [7, 77, 177, 277, 777];
const PERMANENT_AFTER_BODY = 777;
/** Deceased without a representative: handled by hand, never emailed. */
const MANUAL = [5, 505];
/** An address no relay can take. */
const UNUSABLE = 55;

const email = (i: number) => (i === UNUSABLE ? 'no-at-sign.example.com' : `customer${i}@example.com`);
const bucket = (address: string) => createHash('sha256').update(address).digest()[0]! % 10;

function fault(recipient: string, attempt: number): SmtpFault | undefined {
  const i = Number(/^customer(\d+)@/.exec(recipient)?.[1] ?? -1);
  if (i === PERMANENT_AFTER_BODY)
    return { at: 'data', code: 554, message: '5.7.1 Message refused by policy' };
  if (PERMANENT.includes(i)) return { at: 'rcpt', code: 550, message: '5.1.1 Mailbox does not exist' };
  if (attempt === 1 && bucket(recipient) === 0) {
    return i % 2 === 0
      ? { at: 'rcpt', code: 451, message: '4.7.1 Greylisted, try again later' }
      : { at: 'data', code: 452, message: '4.3.1 Insufficient system storage' };
  }
  return undefined;
}

describe('delivery against a failing relay', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink({ countOnly: true, fault });
    system = await startSystem(db, smtp.url, { DELIVERY_BATCH_SIZE: '100', DELIVERY_RETRY_DELAYS: '1,1,1' });
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({
      externalId: `F${String(i).padStart(5, '0')}`,
      fullName: `Customer ${i}`,
      email: email(i),
      locale: 'en',
      country: 'US',
      region: 'US-CA',
      status: MANUAL.includes(i) ? ('deceased' as const) : ('active' as const),
    }));
    await importInventory(db.pool, {
      customers,
      holdings: customers.map((c, i) => ({
        customerExternalId: c.externalId,
        system: i < AFFECTED ? 'billing' : 'analytics',
        categories: ['name', 'payment_card'],
        maskedIdentifiers: { payment_card: String(1000 + (i % 9000)) },
      })),
    });
  });

  afterAll(async () => {
    await system?.stop();
    await smtp?.close();
    await db?.drop();
  });

  it('sends everyone else one notice, records the refused with the reply, and the counts add up', async () => {
    const incidentId = await openAndApprovePending(
      { pool: db.pool, temporal: system.client, config: system.config },
      system.staff,
      billingCardIncident(),
    );
    const status = async () => (await incidents.get(db.pool, incidentId))?.status;
    await eventually(async () => (await status()) === 'completed', 120_000);

    // Temporary refusals happened, at both points, and were retried.
    expect(smtp.refusals.filter((r) => r.code === 451 && r.at === 'rcpt').length).toBeGreaterThan(10);
    expect(smtp.refusals.filter((r) => r.code === 452 && r.at === 'data').length).toBeGreaterThan(10);

    const refused = new Set(PERMANENT.map(email));
    const notEmailed = new Set([...MANUAL, UNUSABLE].map(email));
    for (let i = 0; i < CUSTOMERS; i++) {
      const address = email(i).toLowerCase();
      const received = smtp.acceptedByRecipient.get(address) ?? 0;
      const expected = i < AFFECTED && !refused.has(email(i)) && !notEmailed.has(email(i)) ? 1 : 0;
      if (received !== expected)
        expect(`${address} received ${received}`).toBe(`${address} received ${expected}`);
    }

    // The refused and the unusable are undeliverable, each with what the relay (or the check) said.
    const response = await system.app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/delivery`,
      headers: bearer(system.tokens.officer),
    });
    expect(response.statusCode, response.body).toBe(200);
    const delivery = response.json();
    const byRecipient = new Map<string, { reply: string }>(
      delivery.undeliverableList.map((u: { recipient: string; reply: string }) => [u.recipient, u]),
    );
    expect([...byRecipient.keys()].sort()).toEqual([...PERMANENT, UNUSABLE].map(email).sort());
    for (const i of PERMANENT) {
      const reply = byRecipient.get(email(i))!.reply;
      expect(reply).toMatch(
        i === PERMANENT_AFTER_BODY ? /^554 .*Message refused by policy/ : /^550 .*Mailbox does not exist/,
      );
    }
    expect(byRecipient.get(email(UNUSABLE))!.reply).toMatch(/invalid recipient address/);

    // The counts add up: sent + undeliverable + manual = affected, nothing left pending (every
    // address here is distinct, so no record is merged into another's notice).
    const counts = await deliveries.countsForIncident(db.pool, incidentId);
    expect(counts).toEqual({
      sent: AFFECTED - PERMANENT.length - MANUAL.length - 1,
      pending: 0,
      retrying: 0,
      undeliverable: PERMANENT.length + 1,
      manual: MANUAL.length,
      merged: 0,
    });
    expect(delivery).toMatchObject(counts);
    expect(counts.sent + counts.undeliverable + counts.manual).toBe(AFFECTED);

    // Nobody is waiting any more: the forecast is the moment of measurement.
    const progress = await deliveryProgress(db.pool, incidentId);
    expect(progress.remaining).toBe(0);
    expect(progress.forecastAt).toEqual(progress.measuredAt);
  });
});
