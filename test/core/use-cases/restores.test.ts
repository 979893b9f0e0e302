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
import { noticeMessageId } from '../../../core/domain/ids';
import { ForbiddenError, ValidationError } from '../../../core/errors';
import { TemplateCache } from '../../../core/mail/template-cache';
import { recordIncidentStatus } from '../../../core/use-cases/incidents';
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
describe('core/use-cases/restores', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let incidentId: string;
  let noticeId: string;
  let compliance: Actor;
  let officer: Actor;
  /** Customer ids by the state their delivery is in when the "backup" is taken. */
  const who = {} as Record<'sent' | 'claimed' | 'sending' | 'retrying' | 'none', number[]>;
  const DOMAIN = 'notices.example.test';
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
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-test-')),
      DATABASE_URL: db.url,
      LOG_LEVEL: 'silent',
      MAIL_FROM: `Forthright <privacy@${DOMAIN}>`,
    });
    await importEmailHolders(
      db.pool,
      Array.from({ length: 10 }, (_, i) => ({ externalId: `R${i}`, country: 'DE', region: null })),
    );
    const { incident } = await newIncident(db.pool, { systems: ['crm'], dataCategories: ['email'] });
    incidentId = incident.id;
    await identifyAffected(db.pool, incidentId);
    compliance = actorOf((await newUser(db.pool, { role: 'compliance' })).user);
    officer = actorOf((await newUser(db.pool, { role: 'officer' })).user);
    noticeId = (
      await approvedNotice(
        { pool: db.pool, config, templates: new TemplateCache(db.pool) },
        incidentId,
        compliance,
      )
    ).id;
    await recordIncidentStatus({ pool: db.pool }, incidentId, 'delivering');

    const people = (await affected.emailRecipientsPage(db.pool, incidentId, { after: 0, limit: 100 })).map(
      (r) => r.customerId,
    );
    expect(people).toHaveLength(10);
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
    expect(result.held).toEqual([{ incidentId, held: 6, claimed: 2, retrying: 1, withoutRow: 3 }]);
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
    expect(released).toEqual({ released: 1, noticeIds: [noticeId] });
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
