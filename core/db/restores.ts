import type { Queryable } from './pool';
import { AWAITING_EMAIL_SQL, EMAIL_NOT_NOTICE_SQL } from './reach';

/*
 * The restore fence (migrations 032 and 034): a marker per restored backup, and the rows it holds —
 * first notices' deliveries and further mailings' messages. What it is for is in
 * core/use-cases/restores.ts.
 */

export interface Restore {
  id: string;
  backupLabel: string;
  backupTakenAt: Date | null;
  recordedAt: Date;
  recordedBy: string;
  held: number;
}

const RESTORE_COLUMNS = `id, backup_label AS "backupLabel", backup_taken_at AS "backupTakenAt",
  recorded_at AS "recordedAt", recorded_by AS "recordedBy", held`;

/** The marker of a backup already restored into this database, or null. */
export async function byLabel(db: Queryable, backupLabel: string): Promise<Restore | null> {
  const { rows } = await db.query<Restore>(
    `SELECT ${RESTORE_COLUMNS} FROM restores WHERE backup_label = $1`,
    [backupLabel],
  );
  return rows[0] ?? null;
}

/** Every restore recorded in this database, the latest first. */
export async function list(db: Queryable): Promise<Restore[]> {
  const { rows } = await db.query<Restore>(
    `SELECT ${RESTORE_COLUMNS} FROM restores ORDER BY recorded_at DESC`,
  );
  return rows;
}

/** Records the marker; null when this backup's marker is already there (the fence ran before). */
export async function insert(
  db: Queryable,
  restore: { backupLabel: string; backupTakenAt: Date | null; recordedBy: string },
): Promise<Restore | null> {
  const { rows } = await db.query<Restore>(
    `INSERT INTO restores (backup_label, backup_taken_at, recorded_by) VALUES ($1, $2, $3)
     ON CONFLICT (backup_label) DO NOTHING RETURNING ${RESTORE_COLUMNS}`,
    [restore.backupLabel, restore.backupTakenAt, restore.recordedBy],
  );
  return rows[0] ?? null;
}

export async function setHeld(db: Queryable, restoreId: string, held: number): Promise<void> {
  await db.query(`UPDATE restores SET held = $2 WHERE id = $1`, [restoreId, held]);
}

/** What a restore held in one incident, by the state each notice was in. */
export interface HeldInIncident {
  incidentId: string;
  held: number;
  /** Rows `claimed` or `retrying` in the backup (a message maybe on the wire after it). */
  claimed: number;
  retrying: number;
  /** People without a row in the backup (perhaps claimed and sent after it). */
  withoutRow: number;
}

/**
 * Holds, in every incident that is `delivering`, each notice still to be emailed that is not past
 * the commit point: rows `claimed` or `retrying` become `held` (their lease dropped, so no attempt
 * still holds them), and each person still waiting without a row is given a `held` row with the
 * Message-ID their notice would carry (core/domain/ids.ts `noticeMessageId`, for `senderDomain`)
 * and the address it would go to (core/delivery/notice-message.ts `recipientAddress`). A row
 * `sending` is not held: it was at the relay whole before the backup, and the shard engine records
 * it sent, never sends it again. Returns the counts per incident. The notice a row without one is
 * held for is the incident's latest approved notice to individuals.
 */
