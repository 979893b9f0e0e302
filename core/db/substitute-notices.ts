import type { SubstituteElement, SubstituteReason, SubstituteStatus } from '../domain/substitute-notice';
import type { Queryable } from './pool';
import { AWAITING_EMAIL_SQL, HAS_EMAIL_SQL } from './reach';

/**
 * Substitute notices (migration 018): one per incident, individuals' rule and jurisdiction whose
 * conditions held, with its elements, and the incident's public website posting. No business rules:
 * core/use-cases/substitute-notice.ts decides.
 */

export interface SubstituteNoticeElementRow {
  kind: SubstituteElement;
  choice: number | null;
  minDays: number | null;
  wording: string;
  startsAt: Date | null;
  endsAt: Date | null;
  recordedAt: Date | null;
  recordedBy: string | null;
  recordedByName: string | null;
  channel: string | null;
  evidence: string | null;
  noticeId: string | null;
}

/** What a review found for one individuals' rule and jurisdiction: the facts its conditions were tested on. */
export interface SubstituteFactsRow {
  ruleId: string;
  jurisdiction: string;
  citation: string;
  tier: number;
  reasons: SubstituteReason[];
  residents: number;
  unreachable: number;
  estimatedCostUsd: number;
  uncertain: string | null;
}

export interface SubstituteNoticeRow extends SubstituteFactsRow {
  id: string;
  incidentId: string;
  status: SubstituteStatus;
  reviewedAt: Date;
  carriedOutAt: Date | null;
  elements: SubstituteNoticeElementRow[];
}

const COLUMNS = `s.id, s.incident_id AS "incidentId", s.rule_id AS "ruleId", s.jurisdiction, s.citation, s.tier,
  s.reasons, s.residents, s.unreachable, s.estimated_cost_usd::float8 AS "estimatedCostUsd", s.uncertain,
  s.status, s.reviewed_at AS "reviewedAt", s.carried_out_at AS "carriedOutAt",
  coalesce((SELECT json_agg(json_build_object(
      'kind', e.kind, 'choice', e.choice, 'minDays', e.min_days, 'wording', e.wording,
      'startsAt', e.starts_at, 'endsAt', e.ends_at, 'recordedAt', e.recorded_at, 'recordedBy', e.recorded_by,
      'recordedByName', u.display_name, 'channel', e.channel, 'evidence', e.evidence, 'noticeId', e.notice_id)
    ORDER BY array_position(ARRAY['email','website','media','toll_free','alternative','regulator_letter'], e.kind))
    FROM substitute_notice_elements e LEFT JOIN users u ON u.id = e.recorded_by
    WHERE e.substitute_notice_id = s.id), '[]') AS elements`;

/** json_agg gives timestamps as strings: back to Dates, like every other row. */
function revive(row: SubstituteNoticeRow): SubstituteNoticeRow {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    ...row,
    elements: row.elements.map((e) => ({
      ...e,
      startsAt: date(e.startsAt),
      endsAt: date(e.endsAt),
      recordedAt: date(e.recordedAt),
    })),
  };
}

export async function listForIncident(db: Queryable, incidentId: string): Promise<SubstituteNoticeRow[]> {
  const { rows } = await db.query<SubstituteNoticeRow>(
    `SELECT ${COLUMNS} FROM substitute_notices s WHERE s.incident_id = $1 ORDER BY s.jurisdiction, s.rule_id`,
    [incidentId],
  );
  return rows.map(revive);
}

/** The row, locked until the transaction ends (elements are recorded one at a time). */
export async function getForUpdate(db: Queryable, id: string): Promise<SubstituteNoticeRow | null> {
  await db.query(`SELECT 1 FROM substitute_notices WHERE id::text = $1 FOR UPDATE`, [id]);
  const { rows } = await db.query<SubstituteNoticeRow>(
    `SELECT ${COLUMNS} FROM substitute_notices s WHERE s.id::text = $1`,
    [id],
  );
  return rows[0] ? revive(rows[0]) : null;
}

