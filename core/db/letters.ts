import type { LetterBatchStatus, LetterStatus, PostalAddress } from '../domain/model';
import type { Recipient } from './affected';
import { NOTICE_PERSON_COLUMNS } from './affected';
import type { Queryable } from './pool';

/*
 * Printed letters (migration 016): batches for the mail house, one letter per person and approved
 * notice (unique, claimed before anything is rendered), the files each batch was rendered into, and
 * the letters' effect on the person's record (posted: notified; returned: no lawful channel left).
 */

export interface LetterBatch {
  id: string;
  incidentId: string;
  noticeId: string;
  key: string;
  status: LetterBatchStatus;
  letterDate: Date;
  letters: number;
  files: number;
  manifestSha256: string | null;
  createdAt: Date;
  readyAt: Date | null;
}

const BATCH_COLUMNS = `b.id, b.incident_id AS "incidentId", b.notice_id AS "noticeId", b.batch_key AS key,
  b.status, b.letter_date AS "letterDate", b.letters, b.files, b.manifest_sha256 AS "manifestSha256",
  b.created_at AS "createdAt", b.ready_at AS "readyAt"`;

export async function getBatch(db: Queryable, batchId: string): Promise<LetterBatch | null> {
  const { rows } = await db.query<LetterBatch>(
    `SELECT ${BATCH_COLUMNS} FROM letter_batches b WHERE b.id = $1`,
    [batchId],
  );
  return rows[0] ?? null;
}

/** The batch an incident opened under `key`, locked until the transaction ends; null when none. */
export async function lockBatchByKey(
  db: Queryable,
  incidentId: string,
  key: string,
): Promise<LetterBatch | null> {
  const { rows } = await db.query<LetterBatch>(
    `SELECT ${BATCH_COLUMNS} FROM letter_batches b WHERE b.incident_id = $1 AND b.batch_key = $2 FOR UPDATE`,
    [incidentId, key],
  );
  return rows[0] ?? null;
}

/** Creates a batch row (no letters yet). */
export async function insertBatch(
  db: Queryable,
  batch: { incidentId: string; noticeId: string; key: string },
): Promise<LetterBatch> {
  const { rows } = await db.query<LetterBatch>(
    `INSERT INTO letter_batches AS b (incident_id, notice_id, batch_key) VALUES ($1, $2, $3)
     RETURNING ${BATCH_COLUMNS}`,
    [batch.incidentId, batch.noticeId, batch.key],
  );
  return rows[0]!;
}

/**
 * Claims a letter, in `batchId`, for everyone of the incident who is to receive one and has none
 * for `noticeId` yet: their channel includes a letter, an address is on their record, and they are
 * still waiting (`pending`), or their channel asks for email AND letter (the letter goes whatever
 * became of the email). Files of `perFile` letters in customer order. One statement for the whole
 * incident (set-based: a million rows in seconds, where pages would take minutes); the unique
 * (incident, customer, notice) makes a concurrent batch skip whoever this one took. Returns the
 * number of letters and of files. Call it inside a transaction (its memory setting is local to one).
 */
export async function claimLetters(
  db: Queryable,
  batch: { id: string; incidentId: string; noticeId: string },
  perFile: number,
): Promise<{ letters: number; files: number }> {
  // The claim sorts the incident's letter recipients once: in memory rather than on disk.
  await db.query(`SET LOCAL work_mem = '128MB'`);
  const { rows } = await db.query<{ letters: number; files: number }>(
    `WITH claimed AS (
       INSERT INTO letters (incident_id, customer_id, notice_id, batch_id, file_no, address)
       SELECT $1, a.customer_id, $2, $3, ((row_number() OVER (ORDER BY a.customer_id) - 1) / $4 + 1)::int, a.postal_address
       FROM affected_customers a
       WHERE a.incident_id = $1
         AND a.channel IN ('letter', 'email_and_letter')
         AND a.postal_address IS NOT NULL
         AND (a.status = 'pending' OR (a.channel = 'email_and_letter' AND a.status IN ('notified', 'undeliverable')))
         AND NOT EXISTS (SELECT 1 FROM letters l
                         WHERE l.incident_id = a.incident_id AND l.customer_id = a.customer_id AND l.notice_id = $2)
       ORDER BY a.customer_id
       ON CONFLICT ON CONSTRAINT letters_once DO NOTHING
       RETURNING file_no
     )
     SELECT count(*)::int AS letters, coalesce(max(file_no), 0)::int AS files FROM claimed`,
    [batch.incidentId, batch.noticeId, batch.id, perFile],
  );
  return rows[0]!;
}