export async function holdUnfinished(
  db: Queryable,
  restoreId: string,
  senderDomain: string,
): Promise<HeldInIncident[]> {
  const { rows } = await db.query<HeldInIncident>(
    `WITH delivering AS (
       SELECT i.id, (SELECT n.id FROM notices n WHERE n.incident_id = i.id AND n.audience = 'individuals'
                       AND n.status = 'approved' ORDER BY n.version DESC LIMIT 1) AS notice_id
       FROM incidents i WHERE i.status = 'delivering'
     ),
     rows_held AS (
       UPDATE deliveries d SET held_from = d.status, status = 'held', lease = NULL, held_by_restore = $1
       FROM delivering i, affected_customers a
       WHERE d.incident_id = i.id AND a.incident_id = d.incident_id AND a.customer_id = d.customer_id
         AND d.status IN ('claimed', 'retrying') AND ${AWAITING_EMAIL_SQL}
       RETURNING d.incident_id, d.held_from
     ),
     new_held AS (
       INSERT INTO deliveries (incident_id, customer_id, notice_id, message_id, recipient, status, held_by_restore)
       SELECT a.incident_id, a.customer_id, i.notice_id,
              '<notice.' || a.incident_id || '.' || a.customer_id || '@' || $2 || '>',
              CASE WHEN a.customer_status = 'deceased' AND a.representative_email IS NOT NULL
                   THEN a.representative_email ELSE coalesce(a.email, '') END,
              'held', $1
       FROM delivering i JOIN affected_customers a ON a.incident_id = i.id
       LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
       WHERE d.id IS NULL AND i.notice_id IS NOT NULL AND ${AWAITING_EMAIL_SQL}
       RETURNING incident_id, NULL::text AS held_from
     ),
     all_held AS (SELECT * FROM rows_held UNION ALL SELECT * FROM new_held)
     SELECT incident_id AS "incidentId", count(*)::int AS held,
            count(*) FILTER (WHERE held_from = 'claimed')::int AS claimed,
            count(*) FILTER (WHERE held_from = 'retrying')::int AS retrying,
            count(*) FILTER (WHERE held_from IS NULL)::int AS "withoutRow"
     FROM all_held GROUP BY incident_id ORDER BY incident_id`,
    [restoreId, senderDomain],
  );
  return rows;
}

/**
 * Rows `sending` in every incident that is delivering: the relay had each message whole before the
 * backup (the commit point), so they are recorded sent now, as the next delivery pass would record
 * them ("accepted before an interruption") — after a restore none may come (the delivery of a
 * workflow that ran on may be over). Their person is notified as `markSent` does. Returns the count
 * per incident.
 */
export async function recordSendingAsSent(db: Queryable): Promise<Map<string, number>> {
  const { rows } = await db.query<{ incidentId: string; n: number }>(
    `WITH d AS (
       UPDATE deliveries d SET status = 'sent', sent_at = coalesce(d.sent_at, now()), attempts = d.attempts + 1,
         last_reply = 'accepted before the backup (past the commit point); recorded sent by the restore'
       FROM incidents i WHERE i.id = d.incident_id AND i.status = 'delivering' AND d.status = 'sending'
       RETURNING d.incident_id, d.customer_id
     ),
     notified AS (
       UPDATE affected_customers a SET status = 'notified' FROM d
       WHERE a.incident_id = d.incident_id AND a.customer_id = d.customer_id AND a.status = 'pending'
         AND NOT ${EMAIL_NOT_NOTICE_SQL}
     )
     SELECT incident_id AS "incidentId", count(*)::int AS n FROM d GROUP BY incident_id`,
  );
  return byIncident(rows);
}

/**
 * The fence for further mailings (migration 034), in every mailing still `sending`: rows
 * `selected`, `claimed` or `retrying` are held as first notices are, each given the Message-ID its
 * message carries (`mailingMessageId`, for `senderDomain`; a row not yet claimed had none); rows
 * `sending` were past the commit point before the backup, so are recorded sent, as
 * `recordSendingAsSent` does for first notices. Returns both counts per incident.
 */
export async function fenceMailings(
  db: Queryable,
  restoreId: string,
  senderDomain: string,
): Promise<{ held: Map<string, number>; recordedSent: Map<string, number> }> {
  const { rows } = await db.query<{ incidentId: string; held: number; sent: number }>(
    `WITH held AS (
       UPDATE mailing_deliveries m SET held_from = m.status, status = 'held', lease = NULL, held_by_restore = $1,
         message_id = coalesce(m.message_id, '<mailing.' || m.mailing_id || '.' || m.customer_id || '@' || $2 || '>')
       FROM mailings g
       WHERE g.id = m.mailing_id AND g.status = 'sending' AND m.status IN ('selected', 'claimed', 'retrying')
       RETURNING m.incident_id
     ),
     sent AS (
       UPDATE mailing_deliveries m SET status = 'sent', sent_at = coalesce(m.sent_at, now()), attempts = m.attempts + 1,
         last_reply = 'accepted before the backup (past the commit point); recorded sent by the restore'
       FROM mailings g WHERE g.id = m.mailing_id AND g.status = 'sending' AND m.status = 'sending'
       RETURNING m.incident_id
     )
     SELECT incident_id AS "incidentId", count(*) FILTER (WHERE held)::int AS held,
            count(*) FILTER (WHERE NOT held)::int AS sent
     FROM (SELECT incident_id, true AS held FROM held UNION ALL SELECT incident_id, false FROM sent) x
     GROUP BY incident_id`,
    [restoreId, senderDomain],
  );
  return {
    held: byIncident(rows.map((r) => ({ incidentId: r.incidentId, n: r.held }))),
    recordedSent: byIncident(rows.map((r) => ({ incidentId: r.incidentId, n: r.sent }))),
  };
}

