import type { Config } from '../config';
import * as audit from '../db/audit';
import * as incidents from '../db/incidents';
import type { Pool } from '../db/pool';
import { inTransaction } from '../db/pool';
import * as restores from '../db/restores';
import type { HeldInIncident, HeldNotice, Restore } from '../db/restores';
import { addressOf } from '../delivery/notice-message';
import type { Role } from '../domain/model';
import { ForbiddenError, IncidentNotFoundError, ValidationError } from '../errors';
import { settleReach } from './reach';
import type { Actor } from './types';

/*
 * What a restore does to notices in flight (issue 21 item 5; README "Operating Forthright → Backup
 * and restore").
 *
 * A backup is a moment; the relay lives on after it. In the restored database every notice that
 * was not final at that moment looks unsent — yet it may have gone out after the backup, before the
 * loss that made the restore necessary. Sent again, it would be a second notice to the same person.
 * So, before any worker runs on the restored database, `recordRestore` records a marker (the
 * backup's label: running it twice holds nothing more) and holds every such notice of every
 * incident that is delivering: a `held` delivery row, which no delivery pass reads and no claim
 * takes (core/delivery/shard-pass.ts). A row `sending` is not held: it reached the commit point
 * before the backup, the relay had it whole; the fence records it sent, as the next delivery pass
 * would (after a restore none may come).
 *
 * The operator then settles each incident's held notices from the relay's evidence: its log of
 * accepted messages carries our Message-IDs, which are deterministic per incident and person
 * (core/domain/ids.ts `noticeMessageId`) —
 * - `confirmHeldSent`: the Message-IDs the relay accepted are recorded sent, never sent again;
 * - `releaseHeld`: the rest (all, or named people) are released to be sent, with a reason; the
 *   API then signals the incident's settlement (api/temporal-client.ts `startRestoreSettlement`).
 * Both are compliance decisions, audited with their counts and reason. Nothing is resent silently:
 * a held notice leaves `held` only by one of these two.
 *
 * Further mailings (reminders, supplements, updates) are fenced the same way (migration 034): in
 * every mailing still `sending`, rows not past the commit point are held with their Message-ID
 * (`<mailing.<mailing id>.<customer id>@…>`), rows `sending` recorded sent; they are listed, confirmed
 * and released with the first notices, a mailing is not finished while any of its rows is held, and
 * the settlement sends its released rows and then finishes it.
 */

/** Who settles held notices: they decide whether a person may be sent a second notice. */
export const RESTORE_ROLES: readonly Role[] = ['compliance'];
/** Who may see the list. */
export const HELD_READERS: readonly Role[] = ['compliance', 'officer', 'admin'];

/** The actor the restore script records the marker as. */
export const RESTORE_ACTOR = 'system:restore';

export interface RecordRestoreInput {
  /** The backup's label (scripts/backup.ts writes one into each backup; any unique name otherwise). */
  backupLabel: string;
  /** When the backup's copy ended, if known. */
  backupTakenAt: Date | null;
}

/**
 * What a restore held in one incident: its first notices by the state each was in, and in `mailings`
 * the messages of its further mailings (reminders, supplements, updates) held; `held` counts both.
 */
export type HeldReport = HeldInIncident & { mailings: number };

export interface RecordRestoreResult {
  restore: Restore;
  /** False when this backup's marker was already there: nothing more was held. */
  recorded: boolean;
  /** What was held, per incident (empty when `recorded` is false). */
  held: HeldReport[];
  /**
   * Incidents not yet delivering in the backup that might have started after it (approved, or
   * waiting for a prior filing): nothing of theirs was held; the operator checks the relay's log
   * for their Message-IDs before their delivery runs (README "Backup and restore").
   */
  notYetDelivering: { incidentId: string; status: string }[];
}

/**
 * The restore fence: records the marker and holds every notice that was not final at the backup,
 * in one transaction with an audit entry per incident held in (and one without an incident for the
 * restore itself). Run by scripts/restore.ts before any worker starts on the restored database.
 */