export async function setBatchCounts(
  db: Queryable,
  batchId: string,
  counts: { letters: number; files: number },
): Promise<void> {
  await db.query(`UPDATE letter_batches SET letters = $2, files = $3 WHERE id = $1`, [
    batchId,
    counts.letters,
    counts.files,
  ]);
}

export async function deleteBatch(db: Queryable, batchId: string): Promise<void> {
  await db.query(`DELETE FROM letter_batches WHERE id = $1`, [batchId]);
}

/** A letter to print: the person as their notice sees them, and the address claimed with the letter. */
export interface LetterRecipient extends Recipient {
  letterId: number;
  letterAddress: PostalAddress;
}

/**
 * The next page of one file's letters, in print order (customer id), after `after` (keyset), with
 * each person's frozen recipient values.
 */
export async function fileLetters(
  db: Queryable,
  batchId: string,
  fileNo: number,
  page: { after: number; limit: number },
): Promise<LetterRecipient[]> {
  const { rows } = await db.query<LetterRecipient>(
    `SELECT l.id AS "letterId", l.address AS "letterAddress", ${NOTICE_PERSON_COLUMNS},
            NULL::bigint AS "deliveryId", NULL::text AS "deliveryStatus", 0 AS attempts
     FROM letters l JOIN affected_customers a ON a.incident_id = l.incident_id AND a.customer_id = l.customer_id
     WHERE l.batch_id = $1 AND l.file_no = $2 AND l.customer_id > $3
     ORDER BY l.customer_id LIMIT $4`,
    [batchId, fileNo, page.after, page.limit],
  );
  return rows;
}

export interface LetterFileRow {
  batchId: string;
  fileNo: number;
  name: string;
  letters: number;
  pages: number;
  bytes: number;
  sha256: string;
  renderedAt: Date;
}

const FILE_COLUMNS = `batch_id AS "batchId", file_no AS "fileNo", name, letters, pages, bytes::float8 AS bytes,
  sha256, rendered_at AS "renderedAt"`;

export async function getFile(db: Queryable, batchId: string, fileNo: number): Promise<LetterFileRow | null> {
  const { rows } = await db.query<LetterFileRow>(
    `SELECT ${FILE_COLUMNS} FROM letter_files WHERE batch_id = $1 AND file_no = $2`,
    [batchId, fileNo],
  );
  return rows[0] ?? null;
}

export async function listFiles(db: Queryable, batchId: string): Promise<LetterFileRow[]> {
  const { rows } = await db.query<LetterFileRow>(
    `SELECT ${FILE_COLUMNS} FROM letter_files WHERE batch_id = $1 ORDER BY file_no`,
    [batchId],
  );
  return rows;
}

/** The files of all an incident's batches, in batch then file order. */
export async function listFilesOfIncident(db: Queryable, incidentId: string): Promise<LetterFileRow[]> {
  const { rows } = await db.query<LetterFileRow>(
    `SELECT ${FILE_COLUMNS} FROM letter_files
     WHERE batch_id IN (SELECT id FROM letter_batches WHERE incident_id = $1) ORDER BY batch_id, file_no`,
    [incidentId],
  );
  return rows;
}

/**
 * Records a file written under its final name, and each of its letters as rendered with its pages
 * and the hash of what it says. Written again identically by a retry that rendered it again.
 */
