import type { AffectedStatus, DeliveryStatus, NoticeChannel } from '../domain/model';
import type { Queryable } from './pool';

/*
 * What a report about a sent notice changes (core/use-cases/bounces.ts): the delivery row, and its
 * person's reach (affected_customers.status, channel and channel_reason). Reports arrive by the
 * return path's delivery id (core/delivery/return-path.ts), so each is one row by primary key.
 */

/** A delivery a report is about, with its person, both locked until the transaction ends. */
export interface ReportedDelivery {
  id: number;
  incidentId: string;
  customerId: number;
  status: DeliveryStatus;
  personStatus: AffectedStatus;
  /** The person's planned channel (null: never planned). */
  channel: NoticeChannel | null;
  /** A postal address was frozen on the person's record: a letter can reach them. */
  postalAddressKnown: boolean;
  /** A letter of theirs was already posted (core/letters): it, not the email, reached them. */
  letterPosted: boolean;
}

/**
 * The delivery `id` and its person, locked for update (a report and the sender's own writes, or two
 * copies of one report, take turns), or null when there is no such delivery.
 */
export async function lockReported(db: Queryable, id: number): Promise<ReportedDelivery | null> {
  const { rows } = await db.query<ReportedDelivery>(
    `SELECT d.id::int AS id, d.incident_id AS "incidentId", d.customer_id::int AS "customerId", d.status,
            a.status AS "personStatus", a.channel, a.postal_address IS NOT NULL AS "postalAddressKnown",
            EXISTS (SELECT 1 FROM letters l WHERE l.incident_id = d.incident_id
                    AND l.customer_id = d.customer_id AND l.status = 'posted') AS "letterPosted"
     FROM deliveries d
     JOIN affected_customers a ON a.incident_id = d.incident_id AND a.customer_id = d.customer_id
     WHERE d.id = $1
     FOR UPDATE OF d, a`,
    [id],
  );
  return rows[0] ?? null;
}

/**
 * A delivery the relay had accepted (`sending` or `sent`) is reported failed: it becomes `bounced`
 * with the report's words as its last reply, and its person moves to `next`: re-opened for a
 * letter (`pending`, unless a posted letter already reached them) or, without an address,
 * `undeliverable` with no channel left (substitute notice). A person already settled otherwise
 * (`undeliverable`, `manual`, `merged`) is left as they are, and so is everyone when `next` is null
 * (the email was not their notice and nothing better is left: see core/use-cases/bounces.ts).
 * Returns false when the delivery was not in a state a bounce applies to (nothing was written).
 */
export async function markBounced(
  db: Queryable,
  delivery: Pick<ReportedDelivery, 'id' | 'letterPosted'>,
  reply: string,
  next: 'letter' | 'none' | null,
): Promise<boolean> {
  const { rows } = await db.query<{ id: number }>(
    `WITH d AS (
       UPDATE deliveries SET status = 'bounced', bounced_at = now(), last_reply = $2
       WHERE id = $1 AND status IN ('sending', 'sent')
       RETURNING id, incident_id, customer_id
     ),
     a AS (
       UPDATE affected_customers a
       SET channel = $3, channel_reason = 'email_bounced',
           status = CASE WHEN $3 = 'none' THEN 'undeliverable' WHEN $4 THEN a.status ELSE 'pending' END
       FROM d WHERE a.incident_id = d.incident_id AND a.customer_id = d.customer_id
         AND a.status IN ('pending', 'notified') AND $3::text IS NOT NULL
     )
     SELECT id::int AS id FROM d`,
    [delivery.id, reply, next, delivery.letterPosted],
  );
  return rows.length > 0;
}

/** The person's mailbox reported the notice as spam: recorded once (the first report's time). */
export async function markComplained(db: Queryable, id: number): Promise<void> {
  await db.query(`UPDATE deliveries SET complained_at = coalesce(complained_at, now()) WHERE id = $1`, [id]);
}
