import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RelayConfig } from '../../../core/config';
import * as relays from '../../../core/db/relays';
import { RelaysUnavailableError, SmtpSendError } from '../../../core/errors';
import { workerRegistry } from '../../../core/metrics';
import { RelaySet } from '../../../core/mail/relay-set';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import { startSmtpSink } from '../../helpers/smtp';
import type { SmtpFault, SmtpSink } from '../../helpers/smtp';

/**
 * The relay set against real SMTP servers on loopback and real PostgreSQL: shares by weight and
 * priority, moves a message not yet committed to another relay when one refuses or vanishes (never
 * one committed), brings a relay back after its cool-down probe, and keeps each relay inside its
 * quotas across relay sets (worker processes) and restarts.
 */

const relay = (name: string, sink: { url: string }, extra: Partial<RelayConfig> = {}): RelayConfig => ({
  name,
  url: sink.url,
  connections: 2,
  weight: 1,
  priority: 1,
  ...extra,
});

function message(to: string): Buffer {
  return Buffer.from(
    [
      `From: sender@example.com`,
      `To: ${to}`,
      `Subject: notice`,
      `Message-ID: <${to}>`,
      '',
      'Hello.',
      '',
    ].join('\r\n'),
  );
}

/** Sends one message to `to`, recording the relay each commit names. */
async function send(set: RelaySet, to: string, commits: string[]): Promise<string> {
  return set.send({ from: 'sender@example.com', to }, message(to), async (name) => {
    commits.push(name);
  });
}

const total = (sinks: SmtpSink[], to: string) =>
  sinks.reduce((n, s) => n + (s.acceptedByRecipient.get(to) ?? 0), 0);

async function relayUpValue(name: string): Promise<number | undefined> {
  const metric = await workerRegistry.getSingleMetric('forthright_relay_up')!.get();
  return metric.values.find((v) => v.labels.relay === name)?.value;
}

