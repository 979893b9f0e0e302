import type { MailingCriterion, MailingDeliveryStatus, MailingKind, MailingStatus } from '../domain/mailings';
import type { Recipient } from './affected';
import { NOTICE_PERSON_COLUMNS } from './affected';
import type { Failure } from './deliveries';
import type { Queryable } from './pool';
import { HAS_EMAIL_SQL } from './reach';

/**
 * Further mailings (migration 028): one approved notice to a set of an incident's people, one row
 * per (mailing, person) written when the mailing is created, sent by the shard engine
 * (core/delivery/mailing-pass.ts) through the same states as the first notice. Every statement is
 * set-based or one page at a time; none returns personal data except `openPage` (read inside the
 * sending activity only).
 */

export interface Mailing {
  id: string;
  incidentId: string;
  kind: MailingKind;
  key: string;
  noticeId: string;
  criterion: MailingCriterion;
  listKey: string | null;
  status: MailingStatus;
  recipients: number;
  sent: number | null;
  undeliverable: number | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const COLUMNS = `id, incident_id AS "incidentId", kind, key, notice_id AS "noticeId", criterion,
  list_key AS "listKey", status, recipients, sent, undeliverable, created_at AS "createdAt",
  finished_at AS "finishedAt"`;

/**
 * Who was refused or bounced any email of this incident: the first notice's (`d`) or a mailing's.
 * Aliases: `a` the affected record, `d` its first delivery (LEFT JOINed).
 */
const NO_BAD_ADDRESS_SQL = `coalesce(d.status, '') NOT IN ('undeliverable', 'bounced')
  AND a.status <> 'undeliverable'
  AND NOT EXISTS (SELECT 1 FROM mailing_deliveries x
                  WHERE x.incident_id = a.incident_id AND x.customer_id = a.customer_id AND x.status = 'undeliverable')`;

/** The first notice reached them by email: their delivery was accepted (and not bounced since). */
const FIRST_EMAIL_SENT_SQL = `d.status = 'sent'`;

/** Someone a reminder may go to now (alias `a`): not acknowledged, not opted out. */
const REMINDABLE_SQL = `a.acknowledged_at IS NULL AND a.reminders_opted_out_at IS NULL`;

/** Each criterion as a condition over `a` (affected record) and `d` (first delivery); see core/domain/mailings.ts. */
const CRITERION_SQL: Record<MailingCriterion, string> = {
  unacknowledged: `${FIRST_EMAIL_SENT_SQL} AND ${REMINDABLE_SQL}`,
  notified: FIRST_EMAIL_SENT_SQL,
  listed: `EXISTS (SELECT 1 FROM mailing_list_members l
                   WHERE l.incident_id = a.incident_id AND l.list_key = $3 AND l.customer_id = a.customer_id)
           AND (${HAS_EMAIL_SQL} OR (a.customer_status = 'deceased' AND a.representative_email IS NOT NULL))`,
};

/**
 * Creates a mailing and selects its recipients, one row each, in one statement per step (call in one
 * transaction). A mailing already created under (incident, kind, key) is returned as it is, with
 * `created` false: a retried creation selects nobody again.
 */
export async function create(
  db: Queryable,
  input: {
    incidentId: string;
    kind: MailingKind;
    key: string;
    noticeId: string;
    criterion: MailingCriterion;
    listKey: string | null;
  },
): Promise<{ mailing: Mailing; created: boolean }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO mailings (incident_id, kind, key, notice_id, criterion, list_key, recipients)
     VALUES ($1, $2, $3, $4, $5, $6, 0)
     ON CONFLICT (incident_id, kind, key) DO NOTHING RETURNING id`,
    [input.incidentId, input.kind, input.key, input.noticeId, input.criterion, input.listKey],
  );
  const inserted = rows[0];
  if (!inserted)
    return { mailing: (await getByKey(db, input.incidentId, input.kind, input.key))!, created: false };
  await db.query(
    `WITH selected AS (
       INSERT INTO mailing_deliveries (mailing_id, incident_id, customer_id)
       SELECT $2, a.incident_id, a.customer_id
       FROM affected_customers a
       LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
       WHERE a.incident_id = $1 AND a.status NOT IN ('merged', 'manual')
         AND ${NO_BAD_ADDRESS_SQL} AND ${CRITERION_SQL[input.criterion]}
       ORDER BY a.customer_id
       RETURNING 1
     )
     UPDATE mailings SET recipients = (SELECT count(*) FROM selected) WHERE id = $2`,
    // $3, the list, only for `listed` (the one criterion that reads it).
    [input.incidentId, inserted.id, ...(input.criterion === 'listed' ? [input.listKey] : [])],
  );
  return { mailing: (await get(db, inserted.id))!, created: true };
}

export async function get(db: Queryable, id: string): Promise<Mailing | null> {
  const { rows } = await db.query<Mailing>(`SELECT ${COLUMNS} FROM mailings WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function getByKey(
  db: Queryable,
  incidentId: string,
  kind: MailingKind,
  key: string,
): Promise<Mailing | null> {
  const { rows } = await db.query<Mailing>(
    `SELECT ${COLUMNS} FROM mailings WHERE incident_id = $1 AND kind = $2 AND key = $3`,
    [incidentId, kind, key],
  );
  return rows[0] ?? null;
}

/** An incident's mailings, oldest first. */
export async function listForIncident(db: Queryable, incidentId: string): Promise<Mailing[]> {
  const { rows } = await db.query<Mailing>(
    `SELECT ${COLUMNS} FROM mailings WHERE incident_id = $1 ORDER BY created_at, id`,
    [incidentId],
  );
  return rows;
}

/**
 * Writes an explicit list of an incident's people (the amendment's diff) under `listKey`, for a
 * `listed` mailing to select from. Adding the same people again changes nothing. Call it in the
 * transaction that computes the list.
 */
export async function addListMembers(
  db: Queryable,
  incidentId: string,
  listKey: string,
  customerIds: readonly number[],
): Promise<number> {
  if (customerIds.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO mailing_list_members (incident_id, list_key, customer_id)
     SELECT $1, $2, unnest($3::bigint[]) ON CONFLICT DO NOTHING`,
    [incidentId, listKey, customerIds],
  );
  return rowCount ?? 0;
}

/** A recipient of a mailing as the sender reads them: the person's record and their row's state. */
export interface MailingRecipient extends Omit<Recipient, 'deliveryId' | 'deliveryStatus' | 'attempts'> {
  mailingDeliveryId: number;
  mailingDeliveryStatus: MailingDeliveryStatus;
  /** For a reminder: they acknowledged or asked not to be reminded since they were selected. */
  noLongerWanted: boolean;
}

/**
 * The next page of a mailing's rows still to send in one shard (customer id modulo `shards`), after
 * `after` (keyset), with what each message is rendered from. Served by mailing_deliveries_open_idx.
 */
export async function openPage(
  db: Queryable,
  mailing: { id: string; kind: MailingKind },
  page: { shard: number; shards: number; after: number; limit: number },
): Promise<MailingRecipient[]> {
  const { rows } = await db.query<MailingRecipient>(
    `SELECT ${NOTICE_PERSON_COLUMNS}, m.id AS "mailingDeliveryId", m.status AS "mailingDeliveryStatus",
            ($6 = 'reminder' AND NOT (${REMINDABLE_SQL})) AS "noLongerWanted"
     FROM mailing_deliveries m
     JOIN affected_customers a ON a.incident_id = m.incident_id AND a.customer_id = m.customer_id
     WHERE m.mailing_id = $1 AND m.status IN ('selected', 'claimed', 'retrying', 'sending')
       AND m.customer_id % $2 = $3 AND m.customer_id > $4
       -- The cursor on both sides: PostgreSQL carries equalities across a join, not ranges.
       AND a.customer_id > $4
     ORDER BY m.customer_id LIMIT $5`,
    [mailing.id, page.shards, page.shard, page.after, page.limit, mailing.kind],
  );
  return rows;
}

/** Rows left `sending` by an interruption: the relay had the whole message, so they count as sent. */
export async function markSent(db: Queryable, ids: readonly number[], recovered = false): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE mailing_deliveries SET status = 'sent', sent_at = coalesce(sent_at, now()), attempts = attempts + 1,
       last_reply = CASE WHEN $2 THEN 'accepted before an interruption; confirmation not recorded' ELSE last_reply END
     WHERE id = ANY($1::bigint[]) AND status IN ('sending', 'sent')`,
    [ids, recovered],
  );
}

/** Rows whose person no longer meets a reminder's criterion: nothing is sent to them. */
export async function skip(db: Queryable, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE mailing_deliveries SET status = 'skipped', last_reply = 'acknowledged or asked not to be reminded'
     WHERE id = ANY($1::bigint[]) AND status IN ('selected', 'claimed', 'retrying')`,
    [ids],
  );
}

export interface MailingClaim {
  id: number;
  recipient: string;
  messageId: string;
  /** The person's frozen recipient values as read: a correction since means no claim. */
  recipientVersion: number;
}

/**
 * Claims rows for the attempt `lease`: rows not yet past the commit point (`selected`, `claimed`,
 * `retrying`) are taken, a dead attempt's included; rows `sending` or done are not. A row whose
 * person's recipient values were corrected since they were read is not claimed. Returns the ids
 * claimed. One statement for the whole page.
 */
export async function claim(
  db: Queryable,
  lease: string,
  claims: readonly MailingClaim[],
): Promise<Set<number>> {
  if (claims.length === 0) return new Set();
  const { rows } = await db.query<{ id: number }>(
    `UPDATE mailing_deliveries m
     SET lease = $1, status = CASE WHEN m.status = 'selected' THEN 'claimed' ELSE m.status END,
         recipient = c.recipient, message_id = c.message_id, claimed_at = coalesce(m.claimed_at, now())
     FROM unnest($2::bigint[], $3::text[], $4::text[], $5::int[]) AS c(id, recipient, message_id, version),
          affected_customers a
     -- "id = ANY" as well as the join: through the primary key whatever the statistics say (as
     -- core/db/deliveries.ts markSent explains).
     WHERE m.id = ANY($2::bigint[]) AND m.id = c.id AND m.status IN ('selected', 'claimed', 'retrying')
       AND a.incident_id = m.incident_id AND a.customer_id = m.customer_id AND a.recipient_version = c.version
     RETURNING m.id`,
    [
      lease,
      claims.map((c) => c.id),
      claims.map((c) => c.recipient),
      claims.map((c) => c.messageId),
      claims.map((c) => c.recipientVersion),
    ],
  );
  return new Set(rows.map((r) => Number(r.id)));
}

/**
 * The commit point (core/delivery/shard-pass.ts): only rows this attempt still holds are marked,
 * with the content hash of what is sent; returns their ids.
 */
export async function markSending(
  db: Queryable,
  lease: string,
  marks: readonly { id: number; contentHash: string; relay?: string }[],
): Promise<Set<number>> {
  const { rows } = await db.query<{ id: number }>(
    `UPDATE mailing_deliveries m SET status = 'sending', content_hash = x.content_hash, relay = x.relay
     FROM unnest($1::bigint[], $3::text[], $4::text[]) AS x(id, content_hash, relay)
     WHERE m.id = ANY($1::bigint[]) AND m.id = x.id AND m.lease = $2 AND m.status IN ('claimed', 'retrying')
     RETURNING m.id`,
    [marks.map((m) => m.id), lease, marks.map((m) => m.contentHash), marks.map((m) => m.relay ?? null)],
  );
  return new Set(rows.map((r) => Number(r.id)));
}

/** Transient failures become `retrying`, permanent ones `undeliverable`; only the lease's rows. */
export async function markFailed(db: Queryable, lease: string, failures: readonly Failure[]): Promise<void> {
  if (failures.length === 0) return;
  await db.query(
    `UPDATE mailing_deliveries m SET status = CASE WHEN f.permanent THEN 'undeliverable' ELSE 'retrying' END,
       attempts = m.attempts + 1, last_reply = f.reply
     FROM unnest($2::bigint[], $3::bool[], $4::text[]) AS f(id, permanent, reply)
     WHERE m.id = ANY($2::bigint[]) AND m.id = f.id AND m.lease = $1
       AND m.status IN ('claimed', 'retrying', 'sending')`,
    [lease, failures.map((f) => f.id), failures.map((f) => f.permanent), failures.map((f) => f.reply)],
  );
}

/** Rows of one shard still to send after a pass (a retry pass is needed when > 0). */
export async function countOpen(
  db: Queryable,
  mailingId: string,
  shard: { shard: number; shards: number },
): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM mailing_deliveries
     WHERE mailing_id = $1 AND status IN ('selected', 'claimed', 'retrying') AND customer_id % $2 = $3`,
    [mailingId, shard.shards, shard.shard],
  );
  return rows[0]!.n;
}

