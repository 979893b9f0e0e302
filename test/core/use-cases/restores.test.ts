import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTrail } from '../../../core/audit/verify-trail';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as affected from '../../../core/db/affected';
import * as deliveries from '../../../core/db/deliveries';
import * as incidents from '../../../core/db/incidents';
import * as mailings from '../../../core/db/mailings';
import { noticeMessageId } from '../../../core/domain/ids';
import { mailingMessageId } from '../../../core/domain/mailings';
import { ForbiddenError, ValidationError } from '../../../core/errors';
import { TemplateCache } from '../../../core/mail/template-cache';
import { recordIncidentStatus } from '../../../core/use-cases/incidents';
import { cancelMailings, finishMailing } from '../../../core/use-cases/mailings';
import {
  completeRestoredDelivery,
  confirmHeldSent,
  listHeldNotices,
  recordRestore,
  releaseHeld,
} from '../../../core/use-cases/restores';
import type { Actor } from '../../../core/use-cases/types';
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

/**
 * The restore fence on real PostgreSQL, against delivery rows in every state a backup can catch
 * them in: sent, claimed, sending (past the commit point), retrying, and people without a row. The
 * end-to-end test with a real backup, worker and SMTP server is test/e2e/backup-restore.test.ts.
 */
const DOMAIN = 'notices.example.test';