export async function recordRestore(
  deps: { pool: Pool; config: Readonly<Config> },
  input: RecordRestoreInput,
): Promise<RecordRestoreResult> {
  if (input.backupLabel.trim() === '') throw new ValidationError('a backup label is required', 'backupLabel');
  const senderDomain = addressOf(deps.config.mail.from).split('@')[1] ?? 'localhost';
  return inTransaction(deps.pool, async (tx) => {
    // One fence at a time: two restore runs against one database do not interleave their holds.
    await tx.query(`LOCK TABLE restores IN SHARE ROW EXCLUSIVE MODE`);
    const { rows: waiting } = await tx.query<{ incidentId: string; status: string }>(
      `SELECT id AS "incidentId", status FROM incidents
       WHERE status IN ('awaiting_approval', 'awaiting_filing') ORDER BY id`,
    );
    const restore = await restores.insert(tx, {
      backupLabel: input.backupLabel,
      backupTakenAt: input.backupTakenAt,
      recordedBy: RESTORE_ACTOR,
    });
    if (!restore) {
      const existing = await restores.byLabel(tx, input.backupLabel);
      return { restore: existing!, recorded: false, held: [], notYetDelivering: waiting };
    }
    const notices = await restores.holdUnfinished(tx, restore.id, senderDomain);
    const recordedSent = await restores.recordSendingAsSent(tx);
    const { held: mailingsHeld, recordedSent: mailingsRecordedSent } = await restores.fenceMailings(
      tx,
      restore.id,
      senderDomain,
    );
    const touched = [
      ...new Set([
        ...notices.map((h) => h.incidentId),
        ...mailingsHeld.keys(),
        ...recordedSent.keys(),
        ...mailingsRecordedSent.keys(),
      ]),
    ].sort();
    const reports: HeldReport[] = touched.map((incidentId) => {
      const h = notices.find((x) => x.incidentId === incidentId);
      const mailings = mailingsHeld.get(incidentId) ?? 0;
      return {
        incidentId,
        held: (h?.held ?? 0) + mailings,
        claimed: h?.claimed ?? 0,
        retrying: h?.retrying ?? 0,
        withoutRow: h?.withoutRow ?? 0,
        mailings,
      };
    });
    const held = reports.filter((h) => h.held > 0);
    const total = held.reduce((s, h) => s + h.held, 0);
    await restores.setHeld(tx, restore.id, total);
    for (const h of reports) {
      await audit.append(tx, {
        incidentId: h.incidentId,
        actor: RESTORE_ACTOR,
        action: 'restore_recorded',
        detail: {
          restoreId: restore.id,
          backupLabel: input.backupLabel,
          backupTakenAt: input.backupTakenAt?.toISOString() ?? null,
          held: h.held,
          claimed: h.claimed,
          retrying: h.retrying,
          withoutRow: h.withoutRow,
          recordedSent: recordedSent.get(h.incidentId) ?? 0,
          mailingsHeld: h.mailings,
          mailingsRecordedSent: mailingsRecordedSent.get(h.incidentId) ?? 0,
        },
        dedupeKey: `restore:${restore.id}:${h.incidentId}`,
      });
    }
    await audit.append(tx, {
      incidentId: null,
      actor: RESTORE_ACTOR,
      action: 'restore_recorded',
      detail: {
        restoreId: restore.id,
        backupLabel: input.backupLabel,
        backupTakenAt: input.backupTakenAt?.toISOString() ?? null,
        held: total,
        incidents: held.length,
        recordedSent: [...recordedSent.values()].reduce((a, b) => a + b, 0),
        mailingsRecordedSent: [...mailingsRecordedSent.values()].reduce((a, b) => a + b, 0),
        notYetDelivering: waiting.length,
      },
      dedupeKey: `restore:${restore.id}`,
    });
    return { restore: { ...restore, held: total }, recorded: true, held, notYetDelivering: waiting };
  });
}

async function incidentOrThrow(pool: Pool, incidentId: string): Promise<void> {
  if (!(await incidents.get(pool, incidentId))) throw new IncidentNotFoundError(incidentId);
}

/**
 * What settling held notices asks of the caller: compliance, a reason (`missingReason` is the 400's
 * message when there is none), an incident that exists.
 */
async function checkSettlement(
  pool: Pool,
  actor: Actor,
  input: { incidentId: string; reason: string },
  missingReason: string,
): Promise<void> {
  if (!RESTORE_ROLES.includes(actor.role)) throw new ForbiddenError('only compliance settles held notices');
  if (input.reason.trim() === '') throw new ValidationError(missingReason, 'reason');
  await incidentOrThrow(pool, input.incidentId);
}

/** The incident's held notices (ids and Message-IDs only), for the operator's list. */
export async function listHeldNotices(
  deps: { pool: Pool },
  actor: Actor,
  incidentId: string,
  page: { after?: number; limit?: number } = {},
): Promise<HeldNotice[]> {
  if (!HELD_READERS.includes(actor.role))
    throw new ForbiddenError('only compliance, officers and administrators see held notices');
  await incidentOrThrow(deps.pool, incidentId);
  return restores.listHeld(deps.pool, incidentId, page);
}

