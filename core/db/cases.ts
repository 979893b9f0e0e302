import type { AffectedStatus, IncidentStatus } from '../domain/model';
import type { Recipient } from './affected';
import { FROZEN_RECIPIENT_COLUMNS, NOTICE_PERSON_COLUMNS } from './affected';
import type { Queryable } from './pool';
import { REMEDIATION_COLUMN_SQL } from './remediation-codes';

/**
 * A customer's case: one affected customer in one incident, as the customer's page and the support
 * lookup show it. It carries everything `noticeInputBuilder` needs (it extends `Recipient`), so the
 * notice can be rendered again from the approved template snapshot exactly as it was sent.
 */
export interface CaseRow extends Recipient {
  incidentId: string;
  incidentTitle: string;
  incidentStatus: IncidentStatus;
  externalId: string;
  /** pending | notified | undeliverable | manual. */
  caseStatus: AffectedStatus;
  acknowledgedAt: Date | null;
  identifiedAt: Date;
  /** When the page link stops working (set when the notice is first sent; null until then). */
  pageExpiresAt: Date | null;
  /**
   * The notice this customer was sent (their delivery's), else the incident's latest approved
   * notice (e.g. for manual handling); null while nothing is approved.
   */
  noticeId: string | null;
  /** The address the notice went to (the representative's for a deceased customer). */
  sentTo: string | null;
  sentAt: Date | null;
  lastReply: string | null;
  /** The copy of the sent notice (core/delivery/sent-copy.ts): null until it reached the commit point. */
  contentHash: string | null;
  sendContext: string | null;
  /**
   * The person's other records in this incident, merged into this case's notice (same person key,
   * or same email address and name): each with its own reference code, which support may be quoted too.
   */
  mergedRecords: MergedRecord[];
}

export interface MergedRecord {
  customerId: number;
  externalId: string;
  referenceCode: string;
  categories: string[];
}

// The recipient is as frozen on the case (what the notice used), not as the inventory has it now.
const CASE_COLUMNS = `a.incident_id AS "incidentId", i.title AS "incidentTitle", i.status AS "incidentStatus",
  a.customer_id AS "customerId", c.external_id AS "externalId", ${FROZEN_RECIPIENT_COLUMNS}, a.jurisdiction,
  a.notice_jurisdictions AS "noticeJurisdictions", a.categories,
  a.masked_identifiers AS "maskedIdentifiers", a.reference_code AS "referenceCode", a.page_seed AS "pageSeed",
  a.page_token_hash AS "pageTokenHash", a.page_expires_at AS "pageExpiresAt",
  a.status AS "caseStatus", a.acknowledged_at AS "acknowledgedAt", a.identified_at AS "identifiedAt",
  d.id AS "deliveryId", d.status AS "deliveryStatus", coalesce(d.attempts, 0) AS attempts,
  d.recipient AS "sentTo", d.sent_at AS "sentAt", d.last_reply AS "lastReply",
  d.content_hash AS "contentHash", d.send_context AS "sendContext",
  coalesce(d.notice_id, n.id) AS "noticeId", mr.list AS "mergedRecords",
  -- The remediation code the notice carried (issue 17): the copy renders again as sent only with it.
  ${REMEDIATION_COLUMN_SQL}`;

const CASE_JOINS = `JOIN customers c ON c.id = a.customer_id
  JOIN incidents i ON i.id = a.incident_id
  LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
  LEFT JOIN LATERAL (
    SELECT id FROM notices
    WHERE incident_id = a.incident_id AND audience = 'individuals' AND status = 'approved'
    ORDER BY version DESC LIMIT 1
  ) n ON true
  LEFT JOIN LATERAL (
    SELECT coalesce(json_agg(json_build_object('customerId', m.customer_id, 'externalId', mc.external_id,
             'referenceCode', m.reference_code, 'categories', m.categories) ORDER BY m.customer_id), '[]') AS list
    FROM affected_customers m JOIN customers mc ON mc.id = m.customer_id
    WHERE m.incident_id = a.incident_id AND m.merged_into = a.customer_id
  ) mr ON true`;

/**
 * The case a record belongs to: its own, or for a record merged into another's notice, the
 * recipient's: support always lands on the notice actually sent. `hits` selects incident_id and
 * customer_id of matching records; the result has each case once.
 */
const resolved = (hits: string) => `(a.incident_id, a.customer_id) IN (
    SELECT h.incident_id, coalesce(h.merged_into, h.customer_id) FROM affected_customers h WHERE ${hits})`;

/**
 * What the customer page needs of a person, by their token's hash: the frozen recipient, the page's
 * own state, the copy of the notice they were sent and its template version. A case without the
 * support lookup's extras (incident title, merged records), so one read serves a page.
 */
export interface PageRow extends Recipient {
  incidentId: string;
  pageExpiresAt: Date | null;
  acknowledgedAt: Date | null;
  /** When they asked on the page not to be reminded (migration 028); null: they did not. */
  remindersOptedOutAt: Date | null;
  /** The notice sent (their delivery's), else the incident's latest approved one; null: none yet. */
  noticeId: string | null;
  /** That notice's template snapshot version; null with `noticeId`. */
  templateVersion: string | null;
  /** The copy of the sent notice (core/delivery/sent-copy.ts): null until it reached the commit point. */
  contentHash: string | null;
  sendContext: string | null;
  /** The questions this person asked on their page (migration 026), oldest first; [] for none. */
  questions: PageQuestion[];
}