/** One held message, as the operator's list shows it: ids only, no personal data. */
export interface HeldNotice {
  /** The row's id: in `deliveries` for a first notice, in `mailing_deliveries` for a mailing's message. */
  deliveryId: number;
  /** The further mailing the message belongs to; null for the first notice. */
  mailingId: string | null;
  customerId: number;
  /** The customer's id in the company's own systems. */
  externalId: string;
  /** What the relay's log shows for this message if it was accepted. */
  messageId: string;
  /** The state in the backup: `claimed`, `retrying`, `selected` (a mailing's), or null (no row yet). */
  heldFrom: string | null;
  restoreId: string;
}

/** Every held row of both kinds, as one relation (alias it): first notices, then mailings' messages. */
const HELD_ROWS_SQL = `(
  SELECT id, NULL::uuid AS mailing_id, incident_id, customer_id, message_id, held_from, held_by_restore
  FROM deliveries WHERE status = 'held'
  UNION ALL
  SELECT id, mailing_id, incident_id, customer_id, message_id, held_from, held_by_restore
  FROM mailing_deliveries WHERE status = 'held'
)`;

/**
 * The incident's held messages of up to `limit` people, by customer id after `after` (keyset), each
 * person's first notice before their mailings' messages: a page never splits a person's messages.
 */
export async function listHeld(
  db: Queryable,
  incidentId: string,
  page: { after?: number; limit?: number } = {},
): Promise<HeldNotice[]> {
  const { rows } = await db.query<HeldNotice>(
    `WITH people AS (
       SELECT DISTINCT h.customer_id FROM ${HELD_ROWS_SQL} h
       WHERE h.incident_id = $1 AND h.customer_id > $2 ORDER BY h.customer_id LIMIT $3
     )
     SELECT h.id AS "deliveryId", h.mailing_id AS "mailingId", h.customer_id AS "customerId",
            c.external_id AS "externalId", h.message_id AS "messageId", h.held_from AS "heldFrom",
            h.held_by_restore AS "restoreId"
     FROM ${HELD_ROWS_SQL} h JOIN people p ON p.customer_id = h.customer_id
     JOIN customers c ON c.id = h.customer_id
     WHERE h.incident_id = $1
     ORDER BY h.customer_id, h.mailing_id NULLS FIRST, h.id`,
    [incidentId, page.after ?? 0, page.limit ?? 10_000],
  );
  return rows;
}

/** How many messages are held (first notices and mailings'), per incident (only incidents with some). */
export async function heldCounts(db: Queryable): Promise<{ incidentId: string; held: number }[]> {
  const { rows } = await db.query<{ incidentId: string; held: number }>(
    `SELECT incident_id AS "incidentId", count(*)::int AS held FROM ${HELD_ROWS_SQL} h
     GROUP BY incident_id ORDER BY incident_id`,
  );
  return rows;
}

/**
 * Held messages whose Message-ID the relay's log shows accepted: recorded `sent` (a first notice's
 * person `notified`, as `markSent` does) and never sent again. Returns the Message-IDs recorded
 * (the rest of `messageIds` were not held messages of this incident), the mailings they belong to,
 * and how many were first notices.
 */
export async function confirmSent(
  db: Queryable,
  incidentId: string,
  messageIds: readonly string[],
  reply: string,
): Promise<{ messageIds: string[]; mailingIds: string[]; notices: number }> {
  if (messageIds.length === 0) return { messageIds: [], mailingIds: [], notices: 0 };
  const { rows } = await db.query<{ messageId: string; mailingId: string | null }>(
    `WITH d AS (
       UPDATE deliveries SET status = 'sent', sent_at = coalesce(sent_at, now()), last_reply = $3, lease = NULL
       WHERE incident_id = $1 AND status = 'held' AND message_id = ANY($2::text[])
       RETURNING customer_id, message_id
     ),
     notified AS (
       UPDATE affected_customers a SET status = 'notified' FROM d
       WHERE a.incident_id = $1 AND a.customer_id = d.customer_id AND a.status = 'pending'
         AND NOT ${EMAIL_NOT_NOTICE_SQL}
     ),
     m AS (
       UPDATE mailing_deliveries SET status = 'sent', sent_at = coalesce(sent_at, now()), last_reply = $3, lease = NULL
       WHERE incident_id = $1 AND status = 'held' AND message_id = ANY($2::text[])
       RETURNING mailing_id, message_id
     )
     SELECT message_id AS "messageId", NULL::uuid AS "mailingId" FROM d
     UNION ALL SELECT message_id, mailing_id FROM m`,
    [incidentId, [...messageIds], reply],
  );
  return {
    messageIds: rows.map((r) => r.messageId),
    mailingIds: distinctMailings(rows),
    notices: rows.filter((r) => r.mailingId === null).length,
  };
}

