import type { DeliveryStatus } from '../domain/model';
import type { Queryable } from './pool';
import { AWAITING_EMAIL_SQL, EMAIL_NOT_NOTICE_SQL, NOT_HELD_SQL } from './reach';
import { ASSIGN_CODES_CTES, MINOR_SQL, OFFER_JSON_SQL } from './remediation-codes';
import type { RemediationOffer } from './remediation-codes';

export interface Claim {
  customerId: number;
  recipient: string;
  messageId: string;
  /**
   * The version of the person's frozen recipient values the message is rendered from
   * (`Recipient.recipientVersion`): a correction since then means no claim. Absent: not checked
   * (test worlds and benchmarks that stand in for sending).
   */
  recipientVersion?: number;
  /**
   * The person's notice offers identity-theft protection (core/delivery `needsRemediationCode`):
   * the claim gives them a remediation code if they have none. @default false
   */
  needsCode?: boolean;
}

/** A delivery row as the sender sees it after claiming. */
export interface ClaimedDelivery {
  id: number;
  status: DeliveryStatus;
  /** True when this attempt holds the claim and may send; false for rows past the commit point or done. */
  mine: boolean;
  /**
   * For a row that is mine and `needsCode`: the person's remediation code, given by this claim or an
   * earlier one; null when the incident's codes ran out (or none were imported). Absent otherwise.
   */
  remediation?: RemediationOffer | null;
}

/**
 * Claims a delivery row per customer (unique per incident and customer) for the attempt `lease`
 * before anything is sent. A row another attempt claimed but never took past the commit point
 * (`claimed`, `retrying`) is taken over: that attempt is dead or presumed so, and should it still
 * be alive, `markSending` refuses it. Rows already `sending`, `sent` or `undeliverable` are
 * returned as they are, not mine. A person whose recipient values were corrected since they were
 * read (their `recipientVersion` moved) is not claimed at all, and so absent from the result: the
 * caller reads them again. The claim holds a key-share lock on each person's record while it
 * runs, so it and a correction (which locks the record for update, then revokes any claim) are
 * ordered one way or the other, never interleaved.
 *
 * Remediation codes (issue 17): everyone this attempt now holds who `needsCode` and has none gets
 * one of the incident's free codes in the same statement (core/db/remediation-codes.ts
 * ASSIGN_CODES_CTES), so a code is given with the claim or not at all, and the message rendered
 * from the claim carries it. A retried claim returns the code already given, never a second one.
 * One statement for the whole page.
 */
