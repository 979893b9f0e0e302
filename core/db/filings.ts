import type { FilingChannel, FilingStatus, RecordedChannel } from '../domain/filings';
import type { Queryable } from './pool';

/*
 * Filings (migration 021): the proof that an authority was given its packet — an email Forthright
 * sent, with the relay's answer and the message kept, or a filing a person recorded, with the
 * authority's reference and a receipt. One row per (incident, rule, jurisdiction, sequence): the
 * unique key is the "exactly once". Blobs (the message, the receipt) are read only on request.
 */

/** Which filing of which obligation: sequence 1 is the filing, 2, 3, … its supplements. */
export interface FilingKey {
  incidentId: string;
  ruleId: string;
  jurisdiction: string;
  sequence: number;
}

export interface Filing extends FilingKey {
  id: string;
  /** The approved packet version filed (notices.id) and its content hash. */
  packetId: string;
  packetHash: string;
  channel: FilingChannel;
  status: FilingStatus;
  /** When the authority got it: the relay's acceptance, or the time the person filed. */
  filedAt: Date | null;
  /** The authority's reference number (recorded filings). */
  reference: string | null;
  /** Who asked for the email or recorded the filing; null: the system. */
  recordedBy: string | null;
  recordedByName: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Email: the authority's address and the stable Message-ID. */
  recipient: string | null;
  messageId: string | null;
  /** Times the message was handed to the relay. */
  attempts: number;
  /** When the relay held the whole message (the commit point); null before, and after a refusal. */
  committedAt: Date | null;
  messageSha256: string | null;
  /** The relay's last answer. */
  relayResponse: string | null;
  /** Failed with no answer after the commit point: it may have arrived. */
  uncertain: boolean;
  receiptFilename: string | null;
  receiptContentType: string | null;
  receiptSha256: string | null;
  receiptBytes: number | null;
}

const COLUMNS = `f.id, f.incident_id AS "incidentId", f.rule_id AS "ruleId", f.jurisdiction, f.sequence,
  f.packet_id AS "packetId", f.packet_hash AS "packetHash", f.channel, f.status, f.filed_at AS "filedAt",
  f.reference, f.recorded_by AS "recordedBy", u.display_name AS "recordedByName", f.created_at AS "createdAt",
  f.updated_at AS "updatedAt", f.recipient, f.message_id AS "messageId", f.attempts,
  f.committed_at AS "committedAt", f.message_sha256 AS "messageSha256", f.relay_response AS "relayResponse",
  f.uncertain, f.receipt_filename AS "receiptFilename", f.receipt_content_type AS "receiptContentType",
  f.receipt_sha256 AS "receiptSha256", octet_length(f.receipt) AS "receiptBytes"`;

const FROM = `filings f LEFT JOIN users u ON u.id = f.recorded_by`;

export async function get(db: Queryable, id: string): Promise<Filing | null> {
  const { rows } = await db.query<Filing>(`SELECT ${COLUMNS} FROM ${FROM} WHERE f.id = $1`, [id]);
  return rows[0] ?? null;
}

/** The filing of `key`, locked until the transaction ends; null when there is none yet. */
export async function lockByKey(db: Queryable, key: FilingKey): Promise<Filing | null> {
  const { rows } = await db.query<Filing>(
    `SELECT ${COLUMNS} FROM ${FROM}
     WHERE f.incident_id = $1 AND f.rule_id = $2 AND f.jurisdiction = $3 AND f.sequence = $4
     FOR UPDATE OF f`,
    [key.incidentId, key.ruleId, key.jurisdiction, key.sequence],
  );
  return rows[0] ?? null;
}