/**
 * Records the facts of a review: a new substitute notice, or the same one with its facts updated
 * (a withdrawn one opens again, and a carried-out one whose tier changed). Returns the id and whether anything about it changed.
 */
export async function upsert(db: Queryable, row: SubstituteFactsRow & { incidentId: string }) {
  const { rows } = await db.query<{ id: string; changed: boolean }>(
    `WITH before AS (
       SELECT tier, reasons, status FROM substitute_notices
       WHERE incident_id = $1 AND rule_id = $2 AND jurisdiction = $3
     )
     INSERT INTO substitute_notices AS s (incident_id, rule_id, jurisdiction, citation, tier, reasons, residents,
       unreachable, estimated_cost_usd, uncertain)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (incident_id, rule_id, jurisdiction) DO UPDATE SET
       citation = EXCLUDED.citation, tier = EXCLUDED.tier, reasons = EXCLUDED.reasons,
       residents = EXCLUDED.residents, unreachable = EXCLUDED.unreachable,
       estimated_cost_usd = EXCLUDED.estimated_cost_usd, uncertain = EXCLUDED.uncertain, reviewed_at = now(),
       -- A withdrawn one opens again; so does one carried out under another tier (HIPAA: fewer than
       -- 10 unreachable became 10 or more): the new tier's elements are still to be done.
       status = CASE WHEN s.status = 'withdrawn' THEN 'open'
                     WHEN s.status = 'carried_out' AND s.tier <> EXCLUDED.tier THEN 'open'
                     ELSE s.status END
     RETURNING id, NOT EXISTS (
       SELECT 1 FROM before b WHERE b.tier = $5 AND b.reasons = $6::text[] AND b.status <> 'withdrawn') AS changed`,
    [
      row.incidentId,
      row.ruleId,
      row.jurisdiction,
      row.citation,
      row.tier,
      row.reasons,
      row.residents,
      row.unreachable,
      row.estimatedCostUsd,
      row.uncertain,
    ],
  );
  return rows[0]!;
}

export interface NewElement {
  kind: SubstituteElement;
  choice: number | null;
  minDays: number | null;
  wording: string;
}

/**
 * Makes a substitute notice's elements exactly `elements`: adds the missing ones, and drops those no
 * longer asked for (a tier changed) unless they were recorded — what happened stays on record.
 */
export async function setElements(db: Queryable, substituteNoticeId: string, elements: NewElement[]) {
  await db.query(
    `DELETE FROM substitute_notice_elements
     WHERE substitute_notice_id = $1 AND recorded_at IS NULL AND NOT (kind = ANY($2::text[]))`,
    [substituteNoticeId, elements.map((e) => e.kind)],
  );
  await db.query(
    `INSERT INTO substitute_notice_elements (substitute_notice_id, kind, choice, min_days, wording)
     SELECT $1, x.kind, x.choice, x."minDays", x.wording
     FROM jsonb_to_recordset($2::jsonb) AS x(kind text, choice int, "minDays" int, wording text)
     ON CONFLICT (substitute_notice_id, kind) DO UPDATE
       SET choice = EXCLUDED.choice, min_days = EXCLUDED.min_days, wording = EXCLUDED.wording`,
    [substituteNoticeId, JSON.stringify(elements)],
  );
}

/**
 * Withdraws the incident's open substitute notices not in `keepIds` of which nothing was done yet
 * (the e-mail element aside: it is the individual notice by email, which happens anyway).
 */