describe('core/use-cases/restores', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let incidentId: string;
  let noticeId: string;
  let compliance: Actor;
  let officer: Actor;
  /** Customer ids by the state their delivery is in when the "backup" is taken. */
  const who = {} as Record<'sent' | 'claimed' | 'sending' | 'retrying' | 'none', number[]>;
  const messageId = (customerId: number) => noticeMessageId(incidentId, customerId, DOMAIN);

  const statuses = async () => {
    const { rows } = await db.pool.query<{ customerId: number; delivery: string | null; person: string }>(
      `SELECT a.customer_id::int AS "customerId", d.status AS delivery, a.status AS person
       FROM affected_customers a LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
       WHERE a.incident_id = $1 ORDER BY a.customer_id`,
      [incidentId],
    );
    return new Map(rows.map((r) => [r.customerId, r]));
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    let people: number[];
    ({ config, incidentId, noticeId, compliance, officer, people } = await incidentWithNotice(db, 10, 'R'));
    await recordIncidentStatus({ pool: db.pool }, incidentId, 'delivering');
    who.sent = people.slice(0, 3);
    who.claimed = people.slice(3, 5);
    who.sending = people.slice(5, 6);
    who.retrying = people.slice(6, 7);
    who.none = people.slice(7);
    // The states the shard pass leaves rows in, through its own statements.
    const lease = randomUUID();
    const claimed = await deliveries.claim(
      db.pool,
      incidentId,
      noticeId,
      lease,
      people.slice(0, 7).map((customerId) => ({
        customerId,
        recipient: `r@${DOMAIN}`,
        messageId: messageId(customerId),
      })),
    );
    const row = (c: number) => claimed.get(c)!.id;
    await deliveries.markSending(db.pool, lease, [...who.sent, ...who.sending].map(row));
    await deliveries.markSent(db.pool, incidentId, who.sent.map(row));
    await deliveries.markFailed(db.pool, incidentId, lease, [
      { id: row(who.retrying[0]!), customerId: who.retrying[0]!, permanent: false, reply: '451 later' },
    ]);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('holds every notice not final at the backup (claimed, retrying, no row); one past the commit point is recorded sent', async () => {
    const result = await recordRestore(
      { pool: db.pool, config },
      { backupLabel: 'b-1', backupTakenAt: null },
    );
    expect(result.recorded).toBe(true);
    expect(result.held).toEqual([
      { incidentId, held: 6, claimed: 2, retrying: 1, withoutRow: 3, mailings: 0 },
    ]);
    expect(result.restore.held).toBe(6);
    const s = await statuses();
    for (const c of [...who.claimed, ...who.retrying, ...who.none]) expect(s.get(c)?.delivery).toBe('held');
    for (const c of who.sent) expect(s.get(c)).toMatchObject({ delivery: 'sent', person: 'notified' });
    // Past the commit point in the backup: the relay had it whole; recorded sent, not held.
    expect(s.get(who.sending[0]!)).toMatchObject({ delivery: 'sent', person: 'notified' });

    // The list carries the Message-ID each would carry, the state it was held from, no address.
    const held = await listHeldNotices({ pool: db.pool }, officer, incidentId);
    expect(held.map((h) => [h.customerId, h.messageId, h.heldFrom])).toEqual([
      ...who.claimed.map((c) => [c, messageId(c), 'claimed']),
      ...who.retrying.map((c) => [c, messageId(c), 'retrying']),
      ...who.none.map((c) => [c, messageId(c), null]),
    ]);
    expect(JSON.stringify(held)).not.toContain('@example.com');
  });

  it('is recorded once per backup: a second run holds nothing more', async () => {
    const again = await recordRestore({ pool: db.pool, config }, { backupLabel: 'b-1', backupTakenAt: null });
    expect(again).toMatchObject({ recorded: false, held: [] });
    expect(again.restore.held).toBe(6);
  });

  it('keeps held notices out of delivery: no pass reads them, none is counted to send, no claim takes one', async () => {
    const pending = await affected.pendingRecipients(db.pool, incidentId, {
      shard: 0,
      shards: 1,
      after: 0,
      limit: 100,
      onlyRetrying: false,
    });
    expect(pending).toEqual([]);
    expect(await deliveries.countUnfinished(db.pool, incidentId, { shard: 0, shards: 1 })).toBe(0);
    const c = who.claimed[0]!;
    const claim = await deliveries.claim(db.pool, incidentId, noticeId, randomUUID(), [
      { customerId: c, recipient: `r@${DOMAIN}`, messageId: messageId(c) },
    ]);
    expect(claim.get(c)).toMatchObject({ status: 'held', mine: false });
  });

  it("confirms sent, on the relay's Message-IDs, only held notices of the incident (compliance only)", async () => {
    const input = {
      incidentId,
      messageIds: [messageId(who.claimed[0]!), messageId(who.none[0]!).slice(1, -1), '<someone.else@x>'],
      reason: 'relay log 10:00-12:00',
    };
    await expect(confirmHeldSent({ pool: db.pool }, officer, input)).rejects.toThrow(ForbiddenError);
    await expect(confirmHeldSent({ pool: db.pool }, compliance, { ...input, reason: ' ' })).rejects.toThrow(
      ValidationError,
    );
    expect(await confirmHeldSent({ pool: db.pool }, compliance, input)).toEqual({
      confirmed: 2,
      unmatched: ['<someone.else@x>'],
      mailingIds: [],
    });
    const s = await statuses();
    for (const c of [who.claimed[0]!, who.none[0]!])
      expect(s.get(c)).toMatchObject({ delivery: 'sent', person: 'notified' });
  });

  it('releases named held notices to be sent again, with a reason, and leaves the rest held', async () => {
    const released = await releaseHeld({ pool: db.pool }, compliance, {
      incidentId,
      customerIds: [who.claimed[1]!],
      reason: 'not in the relay log',
    });
    expect(released).toEqual({ released: 1, noticeIds: [noticeId], mailingIds: [] });
    const s = await statuses();
    expect(s.get(who.claimed[1]!)?.delivery).toBe('retrying');
    expect([...s.values()].filter((r) => r.delivery === 'held').map((r) => r.customerId)).toEqual([
      ...who.retrying,
      ...who.none.slice(1),
    ]);
    // The released one is delivery's again.
    const pending = await affected.pendingRecipients(db.pool, incidentId, {
      shard: 0,
      shards: 1,
      after: 0,
      limit: 100,
      onlyRetrying: true,
    });
    expect(pending.map((r) => r.customerId)).toEqual(who.claimed.slice(1));
  });

  it('writes each step to the audit trail, which still verifies', async () => {
    const { rows } = await db.pool.query<{ action: string; detail: Record<string, unknown> }>(
      `SELECT action, detail FROM audit_events WHERE action IN ('restore_recorded', 'held_notices_confirmed_sent', 'held_notices_released')
       ORDER BY id`,
    );
    expect(rows.map((r) => r.action)).toEqual([
      'restore_recorded',
      'restore_recorded',
      'held_notices_confirmed_sent',
      'held_notices_released',
    ]);
    expect(rows[0]!.detail).toMatchObject({
      held: 6,
      claimed: 2,
      retrying: 1,
      withoutRow: 3,
      recordedSent: 1,
    });
    expect((await verifyTrail(db.pool)).ok).toBe(true);
  });

  it('completes the incident once every held notice is settled, and never over a status set meanwhile', async () => {
    // Still held or waiting: not settled.
    expect(await completeRestoredDelivery({ pool: db.pool }, incidentId)).toBe(false);
    await confirmHeldSent({ pool: db.pool }, compliance, {
      incidentId,
      messageIds: [...who.retrying, ...who.none.slice(1)].map(messageId),
      reason: 'relay log 12:00-14:00',
    });
    const released = (await statuses()).get(who.claimed[1]!)!;
    expect(released.delivery).toBe('retrying');
    const lease = randomUUID();
    const row = (
      await deliveries.claim(db.pool, incidentId, noticeId, lease, [
        { customerId: who.claimed[1]!, recipient: `r@${DOMAIN}`, messageId: messageId(who.claimed[1]!) },
      ])
    ).get(who.claimed[1]!)!.id;
    await deliveries.markSending(db.pool, lease, [row]);
    await deliveries.markSent(db.pool, incidentId, [row]);

    // Settled, but the incident left `delivering` meanwhile: its status stands.
    await recordIncidentStatus({ pool: db.pool }, incidentId, 'withdrawn');
    expect(await completeRestoredDelivery({ pool: db.pool }, incidentId)).toBe(false);
    expect((await incidents.get(db.pool, incidentId))?.status).toBe('withdrawn');
    // The completion itself is conditional too (a withdrawal between its read and its write).
    expect(await incidents.changeStatusFrom(db.pool, incidentId, 'delivering', 'completed')).toBe(false);
    expect((await incidents.get(db.pool, incidentId))?.status).toBe('withdrawn');

    await recordIncidentStatus({ pool: db.pool }, incidentId, 'delivering');
    expect(await completeRestoredDelivery({ pool: db.pool }, incidentId)).toBe(true);
    expect((await incidents.get(db.pool, incidentId))?.status).toBe('completed');
    const { rows } = await db.pool.query<{ detail: Record<string, unknown> }>(
      `SELECT detail FROM audit_events WHERE incident_id = $1 AND action = 'status_changed' ORDER BY id DESC LIMIT 1`,
      [incidentId],
    );
    expect(rows[0]!.detail).toMatchObject({ status: 'completed', before: { status: 'delivering' } });
    expect((await verifyTrail(db.pool)).ok).toBe(true);
  });
});

