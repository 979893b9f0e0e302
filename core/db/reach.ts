import type { DataCategory } from '../domain/categories';
import type { AffectedStatus, NoticeChannel, NoticeChannelReason } from '../domain/model';
import type { Queryable } from './pool';

/**
 * How each affected person is reached: the channel planned for their notice (migration 015) and the
 * counts the honest status of the individuals' obligations is computed from. Every statement is
 * set-based over the incident (one pass, whatever its size); none returns personal data.
 */

/** The record has an email address (blank counts as none, as planning reads it). */
export const HAS_EMAIL_SQL = `(coalesce(btrim(a.email), '') <> '')`;

/**
 * A record (alias `a`) emailed although the email is not its lawful notice, so sending it does not
 * make the person `notified`: `email_and_letter` (the letter is the notice; they stay pending until
 * it is posted), and `none` with an email address (no lawful channel: the email tells them promptly
 * and is the e-mail element of the substitute notice, which alone covers them; see core/law/channels.ts).
 * Never null, so `NOT` of it is safe for unplanned records.
 */
export const EMAIL_NOT_NOTICE_SQL = `coalesce(a.channel = 'email_and_letter' OR (a.channel = 'none' AND ${HAS_EMAIL_SQL}), false)`;

/**
 * A record whose email is still to be sent (aliases: `a` the affected record, `d` its delivery row,
 * LEFT JOINed): pending, planned for email (or never planned: incidents from before channels), or
 * emailed without that being its notice (`EMAIL_NOT_NOTICE_SQL`) while that email is neither sent
 * nor given up on — such a person stays pending after their email. Letter-only records, and `none`
 * records without an email address, never are.
 */
export const AWAITING_EMAIL_SQL = `a.status = 'pending' AND (a.channel IS NULL OR a.channel = 'email'
  OR (${EMAIL_NOT_NOTICE_SQL} AND (d.status IS NULL OR d.status NOT IN ('sent', 'undeliverable', 'bounced'))))`;

/**
 * A delivery row (alias `d`, LEFT JOINed) not held by a restore (migration 032): a held notice is
 * still to be emailed, but only an operator's release sends it (core/use-cases/restores.ts), so
 * delivery neither reads it nor waits for it.
 */
export const NOT_HELD_SQL = `(d.status IS NULL OR d.status <> 'held')`;

/**
 * Who is emailed at all (`emailRecipientsPage`): planned for email or `email_and_letter`, `none`
 * with an email address, or never planned.
 */
export const EMAIL_CHANNEL_SQL = `(a.channel IS NULL OR a.channel = 'email' OR ${EMAIL_NOT_NOTICE_SQL})`;

/**
 * How many people some notice will reach (the workflow drafts a notice only when > 0): those
 * pending or notified whose channel is not `none`, and `none` people with an email address (they
 * are emailed, as part of the substitute notice). An unplanned record counts: it is emailed.
 */
export async function countNotifiable(db: Queryable, incidentId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM affected_customers a
     WHERE a.incident_id = $1 AND a.status IN ('pending', 'notified')
       AND (a.channel IS DISTINCT FROM 'none' OR ${HAS_EMAIL_SQL})`,
    [incidentId],
  );
  return rows[0]!.n;
}

/** One distinct (jurisdictions, categories) among an incident's records still to plan. */
export interface PlanKey {
  /** The person's jurisdiction, or every jurisdiction of a merged person's notice. */
  jurisdictions: string[];
  categories: DataCategory[];
}

/** The combination a record is planned by: `jurisdictions/categories`, each comma-joined. */
const KEY_SQL = `array_to_string(coalesce(a.notice_jurisdictions, ARRAY[a.jurisdiction]), ',') || '/' ||
  array_to_string(a.categories, ',')`;

/** The key of a plan combination, as KEY_SQL computes it for a record. */
export const planKey = (k: PlanKey): string => `${k.jurisdictions.join(',')}/${k.categories.join(',')}`;

/**
 * The records to plan: still pending and never planned (merged records and those handled by hand
 * have other statuses). Records are planned once: a retry, or a re-identification that added people,
 * plans only those without a channel.
 */
const UNPLANNED = `a.incident_id = $1 AND a.status = 'pending' AND a.channel IS NULL`;

/** The distinct (jurisdictions, categories) of the records still to plan: a few, whatever the size. */
export async function unplannedKeys(db: Queryable, incidentId: string): Promise<PlanKey[]> {
  const { rows } = await db.query<PlanKey>(
    `SELECT DISTINCT coalesce(a.notice_jurisdictions, ARRAY[a.jurisdiction]) AS jurisdictions, a.categories
     FROM affected_customers a WHERE ${UNPLANNED}`,
    [incidentId],
  );
  return rows;
}

/** One row of the decision table: for records of this key with these contact facts, this channel. */
export interface PlanRow {
  key: string;
  hasEmail: boolean;
  consented: boolean;
  hasPostalAddress: boolean;
  viaRepresentative: boolean;
  channel: NoticeChannel;
  reason: NoticeChannelReason;
}

/**
 * Writes every unplanned record's channel from the decision table, in one statement: each record
 * finds its row by its key and its contact facts as frozen at identification (an email, consent on
 * record, a postal address; a deceased customer, whose notice goes to their representative). The
 * table is small (combinations × 16), so the update is one pass over the incident's records.
 * Returns how many records were planned.
 */
export async function applyPlan(db: Queryable, incidentId: string, plan: PlanRow[]): Promise<number> {
  if (plan.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE affected_customers a SET channel = p.channel, channel_reason = p.reason
     FROM unnest($2::text[], $3::bool[], $4::bool[], $5::bool[], $6::bool[], $7::text[], $8::text[])
       AS p(key, has_email, consented, has_address, via_representative, channel, reason)
     WHERE ${UNPLANNED}
       AND p.key = ${KEY_SQL}
       AND p.has_email = ${HAS_EMAIL_SQL}
       AND p.consented = (a.electronic_consent_at IS NOT NULL)
       AND p.has_address = (a.postal_address IS NOT NULL)
       AND p.via_representative = (a.customer_status = 'deceased')`,
    [
      incidentId,
      plan.map((p) => p.key),
      plan.map((p) => p.hasEmail),
      plan.map((p) => p.consented),
      plan.map((p) => p.hasPostalAddress),
      plan.map((p) => p.viaRepresentative),
      plan.map((p) => p.channel),
      plan.map((p) => p.reason),
    ],
  );
  return rowCount ?? 0;
}

