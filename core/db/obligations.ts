import type { ObligationStatus } from '../domain/model';
import type { ObligationDraft } from '../law';
import type { Queryable } from './pool';

/**
 * An obligation as stored: what the law engine drafted (core/law `ObligationDraft`, which documents
 * each field) less the content it lists, with what happens to it afterwards.
 */
export interface Obligation extends Omit<ObligationDraft, 'status' | 'requiredContent' | 'authority'> {
  id: string;
  incidentId: string;
  status: ObligationStatus;
  rulesVersion: string;
  metAt: Date | null;
  delayReason: string | null;
  /** Set while a law-enforcement hold pauses the clock. */
  heldSince: Date | null;
  /**
   * When the hold ends by itself: an oral request where the law limits it (HIPAA: 30 days from the
   * oral statement, 45 CFR 164.412(b)); null while it lasts until lifted.
   */
  heldUntil: Date | null;
}

export type NewObligation = Omit<
  Obligation,
  'id' | 'incidentId' | 'metAt' | 'delayReason' | 'heldSince' | 'heldUntil'
>;

const COLUMNS = `id, incident_id AS "incidentId", rule_id AS "ruleId", jurisdiction, audience, regime, citation,
  deadline_text AS "deadlineText", legal_due_at AS "legalDueAt", due_at AS "dueAt", status, reason,
  affected_count AS "affectedCount", uncertain, rules_version AS "rulesVersion", met_at AS "metAt",
  delay_reason AS "delayReason", held_since AS "heldSince", held_until AS "heldUntil"`;

/**
 * Replaces an incident's current obligations with a new assessment in one statement: the previous
 * rows are kept, marked superseded; an obligation already met stays met.
 */
export async function replace(db: Queryable, incidentId: string, rows: NewObligation[]): Promise<void> {
  await db.query(
    `WITH old AS (
       UPDATE obligations SET superseded_at = now()
       WHERE incident_id = $1 AND superseded_at IS NULL
       RETURNING rule_id, jurisdiction, status, met_at, delay_reason, held_since, held_until
     ),
     new AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(
         "ruleId" text, jurisdiction text, audience text, regime text, citation text, "deadlineText" text,
         "legalDueAt" timestamptz, "dueAt" timestamptz, status text, reason text, "affectedCount" int,
         uncertain text, "rulesVersion" text)
     )
     INSERT INTO obligations (incident_id, rule_id, jurisdiction, audience, regime, citation, deadline_text,
       legal_due_at, due_at, status, reason, affected_count, uncertain, rules_version, met_at, delay_reason, held_since,
       held_until)
     SELECT $1, n."ruleId", n.jurisdiction, n.audience, n.regime, n.citation, n."deadlineText", n."legalDueAt",
       n."dueAt", CASE WHEN o.status = 'met' AND n.status = 'pending' THEN 'met' ELSE n.status END,
       n.reason, n."affectedCount", n.uncertain, n."rulesVersion", o.met_at, o.delay_reason, o.held_since,
       o.held_until
     FROM new n LEFT JOIN old o ON o.rule_id = n."ruleId" AND o.jurisdiction = n.jurisdiction`,
    [incidentId, JSON.stringify(rows)],
  );
}

export async function current(db: Queryable, incidentId: string): Promise<Obligation[]> {
  const { rows } = await db.query<Obligation>(
    `SELECT ${COLUMNS} FROM obligations WHERE incident_id = $1 AND superseded_at IS NULL
     ORDER BY due_at NULLS LAST, jurisdiction, audience`,
    [incidentId],
  );
  return rows;
}

export async function get(db: Queryable, id: string): Promise<Obligation | null> {
  const { rows } = await db.query<Obligation>(`SELECT ${COLUMNS} FROM obligations WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** Marks an obligation overdue if it is still pending; returns whether it changed. */
export async function markOverdue(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE obligations SET status = 'overdue' WHERE id = $1 AND status = 'pending' AND superseded_at IS NULL`,
    [id],
  );
  return (rowCount ?? 0) > 0;
}

/** Marks obligations met (e.g. all individuals notified, or a regulator filing recorded). */
export async function markMet(db: Queryable, ids: string[]): Promise<void> {
  await db.query(
    `UPDATE obligations SET status = 'met', met_at = coalesce(met_at, now())
     WHERE id = ANY($1::uuid[]) AND status IN ('pending', 'overdue') AND superseded_at IS NULL`,
    [ids],
  );
}

/**
 * Re-opens met obligations (an individuals' obligation whose person turned out unreached): pending
 * again, or overdue at once when their working deadline has passed (and no hold pauses the clock).
 */
export async function reopen(db: Queryable, ids: string[]): Promise<void> {
  await db.query(
    `UPDATE obligations SET met_at = NULL,
       status = CASE WHEN due_at <= now() AND held_since IS NULL THEN 'overdue' ELSE 'pending' END
     WHERE id = ANY($1::uuid[]) AND status = 'met' AND superseded_at IS NULL`,
    [ids],
  );
}