export async function recordFile(
  db: Queryable,
  file: Omit<LetterFileRow, 'renderedAt'>,
  letters: { id: number; firstPage: number; pages: number; contentHash: string }[],
): Promise<void> {
  await db.query(
    `UPDATE letters l SET status = 'rendered', pages = r.pages, first_page = r.first_page, content_hash = r.hash
     FROM unnest($2::bigint[], $3::int[], $4::int[], $5::text[]) AS r(id, first_page, pages, hash)
     WHERE l.id = r.id AND l.batch_id = $1 AND l.status IN ('queued', 'rendered')`,
    [
      file.batchId,
      letters.map((l) => l.id),
      letters.map((l) => l.firstPage),
      letters.map((l) => l.pages),
      letters.map((l) => l.contentHash),
    ],
  );
  await db.query(
    `INSERT INTO letter_files (batch_id, file_no, name, letters, pages, bytes, sha256) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (batch_id, file_no) DO UPDATE SET name = excluded.name, letters = excluded.letters,
       pages = excluded.pages, bytes = excluded.bytes, sha256 = excluded.sha256, rendered_at = now()`,
    [file.batchId, file.fileNo, file.name, file.letters, file.pages, file.bytes, file.sha256],
  );
}

/** One line of a batch's manifest. */
export interface ManifestRow {
  fileNo: number;
  customerId: number;
  referenceCode: string;
  fullName: string;
  customerStatus: string;
  representativeName: string | null;
  address: PostalAddress;
  pages: number;
  firstPage: number;
  file: string;
}

/** The next page of a batch's manifest, in file then print order, after the keyset (file, customer). */
export async function manifestPage(
  db: Queryable,
  batchId: string,
  page: { afterFile: number; afterCustomer: number; limit: number },
): Promise<ManifestRow[]> {
  const { rows } = await db.query<ManifestRow>(
    `SELECT l.file_no AS "fileNo", l.customer_id AS "customerId", a.reference_code AS "referenceCode",
            a.full_name AS "fullName", a.customer_status AS "customerStatus",
            a.representative_name AS "representativeName", l.address, l.pages, l.first_page AS "firstPage", f.name AS file
     FROM letters l
     JOIN affected_customers a ON a.incident_id = l.incident_id AND a.customer_id = l.customer_id
     JOIN letter_files f ON f.batch_id = l.batch_id AND f.file_no = l.file_no
     WHERE l.batch_id = $1 AND (l.file_no, l.customer_id) > ($2, $3)
     ORDER BY l.file_no, l.customer_id LIMIT $4`,
    [batchId, page.afterFile, page.afterCustomer, page.limit],
  );
  return rows;
}

/** Marks a batch ready for the mail house, with its manifest's hash. */
export async function markReady(db: Queryable, batchId: string, manifestSha256: string): Promise<void> {
  await db.query(
    `UPDATE letter_batches SET status = 'ready', manifest_sha256 = $2, ready_at = coalesce(ready_at, now())
     WHERE id = $1 AND status = 'rendering'`,
    [batchId, manifestSha256],
  );
}

export interface LetterBatchSummary extends LetterBatch {
  counts: Record<LetterStatus, number>;
}

/** An incident's batches, newest first, with their letters counted by status. */
export async function listBatches(db: Queryable, incidentId: string): Promise<LetterBatchSummary[]> {
  const { rows } = await db.query<LetterBatch & Record<LetterStatus, number>>(
    `SELECT ${BATCH_COLUMNS},
            count(l.id) FILTER (WHERE l.status = 'queued')::int AS queued,
            count(l.id) FILTER (WHERE l.status = 'rendered')::int AS rendered,
            count(l.id) FILTER (WHERE l.status = 'posted')::int AS posted,
            count(l.id) FILTER (WHERE l.status = 'returned')::int AS returned
     FROM letter_batches b LEFT JOIN letters l ON l.batch_id = b.id
     WHERE b.incident_id = $1 GROUP BY b.id ORDER BY b.created_at DESC, b.id`,
    [incidentId],
  );
  return rows.map(({ queued, rendered, posted, returned, ...batch }) => ({
    ...batch,
    counts: { queued, rendered, posted, returned },
  }));
}

/** A letter as posting and returns see it. */
export interface LetterRef {
  id: number;
  customerId: number;
  batchId: string;
  batchStatus: LetterBatchStatus;
  referenceCode: string;
  status: LetterStatus;
}

/**
 * The incident's letters for these reference codes (the latest letter of each person), locked
 * until the transaction ends. Codes with no letter are absent.
 */