export interface ConfirmHeldSentInput {
  incidentId: string;
  /** Message-IDs from the relay's log of accepted messages (with or without the angle brackets). */
  messageIds: string[];
  /** Where the evidence comes from (e.g. "relay log of 7 Dec 10:00–12:00"). */
  reason: string;
}

/**
 * Records as sent the held messages (first notices and mailings') whose Message-ID the relay
 * accepted: never sent again. Returns how many were recorded, the Message-IDs that matched no held
 * message of the incident (a typo, another incident's, or already settled), and the mailings with
 * messages confirmed (their settlement finishes them once nothing of theirs is held).
 */
export async function confirmHeldSent(
  deps: { pool: Pool },
  actor: Actor,
  input: ConfirmHeldSentInput,
): Promise<{ confirmed: number; unmatched: string[]; mailingIds: string[] }> {
  await checkSettlement(deps.pool, actor, input, 'say where the evidence comes from');
  const ids = [
    ...new Set(input.messageIds.map((m) => (m.trim().startsWith('<') ? m.trim() : `<${m.trim()}>`))),
  ];
  return inTransaction(deps.pool, async (tx) => {
    const {
      messageIds: confirmed,
      mailingIds,
      notices,
    } = await restores.confirmSent(
      tx,
      input.incidentId,
      ids,
      `accepted by the relay after the backup (its log, confirmed by an operator): ${input.reason}`,
    );
    const matched = new Set(confirmed);
    const unmatched = ids.filter((m) => !matched.has(m));
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: 'held_notices_confirmed_sent',
      detail: {
        confirmed: confirmed.length,
        unmatched: unmatched.length,
        reason: input.reason,
        ...(mailingIds.length > 0 ? { mailingIds } : {}),
      },
    });
    // A person's reach changes only with their first notice: a mailing's message leaves it as it is.
    if (notices > 0) await settleReach(tx, input.incidentId);
    return { confirmed: confirmed.length, unmatched, mailingIds };
  });
}

export interface ReleaseHeldInput {
  incidentId: string;
  /** The people whose held notices are released; absent: every held notice of the incident. */
  customerIds?: number[];
  /** Why a second notice is acceptable (e.g. "not in the relay's log of 7 Dec"). */
  reason: string;
}

/**
 * Releases held messages to be sent (they become `retrying`; a cancelled mailing's, `skipped`:
 * core/db/restores.ts `release`). The caller then has `noticeIds` and
 * `mailingIds` sent (the API: api/temporal-client.ts `startRestoreSettlement`); a delivery or mailing
 * of the incident still running sends them too, and the claim sends each once either way.
 */
export async function releaseHeld(
  deps: { pool: Pool },
  actor: Actor,
  input: ReleaseHeldInput,
): Promise<{ released: number; noticeIds: string[]; mailingIds: string[] }> {
  await checkSettlement(deps.pool, actor, input, 'say why these may be sent again');
  return inTransaction(deps.pool, async (tx) => {
    const result = await restores.release(
      tx,
      input.incidentId,
      input.customerIds ?? null,
      `released after a restore: ${input.reason}`,
    );
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: 'held_notices_released',
      detail: {
        released: result.released,
        scope: input.customerIds ? 'named' : 'all',
        reason: input.reason,
        ...(result.mailingIds.length > 0 ? { mailingIds: result.mailingIds } : {}),
      },
    });
    return result;
  });
}

/**
 * Moves a fenced incident from `delivering` to `completed` once nobody waits for an email notice any
 * more, held ones included. With Temporal's state kept (the dev server, Temporal Cloud), the
 * incident's workflow may have ended after the backup: the end it recorded is in the lost part of
 * the database, and nothing else would ever complete the incident. Run by the settlement after a
 * restore (workflows/restore-settlement.ts) once the released notices are sent; does nothing for an
 * incident in any other state, one never fenced, or one still waiting for someone.
 */
export async function completeRestoredDelivery(deps: { pool: Pool }, incidentId: string): Promise<boolean> {
  return inTransaction(deps.pool, async (tx) => {
    const incident = await incidents.get(tx, incidentId);
    if (!incident || incident.status !== 'delivering') return false;
    const { fenced, awaiting } = await restores.settlement(tx, incidentId);
    if (!fenced || awaiting > 0) return false;
    // Only from `delivering`: a status set meanwhile (a withdrawal) stands, and nothing is completed.
    if (!(await incidents.changeStatusFrom(tx, incidentId, 'delivering', 'completed'))) return false;
    await audit.append(tx, {
      incidentId,
      actor: 'system',
      action: 'status_changed',
      detail: {
        status: 'completed',
        before: { status: 'delivering' },
        after: { status: 'completed' },
        reason: 'every notice held by the restore is settled',
      },
    });
    return true;
  });
}
