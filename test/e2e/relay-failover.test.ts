import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as deliveries from '../../core/db/deliveries';
import * as incidents from '../../core/db/incidents';
import { workerRegistry } from '../../core/metrics';
import type { TestDatabase } from '../helpers/db';
import { createTestDatabase } from '../helpers/db';
import { importInventory } from '../helpers/factories';
import type { SmtpFault, SmtpSink } from '../helpers/smtp';
import { startSmtpSink } from '../helpers/smtp';
import type { TestSystem } from '../helpers/system';
import { billingCardIncident, eventually, openAndApprovePending, startSystem } from '../helpers/system';

/**
 * Several relays on the real stack (API use cases, Temporal dev server, worker, PostgreSQL, two SMTP
 * servers): one relay starts refusing in the middle of delivery and its share moves to the other
 * without a duplicate; a relay with an hourly quota is given no more than its quota.
 */

const email = (i: number) => `customer${i}@example.com`;

async function seed(db: TestDatabase, count: number): Promise<void> {
  const customers = Array.from({ length: count }, (_, i) => ({
    externalId: `R${String(i).padStart(5, '0')}`,
    fullName: `Customer ${i}`,
    email: email(i),
    locale: 'en',
    country: 'US',
    region: 'US-CA',
  }));
  await importInventory(db.pool, {
    customers,
    holdings: customers.map((c, i) => ({
      customerExternalId: c.externalId,
      system: 'billing',
      categories: ['name', 'payment_card'],
      maskedIdentifiers: { payment_card: String(1000 + i) },
    })),
  });
}

/** Opens an incident over everyone, approves its notice, and waits until delivery is over. */
async function deliverToEveryone(db: TestDatabase, system: TestSystem): Promise<string> {
  const incidentId = await openAndApprovePending(
    { pool: db.pool, temporal: system.client, config: system.config },
    system.staff,
    billingCardIncident(),
  );
  const status = async () => (await incidents.get(db.pool, incidentId))?.status;
  await eventually(async () => (await status()) === 'completed', 120_000);
  return incidentId;
}

/** Sent deliveries per relay, as the commit points recorded them. */
async function sentByRelay(db: TestDatabase, incidentId: string): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<{ relay: string | null; n: number }>(
    `SELECT relay, count(*)::int AS n FROM deliveries WHERE incident_id = $1 AND status = 'sent' GROUP BY relay`,
    [incidentId],
  );
  return Object.fromEntries(rows.map((r) => [r.relay ?? 'none', r.n]));
}

/** forthright_notices_sent_total by relay, as this process's worker counted them. */
async function sentMetric(): Promise<Record<string, number>> {
  const metric = await workerRegistry.getSingleMetric('forthright_notices_sent_total')!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.relay), v.value]));
}

function expectExactlyOneEach(sinks: SmtpSink[], count: number): void {
  for (let i = 0; i < count; i++) {
    const address = email(i);
    const received = sinks.reduce((n, s) => n + (s.acceptedByRecipient.get(address) ?? 0), 0);
    if (received !== 1) expect(`${address} received ${received}`).toBe(`${address} received 1`);
  }
}

