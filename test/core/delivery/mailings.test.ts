import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as cases from '../../../core/db/cases';
import * as incidents from '../../../core/db/incidents';
import * as mailings from '../../../core/db/mailings';
import { deliverShardPass } from '../../../core/delivery';
import { deliverMailingShardPass } from '../../../core/delivery/mailing-pass';
import { returnPathFor } from '../../../core/delivery/return-path';
import type { MailingKind } from '../../../core/domain/mailings';
import { SmtpPool } from '../../../core/mail/smtp-pool';
import { TemplateCache } from '../../../core/mail/template-cache';
import { recordBounce } from '../../../core/use-cases/bounces';
import {
  createMailing,
  decideFollowUp,
  draftFollowUp,
  finishMailing,
  followUpState,
  optOutOfReminders,
} from '../../../core/use-cases/mailings';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import {
  actorOf,
  approvedNotice,
  identifyAffected,
  importEmailHolders,
  newIncident,
  newUser,
} from '../../helpers/factories';
import { startSmtpSink } from '../../helpers/smtp';
import type { SmtpSink } from '../../helpers/smtp';

/**
 * Further mailings on PostgreSQL and a real SMTP server: an incident's first notice goes out through
 * the product's shard pass (one person refused by the relay, one bounced afterwards), then people
 * acknowledge, opt out of reminders, or not; a reminder, an update and a listed supplement are
 * drafted, approved four-eyes and sent through the mailing pass. Checked at the SMTP server: exactly
 * the people each criterion names, one message each, with its stable Message-ID; a retried shard
 * after an attempt died past the commit point sends nobody twice.
 */

const PEOPLE = ['ACK', 'REFUSED', 'BOUNCED', 'OPTOUT', 'R1', 'R2', 'R3', 'R4'].map((id) => ({
  externalId: `M-${id}`,
  fullName: `Person ${id}`,
}));
const addressOf = (id: string) => `m-${id.toLowerCase()}@example.com`;