describe('RelaySet', () => {
  let db: TestDatabase;
  const open: { close(): Promise<void> }[] = [];
  const sink = async (fault?: (recipient: string, attempt: number) => SmtpFault | undefined) => {
    const s = await startSmtpSink({ countOnly: true, ...(fault ? { fault } : {}) });
    open.push(s);
    return s;
  };
  const set = (options: ConstructorParameters<typeof RelaySet>[0]) => {
    const s = new RelaySet({ pool: db.pool, ...options });
    open.push(s);
    return s;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((x) => x.close()));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('shares messages by weight within a priority, and leaves a higher priority for failover', async () => {
    const [a, b, backup] = await Promise.all([sink(), sink(), sink()]);
    const relaySet = set({
      relays: [relay('a', a, { weight: 3 }), relay('b', b), relay('backup', backup, { priority: 2 })],
    });
    const commits: string[] = [];
    for (let i = 0; i < 40; i++) await send(relaySet, `w${i}@example.com`, commits);
    expect(a.acceptedCount).toBe(30);
    expect(b.acceptedCount).toBe(10);
    expect(backup.acceptedCount).toBe(0);
    expect(commits.filter((c) => c === 'a')).toHaveLength(30);
  });

  it('moves the share of a relay that vanishes to the others, each message once', async () => {
    const [a, b] = await Promise.all([sink(), sink()]);
    const relaySet = set({ relays: [relay('a', a), relay('b', b)], cooldownMs: 60_000 });
    const commits: string[] = [];
    for (let i = 0; i < 10; i++) await send(relaySet, `v${i}@example.com`, commits);
    expect(a.acceptedCount).toBe(5);
    await a.close(); // connection refused from now on (and pooled connections are dropped)
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => send(relaySet, `v${10 + i}@example.com`, commits)),
    );
    expect(a.acceptedCount).toBe(5);
    expect(b.acceptedCount).toBe(25);
    for (let i = 0; i < 30; i++) expect(total([a, b], `v${i}@example.com`)).toBe(1);
    expect(commits).toHaveLength(30);
    expect(relaySet.status().find((s) => s.name === 'a')?.up).toBe(false);
    expect(await relayUpValue('a')).toBe(0);
  });

  it('takes a relay out at its first 421, moves the message, and brings it back after the cool-down probe', async () => {
    let refusing = false;
    const a = await sink(() =>
      refusing ? { at: 'rcpt', code: 421, message: '4.7.0 Too many connections, closing' } : undefined,
    );
    const b = await sink();
    const relaySet = set({ relays: [relay('a', a), relay('b', b)], cooldownMs: 300 });
    const commits: string[] = [];
    refusing = true;
    for (let i = 0; i < 6; i++) await send(relaySet, `r${i}@example.com`, commits);
    expect(a.acceptedCount).toBe(0);
    expect(b.acceptedCount).toBe(6);
    // Out after its first refused message (which its pool tried once more on a fresh connection).
    expect(new Set(a.refusals.map((r) => r.recipient))).toEqual(new Set(['r0@example.com']));
    expect(relaySet.status().find((s) => s.name === 'a')?.up).toBe(false);

    refusing = false;
    await new Promise((r) => setTimeout(r, 400));
    // The first message after the cool-down starts the probe; the relay is back once it answers.
    const until = Date.now() + 10_000; // a loaded machine may take a while to answer the probe
    for (let i = 6; Date.now() < until && a.acceptedCount === 0; i++) {
      await send(relaySet, `r${i}@example.com`, commits);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(a.acceptedCount).toBeGreaterThan(0);
    expect(relaySet.status().find((s) => s.name === 'a')?.up).toBe(true);
    expect(await relayUpValue('a')).toBe(1);
  });

  it('takes out a relay answering 5xx to everyone once others accept what it refused; nobody is failed for it', async () => {
    const a = await sink(() => ({ at: 'rcpt', code: 554, message: '5.7.1 Relay access denied' }));
    const b = await sink();
    const relaySet = set({ relays: [relay('a', a), relay('b', b)] });
    const commits: string[] = [];
    for (let i = 0; i < 12; i++) await send(relaySet, `d${i}@example.com`, commits);
    expect(b.acceptedCount).toBe(12);
    expect(a.refusals).toHaveLength(3); // REFUSAL_STREAK
    expect(relaySet.status().find((s) => s.name === 'a')?.up).toBe(false);
  });

  it('fails an address every relay refuses: permanent only when every refusal was', async () => {
    const bad = (to: string) => to.startsWith('bad');
    const a = await sink((to) =>
      bad(to) ? { at: 'rcpt', code: 550, message: '5.1.1 No such user' } : undefined,
    );
    const b = await sink((to) =>
      to === 'bad-temp@example.com'
        ? { at: 'rcpt', code: 451, message: '4.3.0 Try later' }
        : bad(to)
          ? { at: 'rcpt', code: 550, message: '5.1.1 No such user' }
          : undefined,
    );
    const relaySet = set({ relays: [relay('a', a), relay('b', b)] });
    const commits: string[] = [];
    const permanent = await send(relaySet, 'bad@example.com', commits).catch((e: unknown) => e);
    expect(permanent).toBeInstanceOf(SmtpSendError);
    expect((permanent as SmtpSendError).permanent).toBe(true);
    expect((permanent as SmtpSendError).reply).toMatch(/^550/);
    const temporary = await send(relaySet, 'bad-temp@example.com', commits).catch((e: unknown) => e);
    expect((temporary as SmtpSendError).permanent).toBe(false);
    expect(commits).toHaveLength(0);
    // A bad address is no evidence against a relay.
    expect(relaySet.status().every((s) => s.up)).toBe(true);
  });

  it('never moves a message past its commit point: a refusal after the "." is final', async () => {
    const a = await sink(() => ({ at: 'data', code: 451, message: '4.3.0 Queue full' }));
    const b = await sink();
    const both = set({ relays: [relay('a', a), relay('b', b, { priority: 2 })] });
    const commits: string[] = [];
    const err = await send(both, 'c1@example.com', commits).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmtpSendError);
    expect((err as SmtpSendError).afterCommit).toBe(true);
    expect(commits).toEqual(['a']);
    expect(b.acceptedCount).toBe(0);
    // And a commit that refuses (another attempt owns the row) abandons the message: nowhere else.
    const refused = await both
      .send({ from: 'sender@example.com', to: 'c2@example.com' }, message('c2@example.com'), async () => {
        throw new Error('lease lost');
      })
      .catch((e: unknown) => e);
    expect(String(refused)).toMatch(/lease lost/);
    expect(b.acceptedCount).toBe(0);
  });

  it('keeps a relay inside its hourly quota, shared by two relay sets (two workers) and across a restart', async () => {
    const [a, b] = await Promise.all([sink(), sink()]);
    const relaysOf = () => [relay('quota-a', a, { perHour: 7, weight: 10 }), relay('quota-b', b)];
    const worker1 = set({ relays: relaysOf() });
    const worker2 = set({ relays: relaysOf() });
    const commits: string[] = [];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => send(i % 2 ? worker1 : worker2, `q${i}@example.com`, commits)),
    );
    expect(a.acceptedCount).toBe(7);
    expect(b.acceptedCount).toBe(23);
    await worker1.close();
    await worker2.close();
    const restarted = set({ relays: relaysOf() });
    for (let i = 30; i < 40; i++) await send(restarted, `q${i}@example.com`, commits);
    expect(a.acceptedCount).toBe(7);
    expect(b.acceptedCount).toBe(33);
  });

  it('waits for quota, then gives up before the commit point when every relay is out of it', async () => {
    const a = await sink();
    const relaySet = set({ relays: [relay('only', a, { perHour: 2 })], maxWaitMs: 300 });
    const commits: string[] = [];
    await send(relaySet, 'x1@example.com', commits);
    await send(relaySet, 'x2@example.com', commits);
    const err = await send(relaySet, 'x3@example.com', commits).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RelaysUnavailableError);
    expect((err as RelaysUnavailableError).reason).toBe('quota');
    expect(commits).toEqual(['only', 'only']);
    expect(a.acceptedCount).toBe(2);
  });

  it('keeps a per-second quota: never more than N in one second', async () => {
    const a = await sink();
    const relaySet = set({ relays: [relay('per-second', a, { perSecond: 5 })], maxWaitMs: 5_000 });
    const commits: string[] = [];
    const at: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        send(relaySet, `s${i}@example.com`, commits).then(() => at.push(Date.now())),
      ),
    );
    expect(a.acceptedCount).toBe(12);
    const { rows } = await db.pool.query<{ sent: number }>(
      `SELECT sum(sent)::int AS sent FROM relay_quota_minutes WHERE relay = 'per-second'`,
    );
    expect(rows[0]!.sent).toBe(12);
    // 12 messages at 5 a second: at least three distinct seconds.
    expect(new Set(at.map((t) => Math.floor(t / 1000))).size).toBeGreaterThanOrEqual(2);
  });
});

