import type { Queryable } from './pool';

export interface Claim {
  customerId: number;
  recipient: string;
  messageId: string;
}

/**
 * Claims a delivery row per customer (unique per incident and customer) before anything is sent.
 * Returns the delivery id and status of every given customer, claimed now or earlier.
 */
export async function claim(
  db: Queryable,
  incidentId: string,
  noticeId: string,
  claims: Claim[],
): Promise<Map<number, { id: number; status: string }>> {
  const { rows } = await db.query<{ id: number; customerId: number; status: string }>(
    `WITH c AS (
       SELECT * FROM unnest($3::bigint[], $4::text[], $5::text[]) AS c(customer_id, recipient, message_id)
     ),
     inserted AS (
       INSERT INTO deliveries (incident_id, customer_id, notice_id, recipient, message_id, status)
       SELECT $1, customer_id, $2, recipient, message_id, 'claimed' FROM c
       ON CONFLICT (incident_id, customer_id) DO NOTHING
       RETURNING id, customer_id, status
     )
     SELECT id, customer_id AS "customerId", status FROM inserted
     UNION ALL
     SELECT d.id, d.customer_id, d.status FROM deliveries d JOIN c ON c.customer_id = d.customer_id
     WHERE d.incident_id = $1 AND NOT EXISTS (SELECT 1 FROM inserted i WHERE i.customer_id = d.customer_id)`,
    [incidentId, noticeId, claims.map((c) => c.customerId), claims.map((c) => c.recipient), claims.map((c) => c.messageId)],
  );
  return new Map(rows.map((r) => [r.customerId, { id: r.id, status: r.status }]));
}

/** The point of no return: the relay is about to take these messages (see core/mail/smtp-pool.ts). */
export async function markSending(db: Queryable, ids: number[]): Promise<void> {
  await db.query(`UPDATE deliveries SET status = 'sending' WHERE id = ANY($1::bigint[]) AND status <> 'sent'`, [ids]);
}

/**
 * Records accepted messages and marks their customers notified. `recovered` deliveries reached the
 * commit point before a crash: the relay had the whole message, so they count as sent.
 */
export async function markSent(db: Queryable, incidentId: string, ids: number[], recovered = false): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `WITH d AS (
       UPDATE deliveries SET status = 'sent', sent_at = coalesce(sent_at, now()), attempts = attempts + 1,
         last_reply = CASE WHEN $3 THEN 'accepted before an interruption; confirmation not recorded' ELSE last_reply END
       WHERE id = ANY($2::bigint[]) AND incident_id = $1
       RETURNING customer_id
     )
     UPDATE affected_customers a SET status = 'notified' FROM d
     WHERE a.incident_id = $1 AND a.customer_id = d.customer_id`,
    [incidentId, ids, recovered],
  );
}

export interface Failure {
  id: number;
  customerId: number;
  permanent: boolean;
  reply: string;
}

/** Transient failures become `retrying`; permanent ones `undeliverable`, with the relay's reply. */
export async function markFailed(db: Queryable, incidentId: string, failures: Failure[]): Promise<void> {
  if (failures.length === 0) return;
  await db.query(
    `WITH f AS (
       SELECT * FROM unnest($2::bigint[], $3::bool[], $4::text[]) AS f(id, permanent, reply)
     ),
     d AS (
       UPDATE deliveries d SET status = CASE WHEN f.permanent THEN 'undeliverable' ELSE 'retrying' END,
         attempts = d.attempts + 1, last_reply = f.reply
       FROM f WHERE d.id = f.id AND d.incident_id = $1
       RETURNING d.customer_id, d.status
     )
     UPDATE affected_customers a SET status = 'undeliverable' FROM d
     WHERE a.incident_id = $1 AND a.customer_id = d.customer_id AND d.status = 'undeliverable'`,
    [incidentId, failures.map((f) => f.id), failures.map((f) => f.permanent), failures.map((f) => f.reply)],
  );
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
     WHERE a.incident_id = $1 AND a.customer_id = d.customer_id`,
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
}

/** Counts over all affected customers: `pending` includes those not yet claimed. */
export async function countsForIncident(db: Queryable, incidentId: string): Promise<DeliveryCounts> {
  const { rows } = await db.query<DeliveryCounts>(
    `SELECT count(*) FILTER (WHERE a.status = 'notified')::int AS sent,
            count(*) FILTER (WHERE a.status = 'pending' AND coalesce(d.status, 'claimed') <> 'retrying')::int AS pending,
            count(*) FILTER (WHERE a.status = 'pending' AND d.status = 'retrying')::int AS retrying,
            count(*) FILTER (WHERE a.status = 'undeliverable')::int AS undeliverable,
            count(*) FILTER (WHERE a.status = 'manual')::int AS manual
     FROM affected_customers a
     LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
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

export async function listUndeliverable(db: Queryable, incidentId: string, limit = 1000): Promise<UndeliverableRow[]> {
  const { rows } = await db.query<UndeliverableRow>(
    `SELECT d.customer_id AS "customerId", c.external_id AS "externalId", d.recipient, d.last_reply AS reply, d.attempts
     FROM deliveries d JOIN customers c ON c.id = d.customer_id
     WHERE d.incident_id = $1 AND d.status = 'undeliverable' ORDER BY d.customer_id LIMIT $2`,
    [incidentId, limit],
  );
  return rows;
}