/** A question as its asker's page shows it: their own words, and where the answer stands. */
export interface PageQuestion {
  id: string;
  body: string;
  /** An instant as PostgreSQL writes it in JSON. */
  askedAt: string;
  /** open | sending | answered | failed | closed (core/domain/questions.ts). */
  status: string;
  /** Shown once the answer was sent or recorded (null before). */
  answer: string | null;
  answeredAt: string | null;
  /** email | phone | post; null while open. */
  channel: string | null;
}

/**
 * The page behind a token's hash, or null: one statement, an index probe on page_token_hash (a
 * unique index) and unique-key probes for the delivery and its notice (the incident's latest
 * approved notice only for someone not sent one). Every token, right or wrong,
 * of any shape, costs this one read, so no shape of link answers faster than another. The same path
 * serves tokens computed from a record's random value and the raw tokens migration 013 hashed.
 */
export async function findPageByTokenHash(db: Queryable, hash: string): Promise<PageRow | null> {
  // Named, so each connection parses and plans it once: under a burst this is most of the API's reads.
  const { rows } = await db.query<PageRow>({
    name: 'customer-page-by-token-hash',
    text: `SELECT a.incident_id AS "incidentId", ${NOTICE_PERSON_COLUMNS}, a.page_expires_at AS "pageExpiresAt",
       a.acknowledged_at AS "acknowledgedAt", a.reminders_opted_out_at AS "remindersOptedOutAt",
       d.id AS "deliveryId", d.status AS "deliveryStatus",
       coalesce(d.attempts, 0) AS attempts, d.content_hash AS "contentHash", d.send_context AS "sendContext",
       coalesce(ns.id, n.id) AS "noticeId", coalesce(ns.template_version, n.template_version) AS "templateVersion",
       qs.list AS questions
     FROM affected_customers a
     LEFT JOIN deliveries d ON d.incident_id = a.incident_id AND d.customer_id = a.customer_id
     LEFT JOIN notices ns ON ns.id = d.notice_id
     LEFT JOIN LATERAL (
       SELECT id, template_version FROM notices
       WHERE d.notice_id IS NULL AND incident_id = a.incident_id AND audience = 'individuals' AND status = 'approved'
       ORDER BY version DESC LIMIT 1
     ) n ON true
     LEFT JOIN LATERAL (
       SELECT coalesce(json_agg(json_build_object('id', q.id, 'body', q.body, 'askedAt', q.asked_at,
                'status', q.status, 'answer', CASE WHEN q.status IN ('answered', 'closed') THEN q.answer END,
                'answeredAt', q.answered_at, 'channel', q.answer_channel) ORDER BY q.asked_at, q.id), '[]') AS list
       FROM questions q WHERE q.incident_id = a.incident_id AND q.customer_id = a.customer_id
     ) qs ON true
     WHERE a.page_token_hash = $1`,
    values: [hash],
  });
  return rows[0] ?? null;
}

/** The case of one affected record (a question's), or null. */
export async function getCase(
  db: Queryable,
  incidentId: string,
  customerId: number,
): Promise<CaseRow | null> {
  const { rows } = await db.query<CaseRow>(
    `SELECT ${CASE_COLUMNS} FROM affected_customers a ${CASE_JOINS}
     WHERE a.incident_id = $1 AND a.customer_id = $2`,
    [incidentId, customerId],
  );
  return rows[0] ?? null;
}

/**
 * The case with this reference code (codes are unique), as a list for the support lookup. The code
 * of a merged record finds the case of the record whose notice covered it.
 */
export async function findByReference(db: Queryable, referenceCode: string): Promise<CaseRow[]> {
  const { rows } = await db.query<CaseRow>(
    `SELECT ${CASE_COLUMNS} FROM affected_customers a ${CASE_JOINS}
     WHERE ${resolved('h.reference_code = upper($1)')}`,
    [referenceCode],
  );
  return rows;
}

/**
 * Every case, across incidents and newest first, of the customers whose own address or whose
 * representative's address is `email` (case-insensitive). Records of one
 * person merged into one notice give that one case, once.
 */
export async function findByEmail(db: Queryable, email: string, limit: number): Promise<CaseRow[]> {
  const { rows } = await db.query<CaseRow>(
    `SELECT ${CASE_COLUMNS} FROM affected_customers a ${CASE_JOINS}
     WHERE ${resolved(`h.customer_id IN (
       SELECT id FROM customers WHERE lower(email) = lower($1)
       UNION
       SELECT id FROM customers WHERE lower(representative_email) = lower($1) AND representative_email IS NOT NULL
     )`)}
     ORDER BY a.identified_at DESC, a.incident_id, a.customer_id
     LIMIT $2`,
    [email, limit],
  );
  return rows;
}

/**
 * Records that each of these people has read their notice, in one statement. Only a first
 * acknowledgement writes: the result lists the records that were acknowledged now, with the instant
 * recorded; one acknowledged before is left as it was and not listed. Each row is locked alone (no
 * lock another person's acknowledgement waits for).
 */
export async function acknowledgeMany(
  db: Queryable,
  records: readonly { incidentId: string; customerId: number }[],
): Promise<{ incidentId: string; customerId: number; acknowledgedAt: Date }[]> {
  if (records.length === 0) return [];
  const { rows } = await db.query<{ incidentId: string; customerId: number; acknowledgedAt: Date }>(
    `UPDATE affected_customers a SET acknowledged_at = now()
     FROM unnest($1::uuid[], $2::bigint[]) AS r(incident_id, customer_id)
     WHERE a.incident_id = r.incident_id AND a.customer_id = r.customer_id AND a.acknowledged_at IS NULL
     RETURNING a.incident_id AS "incidentId", a.customer_id::int AS "customerId", a.acknowledged_at AS "acknowledgedAt"`,
    [records.map((r) => r.incidentId), records.map((r) => r.customerId)],
  );
  return rows;
}