export async function claim(
  db: Queryable,
  incidentId: string,
  noticeId: string,
  lease: string,
  claims: Claim[],
): Promise<Map<number, ClaimedDelivery>> {
  if (claims.length === 0) return new Map();
  const codes = claims.some((c) => c.needsCode);
  const { rows } = await db.query<{
    id: number;
    customerId: number;
    status: DeliveryStatus;
    mine: boolean;
    remediation: RemediationOffer | null;
  }>(
    `WITH c AS (
       SELECT * FROM unnest($4::bigint[], $5::text[], $6::text[], $7::int[], $8::bool[])
         AS c(customer_id, recipient, message_id, version, needs_code)
     ),
     unchanged AS (
       SELECT c.* FROM c JOIN affected_customers a ON a.incident_id = $1 AND a.customer_id = c.customer_id
       WHERE c.version IS NULL OR a.recipient_version = c.version
       FOR KEY SHARE OF a
     ),
     taken AS (
       INSERT INTO deliveries AS d (incident_id, customer_id, notice_id, recipient, message_id, status, lease)
       SELECT $1, customer_id, $2, recipient, message_id, 'claimed', $3 FROM unchanged
       ON CONFLICT (incident_id, customer_id) DO UPDATE SET lease = excluded.lease, recipient = excluded.recipient
         WHERE d.status IN ('claimed', 'retrying')
       RETURNING d.id, d.customer_id, d.status
     ),
     -- Remediation codes for those now mine who need one and have none (ASSIGN_CODES_CTES).
     coded AS (SELECT customer_id FROM unchanged WHERE needs_code AND $9),
     need AS (
       SELECT t.customer_id, ${MINOR_SQL('cu')} AS minor
       FROM taken t JOIN coded USING (customer_id) JOIN customers cu ON cu.id = t.customer_id
       WHERE NOT EXISTS (SELECT 1 FROM remediation_codes k WHERE k.incident_id = $1 AND k.customer_id = t.customer_id)
     ),
     ${ASSIGN_CODES_CTES},
     held AS (
       SELECT customer_id, pool_id, code FROM assigned
       UNION ALL
       SELECT k.customer_id, k.pool_id, k.code
       FROM taken t JOIN coded USING (customer_id)
       JOIN remediation_codes k ON k.incident_id = $1 AND k.customer_id = t.customer_id
     )
     SELECT t.id, t.customer_id AS "customerId", t.status, true AS mine,
            CASE WHEN h.code IS NOT NULL THEN ${OFFER_JSON_SQL('h', 'p')} END AS remediation
     FROM taken t
     LEFT JOIN held h ON h.customer_id = t.customer_id
     LEFT JOIN remediation_code_pools p ON p.id = h.pool_id
     UNION ALL
     SELECT d.id, d.customer_id, d.status, false, NULL
     FROM unchanged c JOIN deliveries d ON d.incident_id = $1 AND d.customer_id = c.customer_id
     WHERE NOT EXISTS (SELECT 1 FROM taken t WHERE t.customer_id = c.customer_id)`,
    [
      incidentId,
      noticeId,
      lease,
      claims.map((c) => c.customerId),
      claims.map((c) => c.recipient),
      claims.map((c) => c.messageId),
      claims.map((c) => c.recipientVersion ?? null),
      claims.map((c) => c.needsCode ?? false),
      codes,
    ],
  );
  const needing = new Set(claims.filter((c) => c.needsCode).map((c) => c.customerId));
  return new Map(
    rows.map((r) => [
      r.customerId,
      {
        id: r.id,
        status: r.status,
        mine: r.mine,
        ...(r.mine && needing.has(r.customerId) ? { remediation: r.remediation } : {}),
      },
    ]),
  );
}

/**
 * The commit point: the relay has the whole message but not yet its final "." (see
 * core/mail/smtp-pool.ts). Only rows this attempt still holds are marked; returns their ids, so a
 * message whose claim was taken over is abandoned instead of completed.
 */
export async function markSending(
  db: Queryable,
  lease: string,
  messages: readonly (SendingMark | number)[],
): Promise<Set<number>> {
  // The copy of what is sent is recorded with the commit point itself: a message is never
  // completed without its content hash and context on its row. (A bare id records no copy: for
  // test worlds and benchmarks that stand in for sending.)
  const marks = messages.map((m) =>
    typeof m === 'number' ? { id: m, contentHash: null, sendContext: null, relay: null } : m,
  );
  const { rows } = await db.query<{ id: number }>({
    // Named, so each connection parses and plans it once: it runs for every few messages sent.
    name: 'deliveries-mark-sending',
    text: `UPDATE deliveries d SET status = 'sending', content_hash = m.content_hash, send_context = m.send_context,
       relay = m.relay
     FROM unnest($1::bigint[], $3::text[], $4::text[], $5::text[]) AS m(id, content_hash, send_context, relay)
     -- "id = ANY" as well as the join: through the primary key, as in markSent.
     WHERE d.id = ANY($1::bigint[]) AND d.id = m.id AND d.lease = $2 AND d.status IN ('claimed', 'retrying')
     RETURNING d.id`,
    values: [
      marks.map((m) => m.id),
      lease,
      marks.map((m) => m.contentHash),
      marks.map((m) => m.sendContext),
      marks.map((m) => m.relay ?? null),
    ],
  });
  return new Set(rows.map((r) => r.id));
}

/** One message reaching the commit point: its delivery row and the copy of what it carries. */
export interface SendingMark {
  id: number;
  /** SHA-256 of the rendered subject, text and HTML (core/delivery/sent-copy.ts). */
  contentHash: string;
  /** The notice_send_contexts row it was rendered with. */
  sendContext: string;
  /** The relay that holds the message (migration 033). @default null (not recorded) */
  relay?: string;
}