describe('several relays: one starts refusing mid-delivery', () => {
  const PEOPLE = 1_000;
  /** Relay A takes this many notices, then answers 421 to every transaction. */
  const A_TAKES = 150;
  let db: TestDatabase;
  let a: SmtpSink;
  let b: SmtpSink;
  /** Staff mail (approval requests, alerts) goes through SMTP_URL, not the relays of notices. */
  let staff: SmtpSink;
  let system: TestSystem;

  beforeAll(async () => {
    db = await createTestDatabase();
    const refuseOnceFull = (): SmtpFault | undefined =>
      a.acceptedCount >= A_TAKES
        ? { at: 'rcpt', code: 421, message: '4.3.2 Service shutting down, closing channel' }
        : undefined;
    a = await startSmtpSink({ countOnly: true, fault: refuseOnceFull });
    b = await startSmtpSink({ countOnly: true });
    staff = await startSmtpSink({ countOnly: true });
    system = await startSystem(db, staff.url, {
      SMTP_RELAYS: JSON.stringify([
        { name: 'relay-a', url: a.url, connections: 3 },
        { name: 'relay-b', url: b.url, connections: 3 },
      ]),
      // Out for the rest of the test once refused: its share stays moved.
      SMTP_RELAY_COOLDOWN_SECONDS: '600',
    });
    await seed(db, PEOPLE);
  });

  afterAll(async () => {
    await system?.stop();
    await a?.close();
    await b?.close();
    await staff?.close();
    await db?.drop();
  });

  it('sends everyone exactly one notice, counted at both relays; the refusing relay’s share moves', async () => {
    const incidentId = await deliverToEveryone(db, system);

    expectExactlyOneEach([a, b], PEOPLE);
    expect(a.acceptedCount + b.acceptedCount).toBe(PEOPLE);
    // A took its notices and then refused (421): the rest, its share included, went through B.
    expect(a.refusals.length).toBeGreaterThan(0);
    expect(a.refusals.every((r) => r.code === 421)).toBe(true);
    expect(a.acceptedCount).toBeGreaterThanOrEqual(A_TAKES);
    expect(a.acceptedCount).toBeLessThan(A_TAKES + 10);
    expect(b.acceptedCount).toBeGreaterThan(PEOPLE - A_TAKES - 10);
    // Every refused recipient was still notified (through B), none failed for A's refusal.
    for (const r of a.refusals) expect(b.acceptedByRecipient.get(r.recipient)).toBe(1);

    // Each delivery names the relay that accepted it, and the figures agree with the servers.
    expect(await sentByRelay(db, incidentId)).toEqual({
      'relay-a': a.acceptedCount,
      'relay-b': b.acceptedCount,
    });
    // And so do the metrics' counts by relay.
    expect(await sentMetric()).toMatchObject({ 'relay-a': a.acceptedCount, 'relay-b': b.acceptedCount });
    const counts = await deliveries.countsForIncident(db.pool, incidentId);
    expect(counts).toMatchObject({ sent: PEOPLE, pending: 0, retrying: 0, undeliverable: 0 });
  });
});

describe('several relays: a relay at N an hour is not given more', () => {
  const PEOPLE = 300;
  const QUOTA = 40;
  let db: TestDatabase;
  let limited: SmtpSink;
  let other: SmtpSink;
  let staff: SmtpSink;
  let system: TestSystem;

  beforeAll(async () => {
    db = await createTestDatabase();
    limited = await startSmtpSink({ countOnly: true });
    other = await startSmtpSink({ countOnly: true });
    staff = await startSmtpSink({ countOnly: true });
    system = await startSystem(db, staff.url, {
      SMTP_RELAYS: JSON.stringify([
        // Weighted to take nearly everything, were it not for its quota.
        { name: 'limited', url: limited.url, perHour: QUOTA, weight: 20 },
        { name: 'other', url: other.url },
      ]),
    });
    await seed(db, PEOPLE);
  });

  afterAll(async () => {
    await system?.stop();
    await limited?.close();
    await other?.close();
    await staff?.close();
    await db?.drop();
  });

  it('gives the limited relay its quota and the rest to the other, everyone once', async () => {
    const incidentId = await deliverToEveryone(db, system);
    expectExactlyOneEach([limited, other], PEOPLE);
    expect(limited.acceptedCount).toBe(QUOTA);
    expect(other.acceptedCount).toBe(PEOPLE - QUOTA);
    expect(await sentByRelay(db, incidentId)).toEqual({ limited: QUOTA, other: PEOPLE - QUOTA });
    expect(await sentMetric()).toMatchObject({ limited: QUOTA, other: PEOPLE - QUOTA });
    const { rows } = await db.pool.query<{ sent: number }>(
      `SELECT sum(sent)::int AS sent FROM relay_quota_minutes WHERE relay = 'limited'`,
    );
    expect(rows[0]!.sent).toBeLessThanOrEqual(QUOTA);
  });
});