/**
 * The restore fence over further mailings (migration 034), on real PostgreSQL: a mailing caught by
 * the backup with its messages in every state — sent, sending (past the commit point), claimed,
 * retrying, selected (not yet claimed), skipped — has those that may have gone out after the backup
 * held, listed with their Message-IDs beside the first notices', confirmed or released by
 * compliance, never read by a pass while held, and the mailing is not finished while any waits.
 */
describe('core/use-cases/restores: further mailings', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let incidentId: string;
  let noticeId: string;
  let mailingId: string;
  let compliance: Actor;
  /** Customer ids by the state their mailing message is in when the "backup" is taken. */
  const who = {} as Record<'sent' | 'sending' | 'claimed' | 'retrying' | 'selected' | 'skipped', number[]>;
  const messageId = (customerId: number) => mailingMessageId(mailingId, customerId, DOMAIN);

  const rowsByCustomer = async () => {
    const { rows } = await db.pool.query<{ customerId: number; status: string; heldFrom: string | null }>(
      `SELECT customer_id::int AS "customerId", status, held_from AS "heldFrom"
       FROM mailing_deliveries WHERE mailing_id = $1 ORDER BY customer_id`,
      [mailingId],
    );
    return new Map(rows.map((r) => [r.customerId, r]));
  };
  const version = async (customerId: number) =>
    (
      await db.pool.query<{ v: number }>(
        `SELECT recipient_version AS v FROM affected_customers WHERE incident_id = $1 AND customer_id = $2`,
        [incidentId, customerId],
      )
    ).rows[0]!.v;
  const rowIds = async () => {
    const { rows } = await db.pool.query<{ id: string; customerId: number }>(
      `SELECT id, customer_id::int AS "customerId" FROM mailing_deliveries WHERE mailing_id = $1`,
      [mailingId],
    );
    return new Map(rows.map((r) => [r.customerId, Number(r.id)]));
  };
  /** Claims a mailing message for a fresh lease, as the mailing pass does; the ids claimed. */
  const claim = async (customerIds: number[], lease = randomUUID()) => {
    const ids = await rowIds();
    const claims = [];
    for (const c of customerIds)
      claims.push({
        id: ids.get(c)!,
        recipient: `r@${DOMAIN}`,
        messageId: messageId(c),
        recipientVersion: await version(c),
      });
    return { lease, claimed: await mailings.claim(db.pool, lease, claims), ids };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    let people: number[];
    ({ config, incidentId, noticeId, compliance, people } = await incidentWithNotice(db, 8, 'M'));
    await recordIncidentStatus({ pool: db.pool }, incidentId, 'delivering');
    // Everyone's first notice went out before the backup; the incident is complete.
    const lease = randomUUID();
    const first = await deliveries.claim(
      db.pool,
      incidentId,
      noticeId,
      lease,
      people.map((customerId) => ({
        customerId,
        recipient: `r@${DOMAIN}`,
        messageId: noticeMessageId(incidentId, customerId, DOMAIN),
      })),
    );
    const firstRows = people.map((c) => first.get(c)!.id);
    await deliveries.markSending(db.pool, lease, firstRows);
    await deliveries.markSent(db.pool, incidentId, firstRows);
    await recordIncidentStatus({ pool: db.pool }, incidentId, 'completed');

    // An update to everyone notified (its text: any approved notice will do for the rows' states).
    const { mailing } = await mailings.create(db.pool, {
      incidentId,
      kind: 'update',
      key: 'update-1',
      noticeId,
      criterion: 'notified',
      listKey: null,
    });
    mailingId = mailing.id;
    expect(mailing.recipients).toBe(8);
    who.sent = people.slice(0, 2);
    who.sending = people.slice(2, 3);
    who.claimed = people.slice(3, 4);
    who.retrying = people.slice(4, 5);
    who.skipped = people.slice(5, 6);
    who.selected = people.slice(6);
    // The states the mailing pass leaves rows in, through its own statements.
    const {
      lease: l,
      claimed,
      ids,
    } = await claim([...who.sent, ...who.sending, ...who.claimed, ...who.retrying, ...who.skipped]);
    expect(claimed.size).toBe(6);
    const row = (c: number) => ids.get(c)!;
    const marks = [...who.sent, ...who.sending].map((c) => ({
      id: row(c),
      contentHash: 'h',
      relay: 'default',
    }));
    expect((await mailings.markSending(db.pool, l, marks)).size).toBe(3);
    await mailings.markSent(db.pool, who.sent.map(row));
    await mailings.markFailed(db.pool, l, [
      { id: row(who.retrying[0]!), customerId: who.retrying[0]!, permanent: false, reply: '451 later' },
    ]);
    await mailings.skip(db.pool, who.skipped.map(row));
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('holds every message of a mailing still sending that may have gone out after the backup; one past the commit point is recorded sent', async () => {
    const result = await recordRestore(
      { pool: db.pool, config },
      { backupLabel: 'm-1', backupTakenAt: null },
    );
    // The first notices were all final: only the mailing's messages are held.
    expect(result.held).toEqual([
      { incidentId, held: 4, claimed: 0, retrying: 0, withoutRow: 0, mailings: 4 },
    ]);
    expect(result.restore.held).toBe(4);
    const rows = await rowsByCustomer();
    for (const c of [...who.claimed, ...who.retrying, ...who.selected])
      expect(rows.get(c)?.status).toBe('held');
    for (const c of who.sent) expect(rows.get(c)?.status).toBe('sent');
    expect(rows.get(who.sending[0]!)?.status).toBe('sent');
    expect(rows.get(who.skipped[0]!)?.status).toBe('skipped');

    // Listed with the first notices' held ones: the mailing, the Message-ID its message carries
    // (given now to those not yet claimed), the state it was held from.
    const held = await listHeldNotices({ pool: db.pool }, compliance, incidentId);
    expect(held.map((h) => [h.customerId, h.mailingId, h.messageId, h.heldFrom])).toEqual([
      ...who.claimed.map((c) => [c, mailingId, messageId(c), 'claimed']),
      ...who.retrying.map((c) => [c, mailingId, messageId(c), 'retrying']),
      ...who.selected.map((c) => [c, mailingId, messageId(c), 'selected']),
    ]);
    // A page is whole people: the first two, then the rest after the second.
    const page = await listHeldNotices({ pool: db.pool }, compliance, incidentId, { limit: 2 });
    expect(page.map((h) => h.customerId)).toEqual([...who.claimed, ...who.retrying]);

    const { rows: audit } = await db.pool.query<{ detail: Record<string, unknown> }>(
      `SELECT detail FROM audit_events WHERE incident_id = $1 AND action = 'restore_recorded'`,
      [incidentId],
    );
    expect(audit.map((a) => a.detail)).toEqual([
      expect.objectContaining({ held: 4, mailingsHeld: 4, mailingsRecordedSent: 1, recordedSent: 0 }),
    ]);
  });

  it('keeps held messages out of the mailing: no pass reads one, none is counted open, no claim takes one, and the mailing is not finished', async () => {
    const mailing = (await mailings.get(db.pool, mailingId))!;
    expect(await mailings.openPage(db.pool, mailing, { shard: 0, shards: 1, after: 0, limit: 100 })).toEqual(
      [],
    );
    expect(await mailings.countOpen(db.pool, mailingId, { shard: 0, shards: 1 })).toBe(0);
    const { claimed } = await claim(who.selected);
    expect(claimed.size).toBe(0);

    // The mailing's own workflow ends its pass and finishes: not while anything is held.
    const counts = await finishMailing({ pool: db.pool }, mailingId);
    expect(counts).toMatchObject({ sent: 3, held: 4, open: 0, skipped: 1 });
    expect((await mailings.get(db.pool, mailingId))?.status).toBe('sending');
  });

  it("confirms sent on the relay's Message-IDs, and releases the rest; a released message is the settlement's to send, not given up", async () => {
    expect(
      await confirmHeldSent({ pool: db.pool }, compliance, {
        incidentId,
        messageIds: [messageId(who.claimed[0]!)],
        reason: 'relay log 10:00-12:00',
      }),
    ).toEqual({ confirmed: 1, unmatched: [], mailingIds: [mailingId] });
    expect(
      await releaseHeld({ pool: db.pool }, compliance, { incidentId, reason: 'not in the relay log' }),
    ).toEqual({ released: 3, noticeIds: [], mailingIds: [mailingId] });
    let rows = await rowsByCustomer();
    expect(rows.get(who.claimed[0]!)?.status).toBe('sent');
    for (const c of [...who.retrying, ...who.selected]) expect(rows.get(c)?.status).toBe('retrying');
    expect(await listHeldNotices({ pool: db.pool }, compliance, incidentId)).toEqual([]);

    // Finishing now (the mailing's own workflow, or a settlement of another decision) gives none of
    // the released messages up and leaves the mailing open for the settlement's pass.
    expect((await finishMailing({ pool: db.pool }, mailingId)).undeliverable).toBe(0);
    expect((await mailings.get(db.pool, mailingId))?.status).toBe('sending');

    // The settlement's pass: reads the released messages, claims and sends them.
    const mailing = (await mailings.get(db.pool, mailingId))!;
    const open = await mailings.openPage(db.pool, mailing, { shard: 0, shards: 1, after: 0, limit: 100 });
    expect(open.map((r) => r.customerId)).toEqual([...who.retrying, ...who.selected]);
    const { lease, claimed } = await claim(open.map((r) => r.customerId));
    expect(claimed.size).toBe(3);
    const marks = [...claimed].map((id) => ({ id, contentHash: 'h', relay: 'default' }));
    expect((await mailings.markSending(db.pool, lease, marks)).size).toBe(3);
    await mailings.markSent(db.pool, [...claimed]);

    const counts = await finishMailing({ pool: db.pool }, mailingId);
    expect(counts).toMatchObject({ selected: 8, sent: 7, skipped: 1, undeliverable: 0, held: 0, open: 0 });
    expect((await mailings.get(db.pool, mailingId))?.status).toBe('finished');
    rows = await rowsByCustomer();
    expect([...rows.values()].filter((r) => r.status === 'sent')).toHaveLength(7);
    expect((await verifyTrail(db.pool)).ok).toBe(true);
  });

  it('releases a held message of a mailing cancelled since as not to be sent: skipped, saying why, nothing for a pass to send', async () => {
    const { mailing } = await mailings.create(db.pool, {
      incidentId,
      kind: 'update',
      key: 'update-2',
      noticeId,
      criterion: 'notified',
      listKey: null,
    });
    const restore = await recordRestore(
      { pool: db.pool, config },
      { backupLabel: 'm-2', backupTakenAt: null },
    );
    expect(restore.held).toEqual([expect.objectContaining({ incidentId, mailings: mailing.recipients })]);
    // The incident is withdrawn while the question is open: its mailings are cancelled.
    expect(await cancelMailings({ pool: db.pool }, compliance, incidentId, 'withdrawn')).toBe(1);

    expect(
      await releaseHeld({ pool: db.pool }, compliance, { incidentId, reason: 'not in the relay log' }),
    ).toEqual({ released: mailing.recipients, noticeIds: [], mailingIds: [] });
    const { rows } = await db.pool.query<{ status: string; reply: string }>(
      `SELECT DISTINCT status, last_reply AS reply FROM mailing_deliveries WHERE mailing_id = $1`,
      [mailing.id],
    );
    expect(rows).toEqual([
      {
        status: 'skipped',
        reply: 'released after a restore: not in the relay log — not sent: the mailing was cancelled',
      },
    ]);
    expect(await listHeldNotices({ pool: db.pool }, compliance, incidentId)).toEqual([]);
    expect(await mailings.countOpen(db.pool, mailing.id, { shard: 0, shards: 1 })).toBe(0);
    // The first mailing, finished before, is untouched.
    expect((await mailings.get(db.pool, mailingId))?.status).toBe('finished');
  });
});