export interface MailingCounts {
  selected: number;
  sent: number;
  undeliverable: number;
  skipped: number;
  /** Not yet sent (selected, claimed, retrying, sending). */
  open: number;
  /** Held by a restore, waiting for an operator's decision (migration 034). */
  held: number;
}

/** A mailing's rows by outcome. */
export async function counts(db: Queryable, mailingId: string): Promise<MailingCounts> {
  const { rows } = await db.query<MailingCounts>(
    `SELECT count(*)::int AS selected,
            count(*) FILTER (WHERE status = 'sent')::int AS sent,
            count(*) FILTER (WHERE status = 'undeliverable')::int AS undeliverable,
            count(*) FILTER (WHERE status = 'skipped')::int AS skipped,
            count(*) FILTER (WHERE status IN ('selected', 'claimed', 'retrying', 'sending'))::int AS open,
            count(*) FILTER (WHERE status = 'held')::int AS held
     FROM mailing_deliveries WHERE mailing_id = $1`,
    [mailingId],
  );
  return rows[0]!;
}

/**
 * A row (alias `x`) released after a restore and not yet claimed again: `retrying` without a lease
 * (a failed attempt keeps its lease). The settlement's pass sends it; nothing gives it up before.
 */
const WAITS_FOR_SETTLEMENT_SQL = `(x.status = 'retrying' AND x.held_by_restore IS NOT NULL AND x.lease IS NULL)`;