describe('mailings', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let templates: TemplateCache;
  let sink: SmtpSink;
  let smtp: SmtpPool;
  let incidentId: string;
  let compliance: Awaited<ReturnType<typeof newUser>>;
  let officer: Awaited<ReturnType<typeof newUser>>;
  const customerIds = new Map<string, number>();

  const deps = () => ({ pool: db.pool, smtp, templates, config });

  /** Drafts a follow-up text (by the officer unless a reminder's standard wording) and approves it. */
  const approvedFollowUp = async (kind: MailingKind, key: string, update?: string) => {
    const notice = await draftFollowUp({ pool: db.pool, templates, config }, update ? officer.actor : null, {
      incidentId,
      kind,
      key,
      ...(update ? { update } : {}),
    });
    await decideFollowUp({ pool: db.pool, config }, compliance.actor, {
      incidentId,
      noticeId: notice.id,
      contentHash: notice.contentHash,
      decision: 'approve',
      comment: null,
    });
    return notice;
  };

  /** `createMailing`, for an incident not withdrawn: a mailing is always made. */
  const newMailing = async (...args: Parameters<typeof createMailing>) => {
    const { mailingId, recipients } = await createMailing(...args);
    if (mailingId === null) throw new Error('no mailing made');
    return { mailingId, recipients };
  };

  /** Every shard pass of a mailing to its end, as the shard workflow calls them. */
  const sendAll = async (mailingId: string, shards = 2) => {
    let sent = 0;
    for (let shard = 0; shard < shards; shard++) {
      for (let after: number | null = 0; after !== null;) {
        const pass = await deliverMailingShardPass(
          deps(),
          { mailingId, shard, shards, after },
          { budgetMs: 60_000 },
        );
        sent += pass.sent;
        after = pass.next;
      }
    }
    return sent;
  };

  /** Messages the sink accepted for a mailing (by its Message-ID), per recipient. */
  const receivedFor = (mailingId: string) => {
    const counts: Record<string, number> = {};
    for (const m of sink.messages.filter((m) => m.messageId.startsWith(`<mailing.${mailingId}.`))) {
      for (const to of m.envelopeTo) counts[to.toLowerCase()] = (counts[to.toLowerCase()] ?? 0) + 1;
    }
    return counts;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startSmtpSink({
      // The relay refuses one address for good: their first notice is undeliverable.
      fault: (recipient) =>
        recipient === addressOf('refused') ? { at: 'rcpt', code: 550, message: 'No such user' } : undefined,
    });
    config = loadConfig({
      DATABASE_URL: db.url,
      SMTP_URL: sink.url,
      LOG_LEVEL: 'silent',
      BOUNCE_DOMAIN: 'bounces.example.com',
      BOUNCE_TOKEN_KEY: randomBytes(32).toString('base64'),
      DELIVERY_BATCH_SIZE: '3',
    });
    templates = new TemplateCache(db.pool);
    smtp = new SmtpPool({ url: sink.url, size: 2 });
    officer = await newUser(db.pool, { role: 'officer', email: 'officer-m@staff.example.com' });
    compliance = await newUser(db.pool, { role: 'compliance', email: 'compliance-m@staff.example.com' });
    await importEmailHolders(db.pool, PEOPLE);
    const { incident } = await newIncident(db.pool, { openedBy: officer.user });
    incidentId = incident.id;
    await identifyAffected(db.pool, incidentId);
    const { rows } = await db.pool.query<{ externalId: string; customerId: number }>(
      `SELECT c.external_id AS "externalId", a.customer_id::int AS "customerId"
       FROM affected_customers a JOIN customers c ON c.id = a.customer_id WHERE a.incident_id = $1`,
      [incidentId],
    );
    for (const r of rows) customerIds.set(r.externalId.slice(2), r.customerId);

    // The first notice, through the product's shard pass to the real SMTP server.
    const notice = await approvedNotice({ pool: db.pool, templates, config }, incidentId, compliance.user);
    for (let after: number | null = 0; after !== null;) {
      const pass = await deliverShardPass(
        deps(),
        { incidentId, noticeId: notice.id, shard: 0, shards: 1, after, onlyRetrying: false },
        { budgetMs: 60_000 },
      );
      after = pass.next;
    }
    expect(sink.acceptedCount).toBe(PEOPLE.length - 1);
    // One bounces afterwards (a report to its return path), one acknowledges, one asks not to be reminded.
    const { rows: bounced } = await db.pool.query<{ id: number }>(
      `SELECT id::int FROM deliveries WHERE incident_id = $1 AND customer_id = $2`,
      [incidentId, customerIds.get('BOUNCED')],
    );
    await recordBounce(
      { pool: db.pool, config },
      {
        returnPath: returnPathFor(config.bounces, bounced[0]!.id)!,
        outcome: 'failed',
        status: '5.1.1',
        diagnostic: 'mailbox unknown',
        via: 'webhook',
      },
    );
    await cases.acknowledgeMany(db.pool, [{ incidentId, customerId: customerIds.get('ACK')! }]);
    expect(
      await optOutOfReminders({ pool: db.pool }, { incidentId, customerId: customerIds.get('OPTOUT')! }),
    ).toBe(true);
    // Asked twice: recorded once.
    expect(
      await optOutOfReminders({ pool: db.pool }, { incidentId, customerId: customerIds.get('OPTOUT')! }),
    ).toBe(false);
  }, 120_000);

  afterAll(async () => {
    await smtp?.close();
    await sink?.close();
    await db?.drop();
  });

  it('sends a reminder exactly once to each unacknowledged person, never to the acknowledged, refused, bounced or opted out', async () => {
    await approvedFollowUp('reminder', 'reminder-1');
    const created = await newMailing(
      { pool: db.pool },
      { incidentId, kind: 'reminder', key: 'reminder-1', criterion: 'unacknowledged' },
    );
    expect(created.recipients).toBe(4);
    // A retried creation returns the same mailing and selects nobody again.
    expect(
      await newMailing(
        { pool: db.pool },
        { incidentId, kind: 'reminder', key: 'reminder-1', criterion: 'unacknowledged' },
      ),
    ).toEqual(created);

    expect(await sendAll(created.mailingId)).toBe(4);
    expect(receivedFor(created.mailingId)).toEqual(
      Object.fromEntries(['r1', 'r2', 'r3', 'r4'].map((id) => [addressOf(id), 1])),
    );
    // Passes run again (a retried activity, a second retry pass): nobody is sent it twice.
    expect(await sendAll(created.mailingId)).toBe(0);
    expect(Object.values(receivedFor(created.mailingId))).toEqual([1, 1, 1, 1]);

    const message = sink.messages.find(
      (m) => m.envelopeTo.includes(addressOf('r1')) && m.messageId.startsWith('<mailing.'),
    )!;
    expect(message.messageId).toBe(`<mailing.${created.mailingId}.${customerIds.get('R1')}@example.com>`);
    expect(message.subject).toContain('Update on the data security incident');
    expect(message.text).toContain('We have not yet seen that you opened your personal page');
    expect(message.text).toContain('Dear Person R1');
    expect(message.text).toMatch(/\/n\/[0-9a-f]{64}/);
    // Not a first notice's return path: a bounce of a reminder must not mark the first notice bounced.
    expect(message.envelopeFrom).toBe('privacy@example.com');

    expect(await finishMailing({ pool: db.pool }, created.mailingId)).toEqual({
      selected: 4,
      sent: 4,
      undeliverable: 0,
      skipped: 0,
      open: 0,
      held: 0,
    });
    expect(await mailings.get(db.pool, created.mailingId)).toMatchObject({
      status: 'finished',
      sent: 4,
      undeliverable: 0,
    });
  });

  it('skips a reminder for someone who acknowledges or opts out after being selected', async () => {
    await approvedFollowUp('reminder', 'reminder-2');
    const { mailingId, recipients } = await newMailing(
      { pool: db.pool },
      { incidentId, kind: 'reminder', key: 'reminder-2', criterion: 'unacknowledged' },
    );
    expect(recipients).toBe(4);
    await cases.acknowledgeMany(db.pool, [{ incidentId, customerId: customerIds.get('R1')! }]);
    await optOutOfReminders({ pool: db.pool }, { incidentId, customerId: customerIds.get('R2')! });
    expect(await sendAll(mailingId)).toBe(2);
    expect(receivedFor(mailingId)).toEqual({ [addressOf('r3')]: 1, [addressOf('r4')]: 1 });
    expect(await finishMailing({ pool: db.pool }, mailingId)).toMatchObject({ sent: 2, skipped: 2 });
  });

  it('sends an update to everyone notified (acknowledged and opted out too) and a supplement to the listed only', async () => {
    await approvedFollowUp(
      'update',
      'concluded',
      'Our investigation has concluded.\n\nNo further data was involved.',
    );
    const update = await newMailing(
      { pool: db.pool },
      { incidentId, kind: 'update', key: 'concluded', criterion: 'notified' },
    );
    expect(await sendAll(update.mailingId)).toBe(6);
    expect(Object.keys(receivedFor(update.mailingId)).sort()).toEqual(
      ['ack', 'optout', 'r1', 'r2', 'r3', 'r4'].map(addressOf).sort(),
    );
    const text = sink.messages.find((m) => m.messageId.startsWith(`<mailing.${update.mailingId}.`))!.text;
    expect(text).toContain('Our investigation has concluded.');

    // The amendment's diff writes its list in its own transaction; the mailing reads it from there.
    await mailings.addListMembers(db.pool, incidentId, 'amendment-2', [
      customerIds.get('R3')!,
      customerIds.get('REFUSED')!,
    ]);
    await approvedFollowUp(
      'supplement',
      'amendment-2',
      'We have since found that your date of birth was also involved.',
    );
    const supplement = await newMailing(
      { pool: db.pool },
      { incidentId, kind: 'supplement', key: 'amendment-2', criterion: 'listed', listKey: 'amendment-2' },
    );
    // The refused address is not tried again.
    expect(supplement.recipients).toBe(1);
    expect(await sendAll(supplement.mailingId)).toBe(1);
    expect(receivedFor(supplement.mailingId)).toEqual({ [addressOf('r3')]: 1 });
    // It says what of theirs is now known to be involved, as their notice words it.
    const sent = sink.messages.find((m) => m.messageId.startsWith(`<mailing.${supplement.mailingId}.`))!;
    expect(sent.text).toContain('We have since found that your date of birth was also involved.');
    expect(sent.text).toContain('Your information we now know was involved');
    expect(sent.html).toContain('<li>Email address</li>');
    // An update carries no such list.
    expect(text).not.toContain('Your information we now know was involved');
  });

  it('sends nothing twice when a shard is retried after its attempt died past the commit point', async () => {
    await approvedFollowUp('update', 'retried', 'A second update.');
    const { mailingId, recipients } = await newMailing(
      { pool: db.pool },
      { incidentId, kind: 'update', key: 'retried', criterion: 'notified' },
    );
    expect(recipients).toBe(6);
    // The first attempt's relay: two messages go through; the third reaches the relay whole after
    // its commit point and then the worker dies (never answered); every later one dies before it.
    let calls = 0;
    const hung: ((err: Error) => void)[] = [];
    const dying = {
      async send(envelope: { from: string; to: string }, raw: Buffer, beforeCommit: () => Promise<void>) {
        calls++;
        if (calls <= 2) return smtp.send(envelope, raw, beforeCommit);
        if (calls === 3) await smtp.send(envelope, raw, beforeCommit);
        return new Promise<string>((_resolve, reject) => hung.push(reject));
      },
    } as unknown as SmtpPool;
    const before = sink.acceptedCount;
    const firstAttempt = deliverMailingShardPass(
      { ...deps(), smtp: dying },
      { mailingId, shard: 0, shards: 1, after: 0 },
      { budgetMs: 60_000, lease: '00000000-0000-4000-8000-000000000001' },
    );
    await sink.waitFor(before + 3);
    await expect.poll(() => hung.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const stateBefore = await db.pool.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM mailing_deliveries WHERE mailing_id = $1 GROUP BY status ORDER BY status`,
      [mailingId],
    );
    expect(stateBefore.rows.find((r) => r.status === 'sending')?.n ?? 0).toBeGreaterThanOrEqual(1);

    // The retry (heartbeat missed): another lease, from the start of the shard.
    const retry = await deliverMailingShardPass(
      deps(),
      { mailingId, shard: 0, shards: 1, after: 0 },
      { budgetMs: 60_000 },
    );
    expect(retry.next).toBeNull();
    expect(retry.recovered).toBeGreaterThanOrEqual(1);
    // The dead attempt's answers come in late: they change nothing (its claims were taken over).
    for (const reject of hung) reject(new Error('451 connection lost'));
    await firstAttempt.catch(() => undefined);

    const received = receivedFor(mailingId);
    expect(Object.keys(received).sort()).toEqual(
      ['ack', 'optout', 'r1', 'r2', 'r3', 'r4'].map(addressOf).sort(),
    );
    expect(Object.values(received).every((n) => n === 1)).toBe(true);
    expect(await finishMailing({ pool: db.pool }, mailingId)).toMatchObject({
      selected: 6,
      sent: 6,
      open: 0,
    });
    const { rows } = await db.pool.query<{ reply: string | null }>(
      `SELECT last_reply AS reply FROM mailing_deliveries WHERE mailing_id = $1 AND last_reply IS NOT NULL`,
      [mailingId],
    );
    expect(rows.map((r) => r.reply)).toContain('accepted before an interruption; confirmation not recorded');
  });

  it('refuses a mailing whose text is not approved, and a text decided by its own writer', async () => {
    const notice = await draftFollowUp({ pool: db.pool, templates, config }, compliance.actor, {
      incidentId,
      kind: 'update',
      key: 'unapproved',
      update: 'Not yet approved.',
    });
    await expect(
      createMailing(
        { pool: db.pool },
        { incidentId, kind: 'update', key: 'unapproved', criterion: 'notified' },
      ),
    ).rejects.toMatchObject({ name: 'NoticeNotApprovedError' });
    await expect(
      decideFollowUp({ pool: db.pool, config }, actorOf(compliance.user), {
        incidentId,
        noticeId: notice.id,
        contentHash: notice.contentHash,
        decision: 'approve',
        comment: null,
      }),
    ).rejects.toMatchObject({ name: 'ForbiddenError' });
  });

  // Last: it withdraws the incident all the others use.
  it('sends nothing more once the incident is withdrawn, and makes no new mailing', async () => {
    await approvedFollowUp('update', 'before-withdrawal', 'An update that will not go out.');
    const { mailingId } = await newMailing(
      { pool: db.pool },
      { incidentId, kind: 'update', key: 'before-withdrawal', criterion: 'notified' },
    );
    const before = sink.acceptedCount;
    expect(await incidents.markWithdrawn(db.pool, incidentId)).toBe(true);
    expect(await sendAll(mailingId)).toBe(0);
    expect(sink.acceptedCount).toBe(before);
    expect(
      await followUpState({ pool: db.pool }, { incidentId, kind: 'update', key: 'before-withdrawal' }),
    ).toEqual({
      state: 'withdrawn',
    });
    await approvedFollowUp('update', 'after-withdrawal', 'Another update.');
    expect(
      await createMailing(
        { pool: db.pool },
        { incidentId, kind: 'update', key: 'after-withdrawal', criterion: 'notified' },
      ),
    ).toEqual({ mailingId: null, recipients: 0 });
  });
});