/**
 * A person's delivery status, with their delivery row (if any) locked until the transaction ends:
 * the commit point (`markSending`) of a message to them waits, or has happened. Null: no row.
 */
export async function lockStatus(
  db: Queryable,
  incidentId: string,
  customerId: number,
): Promise<DeliveryStatus | null> {
  const { rows } = await db.query<{ status: DeliveryStatus }>(
    `SELECT status FROM deliveries WHERE incident_id = $1 AND customer_id = $2 FOR UPDATE`,
    [incidentId, customerId],
  );
  return rows[0]?.status ?? null;
}

/**
 * Takes a person's claim away from whichever attempt holds it (a claim not yet at the commit
 * point): that attempt's `markSending` then fails and it abandons the message; its retry sends the
 * person's notice afresh. Used when the values a claimed message was rendered from have changed.
 */
export async function revokeClaim(db: Queryable, incidentId: string, customerId: number): Promise<void> {
  await db.query(
    `UPDATE deliveries SET lease = NULL
     WHERE incident_id = $1 AND customer_id = $2 AND status IN ('claimed', 'retrying')`,
    [incidentId, customerId],
  );
}

/** Stores a send context once (by its hash); a context already stored is left as it is. */
export async function saveSendContext(
  db: Queryable,
  context: { hash: string; noticeId: string; json: string },
): Promise<void> {
  await db.query(
    `INSERT INTO notice_send_contexts (hash, notice_id, context) VALUES ($1, $2, $3::json)
     ON CONFLICT (hash) DO NOTHING`,
    [context.hash, context.noticeId, context.json],
  );
}

/** A stored send context as written (the text its hash was taken over), or null. */
export async function getSendContext(db: Queryable, hash: string): Promise<string | null> {
  const { rows } = await db.query<{ context: string }>(
    `SELECT context::text AS context FROM notice_send_contexts WHERE hash = $1`,
    [hash],
  );
  return rows[0]?.context ?? null;
}

/**
 * Records accepted messages and marks their customers notified, in one statement — except people
 * whose email is not their lawful notice (`EMAIL_NOT_NOTICE_SQL`): `email_and_letter`, who stay
 * pending until their letter is posted, and `none` with an email, whom only the substitute notice
 * covers. `recovered`
 * deliveries reached the commit point before an interruption: the relay had the whole message, so
 * they count as sent.
 */
export async function markSent(
  db: Queryable,
  incidentId: string,
  ids: number[],
  recovered = false,
): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `WITH d AS (
       UPDATE deliveries d SET status = 'sent', sent_at = coalesce(d.sent_at, now()), attempts = d.attempts + 1,
         last_reply = CASE WHEN $3 THEN 'accepted before an interruption; confirmation not recorded' ELSE d.last_reply END
       -- Through the primary key, whatever the statistics say: "id = ANY" is the only condition an
       -- index can answer (IS NOT DISTINCT FROM is the same as = for a column never null, but no
       -- index answers it). Given "incident_id = $1", or a join on unnest($2), the planner took
       -- the incident's rows, by its index range or the whole table, as the outer side whenever the
       -- statistics predated the incident (a new incident, until autovacuum's analyze came round):
       -- 168,000 rows compared for a batch of 31 at 12,600 delivered, each batch dearer than the last.
       WHERE d.id = ANY($2::bigint[]) AND d.incident_id IS NOT DISTINCT FROM $1 AND d.status IN ('sending', 'sent')
       RETURNING d.customer_id
     )
     UPDATE affected_customers a SET status = 'notified' FROM d
     WHERE a.incident_id = $1 AND a.customer_id = d.customer_id AND a.status = 'pending'
       AND NOT ${EMAIL_NOT_NOTICE_SQL}`,
    [incidentId, ids, recovered],
  );
}

export interface Failure {
  id: number;
  customerId: number;
  permanent: boolean;
  reply: string;
}

/**
 * Transient failures become `retrying`; permanent ones `undeliverable`, with the relay's reply (the
 * person too, unless the email was not their notice: `EMAIL_NOT_NOTICE_SQL`). Only rows this attempt
 * holds are written: a claim taken over belongs to the newer attempt.
 */