describe('relays.reserve', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('grants no more than the quota to reservations made at once', async () => {
    const grants = await Promise.all(
      Array.from({ length: 20 }, () => relays.reserve(db.pool, 'together', 3, { perHour: 25 })),
    );
    expect(grants.reduce((n, g) => n + g.granted, 0)).toBe(25);
    const none = grants.filter((g) => g.granted === 0);
    expect(none.length).toBeGreaterThan(0);
    for (const g of none) expect(g.validMs).toBeLessThanOrEqual(60_000);
  });

  it('counts the rolling hour and day from the minutes that end inside them', async () => {
    // Minutes in the past, written as they are: the one write here no product function makes,
    // since it stands for time having passed (as test/helpers/factories.ts recordSent's sent_at).
    await db.pool.query(
      `INSERT INTO relay_quota_minutes (relay, minute, sent) VALUES
         ('rolling', date_trunc('minute', now()) - interval '30 minutes', 40),
         ('rolling', date_trunc('minute', now()) - interval '90 minutes', 50),
         ('rolling', date_trunc('minute', now()) - interval '25 hours', 1000)`,
    );
    // Hour: 40 used of 50; day: 90 used of 95.
    const r = await relays.reserve(db.pool, 'rolling', 100, { perHour: 50, perDay: 95 });
    expect(r.granted).toBe(5);
    const usage = await relays.recentUsage(db.pool, ['rolling']);
    expect(usage.minutes.reduce((n, m) => n + m.sent, 0)).toBe(95);
  });
});