/** An incident's filings, by obligation and sequence. */
export async function listForIncident(db: Queryable, incidentId: string): Promise<Filing[]> {
  const { rows } = await db.query<Filing>(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE f.incident_id = $1
     ORDER BY f.jurisdiction, f.rule_id, f.sequence`,
    [incidentId],
  );
  return rows;
}

/** What an email filing is claimed with. */
export interface EmailClaim extends FilingKey {
  id: string;
  packetId: string;
  packetHash: string;
  recipient: string;
  messageId: string;
  recordedBy: string | null;
}

/**
 * Claims the email filing of `claim`'s key: a new row `sending`, or a `failed` one taken up again
 * (same id and Message-ID, the packet version given now). Returns false when the key holds a row in
 * any other state (nothing changed).
 */
export async function claimEmail(db: Queryable, claim: EmailClaim): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO filings (id, incident_id, rule_id, jurisdiction, sequence, packet_id, packet_hash, channel,
       status, recipient, message_id, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'email', 'sending', $8, $9, $10)
     ON CONFLICT (incident_id, rule_id, jurisdiction, sequence) DO UPDATE
       SET packet_id = EXCLUDED.packet_id, packet_hash = EXCLUDED.packet_hash, channel = 'email',
           status = 'sending', recipient = EXCLUDED.recipient,
           message_id = coalesce(filings.message_id, EXCLUDED.message_id), recorded_by = EXCLUDED.recorded_by,
           committed_at = NULL, lease = NULL, uncertain = false, updated_at = now()
       WHERE filings.status = 'failed'`,
    [
      claim.id,
      claim.incidentId,
      claim.ruleId,
      claim.jurisdiction,
      claim.sequence,
      claim.packetId,
      claim.packetHash,
      claim.recipient,
      claim.messageId,
      claim.recordedBy,
    ],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * The commit point of an email (core/mail/smtp-pool.ts `beforeCommit`): the relay holds the whole
 * message. Recorded, with the message itself and its hash, for the attempt holding `lease`, only
 * while the filing is `sending` and nobody passed the point before; returns whether it was.
 */
export async function markCommitted(
  db: Queryable,
  id: string,
  lease: string,
  message: { raw: Buffer; sha256: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE filings SET committed_at = now(), lease = $2, message = $3, message_sha256 = $4,
       attempts = attempts + 1, updated_at = now()
     WHERE id = $1 AND status = 'sending' AND committed_at IS NULL`,
    [id, lease, message.raw, message.sha256],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * The relay accepted the message of the attempt holding `lease`: `sent`, its answer kept. Also
 * when a later attempt already marked it failed as uncertain (the answer came after all). Returns
 * whether it changed.
 */
export async function markSent(db: Queryable, id: string, lease: string, reply: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE filings SET status = 'sent', relay_response = $3, filed_at = now(), uncertain = false,
       updated_at = now()
     WHERE id = $1 AND lease = $2 AND committed_at IS NOT NULL
       AND (status = 'sending' OR (status = 'failed' AND uncertain))`,
    [id, lease, reply],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * The relay refused the message after holding it, temporarily (a 4xx after the final "."): it was
 * not taken, so the commit is undone and the next attempt may send it again.
 */
export async function undoCommit(db: Queryable, id: string, lease: string, reply: string): Promise<void> {
  await db.query(
    `UPDATE filings SET committed_at = NULL, lease = NULL, relay_response = $3, updated_at = now()
     WHERE id = $1 AND lease = $2 AND status = 'sending'`,
    [id, lease, reply],
  );
}

/**
 * A `sending` email failed: refused (`uncertain` false), or without an answer after the commit
 * point (`uncertain`: it may have arrived). Returns whether it changed.
 */
export async function markFailed(
  db: Queryable,
  id: string,
  outcome: { reply: string; uncertain: boolean },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE filings SET status = 'failed', relay_response = $2, uncertain = $3, updated_at = now()
     WHERE id = $1 AND status = 'sending'`,
    [id, outcome.reply, outcome.uncertain],
  );
  return (rowCount ?? 0) > 0;
}

/** A filing made by a person, with the authority's reference and its receipt. */
export interface RecordedFiling extends FilingKey {
  id: string;
  packetId: string;
  packetHash: string;
  channel: RecordedChannel;
  filedAt: Date;
  reference: string;
  recordedBy: string;
  receipt: { filename: string; contentType: string; content: Buffer; sha256: string };
}

/**
 * Records a filing made by a person: a new row, or one whose email failed (the person filed
 * another way). Returns false when the key already holds a filing in any other state.
 */
export async function record(db: Queryable, f: RecordedFiling): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO filings (id, incident_id, rule_id, jurisdiction, sequence, packet_id, packet_hash, channel,
       status, filed_at, reference, recorded_by, receipt, receipt_filename, receipt_content_type,
       receipt_sha256)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'recorded', $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (incident_id, rule_id, jurisdiction, sequence) DO UPDATE
       SET packet_id = EXCLUDED.packet_id, packet_hash = EXCLUDED.packet_hash, channel = EXCLUDED.channel,
           status = 'recorded', filed_at = EXCLUDED.filed_at, reference = EXCLUDED.reference,
           recorded_by = EXCLUDED.recorded_by, receipt = EXCLUDED.receipt,
           receipt_filename = EXCLUDED.receipt_filename, receipt_content_type = EXCLUDED.receipt_content_type,
           receipt_sha256 = EXCLUDED.receipt_sha256, updated_at = now()
       WHERE filings.status = 'failed'`,
    [
      f.id,
      f.incidentId,
      f.ruleId,
      f.jurisdiction,
      f.sequence,
      f.packetId,
      f.packetHash,
      f.channel,
      f.filedAt,
      f.reference,
      f.recordedBy,
      f.receipt.content,
      f.receipt.filename,
      f.receipt.contentType,
      f.receipt.sha256,
    ],
  );
  return (rowCount ?? 0) > 0;
}

/** A stored receipt, as uploaded. */
export interface Receipt {
  filename: string;
  contentType: string;
  content: Buffer;
  sha256: string;
}

/** The receipt of a recorded filing of the incident; null when there is none. */
export async function receipt(db: Queryable, incidentId: string, id: string): Promise<Receipt | null> {
  const { rows } = await db.query<Receipt>(
    `SELECT receipt_filename AS filename, receipt_content_type AS "contentType", receipt AS content,
       receipt_sha256 AS sha256
     FROM filings WHERE id = $1 AND incident_id = $2 AND receipt IS NOT NULL`,
    [id, incidentId],
  );
  return rows[0] ?? null;
}

/** The message of an email filing exactly as handed to the relay; null before the commit point. */
export async function message(db: Queryable, id: string): Promise<Buffer | null> {
  const { rows } = await db.query<{ message: Buffer | null }>(`SELECT message FROM filings WHERE id = $1`, [
    id,
  ]);
  return rows[0]?.message ?? null;
}