export async function withdrawOthers(
  db: Queryable,
  incidentId: string,
  keepIds: string[],
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE substitute_notices s SET status = 'withdrawn', reviewed_at = now()
     WHERE s.incident_id = $1 AND s.status = 'open' AND NOT (s.id = ANY($2::uuid[]))
       AND NOT EXISTS (SELECT 1 FROM substitute_notice_elements e
                       WHERE e.substitute_notice_id = s.id AND e.recorded_at IS NOT NULL AND e.kind <> 'email')
     RETURNING s.id`,
    [incidentId, keepIds],
  );
  return rows.map((r) => r.id);
}

export interface ElementRecord {
  substituteNoticeId: string;
  kind: SubstituteElement;
  startsAt: Date;
  /** null: computed as startsAt + the element's min_days (or null without them). */
  endsAt?: Date | null;
  recordedBy: string | null;
  channel: string;
  evidence: string | null;
  noticeId?: string | null;
}

/** Records an element once; returns false when it was recorded already (or does not exist). */
export async function recordElement(db: Queryable, r: ElementRecord): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE substitute_notice_elements SET starts_at = $3::timestamptz,
       ends_at = coalesce($4::timestamptz,
         CASE WHEN min_days IS NULL THEN NULL ELSE $3::timestamptz + make_interval(days => min_days) END),
       recorded_at = now(), recorded_by = $5, channel = $6, evidence = $7, notice_id = $8
     WHERE substitute_notice_id = $1 AND kind = $2 AND recorded_at IS NULL`,
    [
      r.substituteNoticeId,
      r.kind,
      r.startsAt,
      r.endsAt ?? null,
      r.recordedBy,
      r.channel,
      r.evidence,
      r.noticeId ?? null,
    ],
  );
  return (rowCount ?? 0) > 0;
}

export async function setStatus(db: Queryable, id: string, status: SubstituteStatus): Promise<void> {
  await db.query(
    `UPDATE substitute_notices SET status = $2,
       carried_out_at = CASE WHEN $2 = 'carried_out' THEN coalesce(carried_out_at, now()) ELSE NULL END
     WHERE id = $1`,
    [id, status],
  );
}

/** The rule ids of the incident's carried-out substitute notices. */
export async function carriedOutRuleIds(db: Queryable, incidentId: string): Promise<string[]> {
  const { rows } = await db.query<{ ruleId: string }>(
    `SELECT DISTINCT rule_id AS "ruleId" FROM substitute_notices
     WHERE incident_id = $1 AND status = 'carried_out' ORDER BY 1`,
    [incidentId],
  );
  return rows.map((r) => r.ruleId);
}

/** One jurisdiction's reach, for testing a statute's conditions: counts only. */
export interface ReachCounts {
  jurisdiction: string;
  /**
   * People, as the obligations count them (core/db/reach.ts `reachGroups`): once in every
   * jurisdiction one of their records is in, with the state of the record that receives their notice.
   */
  people: number;
  /**
   * No lawful channel left (`none`: no contact details, or every channel failed); or, never planned
   * (before migration 015), their email undeliverable. Someone whose email failed but who gets a
   * letter is not unreachable: the letter may reach them.
   */
  unreachable: number;
  /** Reached by email alone (planned so, or never planned and with an address: read as email). */
  emailOnly: number;
  /** Who are emailed (`BY_EMAIL`): channel includes email, or none but an address (or never planned). */
  emails: number;
  /**
   * Whose email is still to be sent (core/db/reach.ts `AWAITING_EMAIL_SQL`, what delivery itself
   * reads): not someone delivery never emails, such as a deceased customer handled by hand.
   */
  emailOutstanding: number;
}

/**
 * A person who is emailed: planned so, or never planned (read as email, migration 015), or without a
 * lawful channel but with an email address (that email is part of their substitute notice: see
 * core/law/channels.ts).
 */
const BY_EMAIL = `(a.channel IN ('email', 'email_and_letter') OR (a.channel IS NULL AND a.email IS NOT NULL)
  OR (a.channel = 'none' AND ${HAS_EMAIL_SQL}))`;

/** The counts of ReachCounts over recipients' records (aliases: `a` the record, `d` its delivery). */
const REACH_COUNTS = `count(*)::int AS people,
  count(*) FILTER (WHERE a.channel = 'none' OR (a.channel IS NULL AND a.status = 'undeliverable'))::int
    AS unreachable,
  count(*) FILTER (WHERE a.channel = 'email' OR (a.channel IS NULL AND a.email IS NOT NULL))::int AS "emailOnly",
  count(*) FILTER (WHERE ${BY_EMAIL})::int AS emails,
  count(*) FILTER (WHERE ${AWAITING_EMAIL_SQL})::int AS "emailOutstanding"`;