export async function markFailed(
  db: Queryable,
  incidentId: string,
  lease: string,
  failures: Failure[],
): Promise<void> {
  if (failures.length === 0) return;
  await db.query(
    `WITH f AS (
       SELECT * FROM unnest($3::bigint[], $4::bool[], $5::text[]) AS f(id, permanent, reply)
     ),
     d AS (
       UPDATE deliveries d SET status = CASE WHEN f.permanent THEN 'undeliverable' ELSE 'retrying' END,
         attempts = d.attempts + 1, last_reply = f.reply
       -- Through the primary key, as in markSent.
       FROM f WHERE d.id = ANY($3::bigint[]) AND d.id = f.id AND d.incident_id IS NOT DISTINCT FROM $1
         AND d.lease = $2 AND d.status IN ('claimed', 'retrying', 'sending')
       RETURNING d.customer_id, d.status
     )
     UPDATE affected_customers a SET status = 'undeliverable' FROM d
     WHERE a.incident_id = $1 AND a.customer_id = d.customer_id AND d.status = 'undeliverable'
       AND NOT ${EMAIL_NOT_NOTICE_SQL}`,
    [
      incidentId,
      lease,
      failures.map((f) => f.id),
      failures.map((f) => f.permanent),
      failures.map((f) => f.reply),
    ],
  );
}