/**
 * Ends a mailing that is still sending: rows still failing after the last retry pass are given up
 * (`undeliverable`), and the counts are recorded. Returns true when this call finished it. A mailing
 * with rows held by a restore is not finished: its settlement (workflows/restore-settlement.ts)
 * finishes it once an operator has decided on each.
 */
export async function finish(db: Queryable, mailingId: string): Promise<boolean> {
  await db.query(
    `UPDATE mailing_deliveries x SET status = 'undeliverable',
       last_reply = 'gave up after repeated temporary failures: ' || coalesce(last_reply, '')
     WHERE mailing_id = $1 AND status = 'retrying' AND NOT ${WAITS_FOR_SETTLEMENT_SQL}`,
    [mailingId],
  );
  const { rowCount } = await db.query(
    `UPDATE mailings m SET status = 'finished', finished_at = now(),
       sent = (SELECT count(*) FROM mailing_deliveries WHERE mailing_id = m.id AND status = 'sent'),
       undeliverable = (SELECT count(*) FROM mailing_deliveries WHERE mailing_id = m.id AND status = 'undeliverable')
     WHERE m.id = $1 AND m.status = 'sending'
       AND NOT EXISTS (SELECT 1 FROM mailing_deliveries x
                       WHERE x.mailing_id = m.id AND (x.status = 'held' OR ${WAITS_FOR_SETTLEMENT_SQL}))`,
    [mailingId],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Cancels an incident's mailings still sending (the incident withdrawn): their passes send nothing
 * more. Rows already past the commit point stay as they are. Returns the ids cancelled.
 */
export async function cancelForIncident(db: Queryable, incidentId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE mailings SET status = 'cancelled', finished_at = now()
     WHERE incident_id = $1 AND status = 'sending' RETURNING id`,
    [incidentId],
  );
  return rows.map((r) => r.id);
}

/**
 * Records that a person asked not to be reminded (their page). Returns the instant, or null when
 * they had asked before (the first instant stands) or are not affected by the incident.
 */
export async function optOutOfReminders(
  db: Queryable,
  incidentId: string,
  customerId: number,
): Promise<Date | null> {
  const { rows } = await db.query<{ at: Date }>(
    `UPDATE affected_customers SET reminders_opted_out_at = now()
     WHERE incident_id = $1 AND customer_id = $2 AND reminders_opted_out_at IS NULL
     RETURNING reminders_opted_out_at AS at`,
    [incidentId, customerId],
  );
  return rows[0]?.at ?? null;
}

/** Whether a mailing may still send: `sending`, and its incident not withdrawn. */
export async function maySend(db: Queryable, mailingId: string): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>(
    `SELECT m.status = 'sending' AND i.withdrawn_at IS NULL AS ok
     FROM mailings m JOIN incidents i ON i.id = m.incident_id WHERE m.id = $1`,
    [mailingId],
  );
  return rows[0]?.ok ?? false;
}