const distinctMailings = (rows: { mailingId: string | null }[]): string[] =>
  [...new Set(rows.flatMap((r) => (r.mailingId ? [r.mailingId] : [])))].sort();

/**
 * Releases held messages to be sent again: they become `retrying`, which the next pass (the first
 * notice's delivery, or the mailing's) claims and sends. A held message of a mailing cancelled
 * since (its incident withdrawn) is not to be sent at all: it becomes `skipped`, saying why, and its
 * mailing is not among those returned. `customerIds` null: every held message of the incident.
 * Returns how many left `held`, and the notices and mailings still to send (what the passes that
 * send them deliver).
 */
export async function release(
  db: Queryable,
  incidentId: string,
  customerIds: readonly number[] | null,
  reply: string,
): Promise<{ released: number; noticeIds: string[]; mailingIds: string[] }> {
  const { rows } = await db.query<{ noticeId: string | null; mailingId: string | null; n: number }>(
    `WITH d AS (
       UPDATE deliveries SET status = 'retrying', lease = NULL, last_reply = $3
       WHERE incident_id = $1 AND status = 'held' AND ($2::bigint[] IS NULL OR customer_id = ANY($2::bigint[]))
       RETURNING notice_id
     ),
     m AS (
       UPDATE mailing_deliveries r
       SET status = CASE WHEN ml.status = 'cancelled' THEN 'skipped' ELSE 'retrying' END, lease = NULL,
           last_reply = CASE WHEN ml.status = 'cancelled' THEN $3 || ' — not sent: the mailing was cancelled'
                             ELSE $3 END
       FROM mailings ml
       WHERE ml.id = r.mailing_id AND r.incident_id = $1 AND r.status = 'held'
         AND ($2::bigint[] IS NULL OR r.customer_id = ANY($2::bigint[]))
       RETURNING r.mailing_id, r.status
     )
     SELECT notice_id AS "noticeId", NULL::uuid AS "mailingId", count(*)::int AS n FROM d GROUP BY notice_id
     UNION ALL
     -- A cancelled mailing's rows count as released, but there is nothing of theirs to send.
     SELECT NULL::uuid, CASE WHEN status = 'retrying' THEN mailing_id END, count(*)::int
     FROM m GROUP BY mailing_id, status`,
    [incidentId, customerIds === null ? null : [...customerIds], reply],
  );
  return {
    released: rows.reduce((s, r) => s + r.n, 0),
    noticeIds: rows.flatMap((r) => (r.noticeId ? [r.noticeId] : [])).sort(),
    mailingIds: distinctMailings(rows),
  };
}

/**
 * Whether a restore fenced the incident (some delivery was held by one) and how many of its people
 * still wait for an email notice, held ones included: a fenced incident is settled at 0.
 */
export async function settlement(
  db: Queryable,
  incidentId: string,
): Promise<{ fenced: boolean; awaiting: number }> {
  const { rows } = await db.query<{ fenced: boolean; awaiting: number }>(
    `SELECT EXISTS (SELECT 1 FROM deliveries WHERE incident_id = $1 AND held_by_restore IS NOT NULL) AS fenced,
            (SELECT count(*)::int FROM affected_customers a
             LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
             WHERE a.incident_id = $1 AND ${AWAITING_EMAIL_SQL}) AS awaiting`,
    [incidentId],
  );
  return rows[0]!;
}

/** A count per incident, as the fence's statements return them (incidents with none left out). */
const byIncident = (rows: { incidentId: string; n: number }[]): Map<string, number> =>
  new Map(rows.filter((r) => r.n > 0).map((r) => [r.incidentId, r.n]));