/** Affected customers of one shard still waiting for their email (after a pass: those to retry). */
export async function countUnfinished(
  db: Queryable,
  incidentId: string,
  shard: { shard: number; shards: number },
): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM affected_customers a
     LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
     WHERE a.incident_id = $1 AND ${AWAITING_EMAIL_SQL} AND ${NOT_HELD_SQL} AND a.customer_id % $2 = $3`,
    [incidentId, shard.shards, shard.shard],
  );
  return rows[0]!.n;
}

export interface SendingRate {
  /** Notices recorded sent in the window. */
  sent: number;
  /** The window actually measured, in seconds: the last minute, or less when sending began later. */
  windowSeconds: number;
  /** Affected customers still waiting for their email (pending, including those retrying). */
  remaining: number;
  /** The database's clock when measured. */
  at: Date;
}

/** Raw figures behind the rate and forecast (core/delivery/forecast.ts `deliveryProgress`). */
export async function sendingRate(db: Queryable, incidentId: string): Promise<SendingRate> {
  const { rows } = await db.query<{ sent: number; windowSeconds: number; remaining: number; at: Date }>(
    `WITH w AS (
       SELECT count(*)::int AS sent FROM deliveries
       WHERE incident_id = $1 AND sent_at > now() - interval '1 minute'
     )
     SELECT w.sent,
            CASE WHEN w.sent = 0 THEN 0
                 ELSE extract(epoch FROM now() - greatest(
                        now() - interval '1 minute',
                        (SELECT min(sent_at) FROM deliveries WHERE incident_id = $1 AND sent_at IS NOT NULL)))
            END::float8 AS "windowSeconds",
            (SELECT count(*)::int FROM affected_customers a
             LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
             WHERE a.incident_id = $1 AND ${AWAITING_EMAIL_SQL}) AS remaining,
            now() AS at
     FROM w`,
    [incidentId],
  );
  return rows[0]!;
}

/** Deliveries still `retrying` after the last retry pass are given up on, for substitute notice. */
export async function giveUpRetrying(db: Queryable, incidentId: string): Promise<number> {
  const { rowCount } = await db.query(
    `WITH d AS (
       UPDATE deliveries SET status = 'undeliverable',
         last_reply = 'gave up after repeated temporary failures: ' || coalesce(last_reply, '')
       WHERE incident_id = $1 AND status = 'retrying' RETURNING customer_id
     )
     UPDATE affected_customers a SET status = 'undeliverable' FROM d
     WHERE a.incident_id = $1 AND a.customer_id = d.customer_id AND NOT ${EMAIL_NOT_NOTICE_SQL}`,
    [incidentId],
  );
  return rowCount ?? 0;
}

export interface DeliveryCounts {
  sent: number;
  pending: number;
  retrying: number;
  undeliverable: number;
  manual: number;
  /** Records covered by another record's notice (the same person): in none of the other counts. */
  merged: number;
}

/**
 * A record whose notice is not an email (aliases `a`, `d` as in `countsForIncident`): planned for a
 * letter alone or `none` and never emailed, or moved there after its email was refused or bounced.
 * A pending `none` person with an email address is emailed (`EMAIL_NOT_NOTICE_SQL`), so is not one.
 */
const NOT_BY_EMAIL = `a.channel IN ('letter', 'none') AND NOT (a.status = 'pending' AND ${EMAIL_NOT_NOTICE_SQL})
  AND (d.id IS NULL OR d.status IN ('undeliverable', 'bounced'))`;

/**
 * A person still pending after their email, because it is not their notice (`email_and_letter`
 * waiting for the letter, `none` covered only by the substitute notice), whose email is done
 * (sent, or not delivered).
 */
const EMAILED_STILL_PENDING = `${EMAIL_NOT_NOTICE_SQL} AND a.status = 'pending'`;

/**
 * Counts of the email delivery over the affected records: `pending` includes those not yet claimed;
 * an `email_and_letter` person whose email went out counts as `sent` (their letter is still to come),
 * one whose email failed as `undeliverable`, and so does a `none` person with an email address (the
 * email is sent as part of their substitute notice). People whose notice is not an email (a letter
 * alone, or no lawful channel and no email: `NOT_BY_EMAIL`) are in none of these: the planned
 * channels count them (core/db/reach.ts `channelCounts`). Every other record is in exactly one
 * count; for an incident whose channels were never planned that is every record, so the five before
 * `merged` add up to the people affected, as before channels.
 */
export async function countsForIncident(db: Queryable, incidentId: string): Promise<DeliveryCounts> {
  const { rows } = await db.query<DeliveryCounts>(
    `SELECT count(*) FILTER (WHERE NOT by_letter AND (a.status = 'notified'
                               OR (${EMAILED_STILL_PENDING} AND d.status = 'sent')))::int AS sent,
            count(*) FILTER (WHERE NOT by_letter AND a.status = 'pending' AND coalesce(d.status, 'claimed') <> 'retrying'
                               AND NOT (${EMAILED_STILL_PENDING} AND coalesce(d.status, '') IN ('sent', 'undeliverable', 'bounced')))::int AS pending,
            count(*) FILTER (WHERE NOT by_letter AND a.status = 'pending' AND d.status = 'retrying')::int AS retrying,
            count(*) FILTER (WHERE NOT by_letter AND (a.status = 'undeliverable'
                               OR (${EMAILED_STILL_PENDING} AND d.status IN ('undeliverable', 'bounced'))))::int AS undeliverable,
            count(*) FILTER (WHERE a.status = 'manual')::int AS manual,
            count(*) FILTER (WHERE a.status = 'merged')::int AS merged
     FROM affected_customers a
     LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
     CROSS JOIN LATERAL (SELECT coalesce(${NOT_BY_EMAIL}, false) AS by_letter) l
     WHERE a.incident_id = $1`,
    [incidentId],
  );
  return rows[0]!;
}

export interface UndeliverableRow {
  customerId: number;
  externalId: string;
  recipient: string;
  reply: string | null;
  attempts: number;
}

/**
 * The emails that did not reach their person: refused by the relay (`undeliverable`) or accepted and
 * then bounced (`bounced`, its reply saying so: core/use-cases/bounces.ts).
 */
export async function listUndeliverable(
  db: Queryable,
  incidentId: string,
  limit = 1000,
): Promise<UndeliverableRow[]> {
  const { rows } = await db.query<UndeliverableRow>(
    `SELECT d.customer_id AS "customerId", c.external_id AS "externalId", d.recipient, d.last_reply AS reply, d.attempts
     FROM deliveries d JOIN customers c ON c.id = d.customer_id
     WHERE d.incident_id = $1 AND d.status IN ('undeliverable', 'bounced') ORDER BY d.customer_id LIMIT $2`,
    [incidentId, limit],
  );
  return rows;
}