export async function lockByReferences(
  db: Queryable,
  incidentId: string,
  references: string[],
): Promise<LetterRef[]> {
  const { rows } = await db.query<LetterRef>(
    `SELECT l.id, l.customer_id AS "customerId", l.batch_id AS "batchId", b.status AS "batchStatus",
            a.reference_code AS "referenceCode", l.status
     FROM affected_customers a
     JOIN letters l ON l.incident_id = a.incident_id AND l.customer_id = a.customer_id
     JOIN letter_batches b ON b.id = l.batch_id
     WHERE a.incident_id = $1 AND a.reference_code = ANY($2::text[])
       -- A person's latest letter (a notice revised after a letter went is a second letter).
       AND l.id = (SELECT max(o.id) FROM letters o WHERE o.incident_id = l.incident_id AND o.customer_id = l.customer_id)
     FOR UPDATE OF l`,
    [incidentId, references],
  );
  return rows;
}

/**
 * Every letter of a batch still waiting to be posted (`rendered`) posted on one date, and their
 * people notified if they were still waiting (what `markPosted` and `markPeopleNotified` do for a
 * list), in one statement however large the batch: only the counts come back.
 */
export async function postBatch(
  db: Queryable,
  batchId: string,
  postedOn: string,
): Promise<{ posted: number; notified: number }> {
  const { rows } = await db.query<{ posted: number; notified: number }>(
    `WITH p AS (
       UPDATE letters SET status = 'posted', posted_on = $2 WHERE batch_id = $1 AND status = 'rendered'
       RETURNING incident_id, customer_id
     ),
     n AS (
       UPDATE affected_customers a SET status = 'notified' FROM p
       WHERE a.incident_id = p.incident_id AND a.customer_id = p.customer_id AND a.status = 'pending'
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM p)::int AS posted, (SELECT count(*) FROM n)::int AS notified`,
    [batchId, postedOn],
  );
  return rows[0]!;
}

/** Marks letters posted on a date (each its own date). */
export async function markPosted(db: Queryable, posted: { id: number; postedOn: string }[]): Promise<void> {
  if (posted.length === 0) return;
  await db.query(
    `UPDATE letters l SET status = 'posted', posted_on = p.posted_on
     FROM unnest($1::bigint[], $2::date[]) AS p(id, posted_on) WHERE l.id = p.id`,
    [posted.map((p) => p.id), posted.map((p) => p.postedOn)],
  );
}

/** Marks letters returned by the post, with the mail house's reason. */
export async function markReturned(db: Queryable, returned: { id: number; reason: string }[]): Promise<void> {
  if (returned.length === 0) return;
  await db.query(
    `UPDATE letters l SET status = 'returned', return_reason = r.reason, returned_at = now()
     FROM unnest($1::bigint[], $2::text[]) AS r(id, reason) WHERE l.id = r.id`,
    [returned.map((r) => r.id), returned.map((r) => r.reason)],
  );
}

/** Batches whose every letter is posted or returned become `posted`. */
export async function settleBatches(db: Queryable, batchIds: string[]): Promise<void> {
  await db.query(
    `UPDATE letter_batches b SET status = 'posted'
     WHERE b.id = ANY($1::uuid[]) AND b.status = 'ready'
       AND NOT EXISTS (SELECT 1 FROM letters l WHERE l.batch_id = b.id AND l.status IN ('queued', 'rendered'))`,
    [[...new Set(batchIds)]],
  );
}

/** People whose letter was posted: notified, if they were still waiting. Returns how many changed. */
export async function markPeopleNotified(
  db: Queryable,
  incidentId: string,
  customerIds: number[],
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE affected_customers SET status = 'notified'
     WHERE incident_id = $1 AND customer_id = ANY($2::bigint[]) AND status = 'pending'`,
    [incidentId, customerIds],
  );
  return rowCount ?? 0;
}

/**
 * People whose letter came back: unreachable by post, with no lawful channel left (`none`: substitute
 * notice, reason `letter_returned`); the mail house's own reason is kept on the letter.
 */
export async function markPeopleUnreachableByPost(
  db: Queryable,
  incidentId: string,
  customerIds: number[],
): Promise<void> {
  if (customerIds.length === 0) return;
  await db.query(
    `UPDATE affected_customers SET status = 'undeliverable', channel = 'none', channel_reason = 'letter_returned'
     WHERE incident_id = $1 AND customer_id = ANY($2::bigint[]) AND status <> 'merged'`,
    [incidentId, customerIds],
  );
}