/** Records why obligations are late; with `hold`, pauses their clocks from now. One statement for all. */
export async function recordDelay(
  db: Queryable,
  ids: string[],
  reason: string,
  hold: false | HoldTerms,
): Promise<void> {
  const limits = hold ? ids.map((id) => hold.oralLimitDays.get(id) ?? null) : ids.map(() => null);
  await db.query(
    `UPDATE obligations o SET delay_reason = $2,
       held_since = CASE WHEN $3 THEN coalesce(o.held_since, now()) ELSE o.held_since END,
       held_until = CASE WHEN NOT $3 THEN o.held_until
                         WHEN $4 THEN NULL
                         WHEN o.held_since IS NOT NULL THEN o.held_until
                         ELSE now() + make_interval(days => l.days) END
     FROM unnest($1::uuid[], $5::int[]) AS l(id, days)
     WHERE o.id = l.id AND o.superseded_at IS NULL`,
    [ids, reason, hold !== false, hold !== false && hold.written, limits],
  );
}

/**
 * How a law-enforcement hold was asked for: in writing (it lasts until lifted, and ends the time
 * limit of an oral hold already running), or orally, when `oralLimitDays` gives, per obligation id,
 * how many days the law lets an oral request hold it (ids not in it: no limit). An oral request
 * does not extend a hold already running.
 */
export interface HoldTerms {
  written: boolean;
  oralLimitDays: ReadonlyMap<string, number>;
}

/**
 * Lifts holds: each working deadline moves on by the time it was held — up to its `held_until`
 * where the hold had ended by itself before anyone lifted it. One statement for all.
 */
export async function liftHold(db: Queryable, ids: string[]): Promise<void> {
  await db.query(
    `UPDATE obligations
     SET due_at = due_at + (least(now(), coalesce(held_until, 'infinity')) - held_since),
         held_since = NULL, held_until = NULL
     WHERE id = ANY($1::uuid[]) AND held_since IS NOT NULL AND superseded_at IS NULL`,
    [ids],
  );
}

export async function setRulesVersion(db: Queryable, incidentId: string, version: string): Promise<void> {
  await db.query(`UPDATE incidents SET rules_version = $2, updated_at = now() WHERE id = $1`, [
    incidentId,
    version,
  ]);
}

/** The nearest pending working deadline of each incident (for lists and countdowns). */
export async function nextDeadlines(
  db: Queryable,
  incidentIds: string[],
): Promise<Map<string, { dueAt: Date; jurisdiction: string; audience: string }>> {
  const { rows } = await db.query<{
    incidentId: string;
    dueAt: Date;
    jurisdiction: string;
    audience: string;
  }>(
    `SELECT DISTINCT ON (incident_id) incident_id AS "incidentId", due_at AS "dueAt", jurisdiction, audience
     FROM obligations
     WHERE incident_id = ANY($1::uuid[]) AND superseded_at IS NULL AND status = 'pending' AND due_at IS NOT NULL
     ORDER BY incident_id, due_at`,
    [incidentIds],
  );
  return new Map(rows.map(({ incidentId, ...d }) => [incidentId, d]));
}

/** A working and legal deadline recomputed in place (core/use-cases/obligations.ts `reassessAfterNotice`). */
export interface DueTimeMove {
  id: string;
  legalDueAt: Date | null;
  dueAt: Date | null;
  /** An overdue obligation whose deadline moved into the future: pending again. */
  reopen: boolean;
}

/** Moves the due times of current obligations in one statement; `reopen` makes an overdue one pending. */
export async function moveDueTimes(db: Queryable, moves: DueTimeMove[]): Promise<void> {
  if (moves.length === 0) return;
  await db.query(
    `UPDATE obligations o
     SET legal_due_at = m.legal_due_at, due_at = m.due_at,
         status = CASE WHEN m.reopen AND o.status = 'overdue' THEN 'pending' ELSE o.status END
     FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::boolean[]) AS m(id, legal_due_at, due_at, reopen)
     WHERE o.id = m.id AND o.superseded_at IS NULL`,
    [
      moves.map((m) => m.id),
      moves.map((m) => m.legalDueAt),
      moves.map((m) => m.dueAt),
      moves.map((m) => m.reopen),
    ],
  );
}

/**
 * Whether a law-enforcement hold was ever recorded on the incident (its trail's
 * `law_enforcement_hold_recorded`, whether lifted since or not): what California's notice states
 * (Cal. Civ. Code § 1798.82(d)(2)(D), core/delivery/notice-message.ts `NoticeSending`).
 */
export async function everHeld(db: Queryable, incidentId: string): Promise<boolean> {
  const { rows } = await db.query<{ held: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM audit_events WHERE incident_id = $1 AND action = 'law_enforcement_hold_recorded') AS held`,
    [incidentId],
  );
  return rows[0]!.held;
}