/**
 * Each jurisdiction's reach: every person under their own record's jurisdiction, and a person whose
 * records were merged also under each other jurisdiction those records are in (the few merged
 * records, found by affected_customers_status_idx), so that a Texan merged into a Californian's
 * notice counts for Texas's substitute notice as they count for Texas's obligation.
 */
export async function reachByJurisdiction(db: Queryable, incidentId: string): Promise<ReachCounts[]> {
  const { rows } = await db.query<ReachCounts>(
    `SELECT jurisdiction, sum(people)::int AS people, sum(unreachable)::int AS unreachable,
       sum("emailOnly")::int AS "emailOnly", sum(emails)::int AS emails,
       sum("emailOutstanding")::int AS "emailOutstanding"
     FROM (
       SELECT a.jurisdiction, ${REACH_COUNTS}
       FROM affected_customers a
       LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
       WHERE a.incident_id = $1 AND a.status <> 'merged'
       GROUP BY a.jurisdiction
       UNION ALL
       SELECT m.jurisdiction, ${REACH_COUNTS}
       FROM (SELECT DISTINCT merged_into, jurisdiction FROM affected_customers
             WHERE incident_id = $1 AND status = 'merged') m
       JOIN affected_customers a ON a.incident_id = $1 AND a.customer_id = m.merged_into
       LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
       WHERE m.jurisdiction <> a.jurisdiction
       GROUP BY m.jurisdiction
     ) per_source
     GROUP BY jurisdiction ORDER BY jurisdiction`,
    [incidentId],
  );
  return rows;
}

/** The incident's public website posting. */
export interface PostingRow {
  incidentId: string;
  publicId: string;
  noticeId: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
}

const POSTING = `incident_id AS "incidentId", public_id AS "publicId", notice_id AS "noticeId",
  starts_at AS "startsAt", ends_at AS "endsAt"`;

/** The incident's posting, made (with `publicId`) if it has none yet. */
export async function ensurePosting(
  db: Queryable,
  incidentId: string,
  publicId: string,
): Promise<PostingRow> {
  await db.query(
    `INSERT INTO substitute_postings (incident_id, public_id) VALUES ($1, $2) ON CONFLICT (incident_id) DO NOTHING`,
    [incidentId, publicId],
  );
  return (await posting(db, incidentId))!;
}

export async function posting(db: Queryable, incidentId: string): Promise<PostingRow | null> {
  const { rows } = await db.query<PostingRow>(
    `SELECT ${POSTING} FROM substitute_postings WHERE incident_id = $1`,
    [incidentId],
  );
  return rows[0] ?? null;
}

export async function postingByPublicId(db: Queryable, publicId: string): Promise<PostingRow | null> {
  const { rows } = await db.query<PostingRow>(
    `SELECT ${POSTING} FROM substitute_postings WHERE public_id = $1`,
    [publicId],
  );
  return rows[0] ?? null;
}

/**
 * Puts an approved website text up: the first approval starts the posting, a later one replaces
 * the text; it stays up until `endsAt` (never shortened).
 */
export async function goLive(
  db: Queryable,
  incidentId: string,
  noticeId: string,
  endsAt: (startsAt: Date) => Date,
): Promise<PostingRow> {
  const current = await posting(db, incidentId);
  const startsAt = current?.startsAt ?? new Date();
  const end = endsAt(startsAt);
  const { rows } = await db.query<PostingRow>(
    `UPDATE substitute_postings SET notice_id = $2, starts_at = coalesce(starts_at, $3),
       ends_at = greatest(ends_at, $4)
     WHERE incident_id = $1 RETURNING ${POSTING}`,
    [incidentId, noticeId, startsAt, end],
  );
  return rows[0]!;
}