/** How many of an incident's records go each way, and why (planned records only). */
export async function channelCounts(
  db: Queryable,
  incidentId: string,
): Promise<{ channel: NoticeChannel; reason: NoticeChannelReason; count: number }[]> {
  const { rows } = await db.query<{ channel: NoticeChannel; reason: NoticeChannelReason; count: number }>(
    `SELECT channel, channel_reason AS reason, count(*)::int AS count FROM affected_customers
     WHERE incident_id = $1 AND channel IS NOT NULL GROUP BY channel, channel_reason ORDER BY channel, channel_reason`,
    [incidentId],
  );
  return rows;
}

/**
 * People whose email was given up on for good (undeliverable, planned for email alone) and who
 * have a postal address: they go back to pending, for a letter (`email_undeliverable`). Returns how
 * many. An `email_and_letter` person's failed email changes nothing: their letter is still to come.
 */
export async function fallBackToLetters(db: Queryable, incidentId: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE affected_customers SET channel = 'letter', channel_reason = 'email_undeliverable', status = 'pending'
     WHERE incident_id = $1 AND status = 'undeliverable' AND channel = 'email' AND postal_address IS NOT NULL`,
    [incidentId],
  );
  return rowCount ?? 0;
}

/**
 * People counted per (jurisdiction, categories, status, channel), as the law engine counts them
 * (`groupsByJurisdiction`): a person counts once in every jurisdiction one of their records is in,
 * with their recipient record's categories, status and channel (a merged record is reached when its
 * person's notice reaches them).
 */
export interface ReachGroupRow {
  jurisdiction: string;
  country: string;
  categories: DataCategory[];
  status: AffectedStatus;
  channel: NoticeChannel | null;
  /** Every jurisdiction of the people's records when they have several (merged), sorted; else null (core/law `countPeople`). */
  personJurisdictions: string[] | null;
  count: number;
}

export async function reachGroups(db: Queryable, incidentId: string): Promise<ReachGroupRow[]> {
  const { rows } = await db.query<ReachGroupRow>(
    `SELECT a.jurisdiction, a.country, coalesce(r.categories, a.categories) AS categories,
            coalesce(r.status, a.status) AS status, coalesce(r.channel, a.channel) AS channel,
            CASE WHEN a.merged_into IS NULL THEN a.notice_jurisdictions ELSE r.notice_jurisdictions END
              AS "personJurisdictions",
            count(DISTINCT coalesce(a.merged_into, a.customer_id))::int AS count
     FROM affected_customers a
     -- The recipient's record is looked up for merged records only (a primary-key probe each).
     LEFT JOIN LATERAL (
       SELECT r.categories, r.status, r.channel, r.notice_jurisdictions FROM affected_customers r
       WHERE a.merged_into IS NOT NULL AND r.incident_id = a.incident_id AND r.customer_id = a.merged_into
     ) r ON true
     -- Records an amendment found no longer affected are not counted (core/db/reidentify.ts).
     WHERE a.incident_id = $1 AND a.removed_in_version IS NULL
     GROUP BY 1, 2, 3, 4, 5, 6`,
    [incidentId],
  );
  return rows;
}