/**
 * What both suites start from: `count` people with an email address (external ids `<prefix><n>`),
 * an incident identified over them, a compliance user and an officer, the incident's approved
 * notice; `people` are their customer ids in delivery order.
 */
async function incidentWithNotice(db: TestDatabase, count: number, prefix: string) {
  const config = loadConfig({
    FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-test-')),
    DATABASE_URL: db.url,
    LOG_LEVEL: 'silent',
    MAIL_FROM: `Forthright <privacy@${DOMAIN}>`,
  });
  await importEmailHolders(
    db.pool,
    Array.from({ length: count }, (_, i) => ({ externalId: `${prefix}${i}`, country: 'DE', region: null })),
  );
  const { incident } = await newIncident(db.pool, { systems: ['crm'], dataCategories: ['email'] });
  await identifyAffected(db.pool, incident.id);
  const compliance = actorOf((await newUser(db.pool, { role: 'compliance' })).user);
  const officer = actorOf((await newUser(db.pool, { role: 'officer' })).user);
  const notice = await approvedNotice(
    { pool: db.pool, config, templates: new TemplateCache(db.pool) },
    incident.id,
    compliance,
  );
  const people = (await affected.emailRecipientsPage(db.pool, incident.id, { after: 0, limit: 100 })).map(
    (r) => r.customerId,
  );
  expect(people).toHaveLength(count);
  return { config, incidentId: incident.id, noticeId: notice.id, compliance, officer, people };
}
