import type { AnswerChannel, QuestionStatus } from '../domain/questions';
import type { Queryable } from './pool';

/*
 * Questions customers ask on their page, and support's answers by email (migration 026). A question
 * belongs to one case — (incident, customer), the affected record whose reference code the page
 * shows — and to nobody else: every read here is by that case or by the question's id, never by
 * anything the customer typed. The answer's email follows a filing's (core/db/filings.ts): a lease,
 * a commit point, the message kept. The message blob is read only on request.
 */

export interface Question {
  id: string;
  incidentId: string;
  customerId: number;
  body: string;
  language: string;
  askedAt: Date;
  status: QuestionStatus;
  updatedAt: Date;
  answer: string | null;
  answeredBy: string | null;
  answeredByName: string | null;
  answerRequestedAt: Date | null;
  /** How it was answered; null while open. */
  answerChannel: AnswerChannel | null;
  /** The address the answer goes to: the one the notice went to. */
  recipient: string | null;
  messageId: string | null;
  attempts: number;
  committedAt: Date | null;
  messageSha256: string | null;
  relayResponse: string | null;
  uncertain: boolean;
  /** When the relay accepted the answer (by email), or when support recorded it (by phone or post). */
  answeredAt: Date | null;
}

const COLUMNS = `q.id, q.incident_id AS "incidentId", q.customer_id::int AS "customerId", q.body, q.language,
  q.asked_at AS "askedAt", q.status, q.updated_at AS "updatedAt", q.answer, q.answered_by AS "answeredBy",
  u.display_name AS "answeredByName", q.answer_requested_at AS "answerRequestedAt",
  q.answer_channel AS "answerChannel", q.recipient,
  q.message_id AS "messageId", q.attempts, q.committed_at AS "committedAt", q.message_sha256 AS "messageSha256",
  q.relay_response AS "relayResponse", q.uncertain, q.answered_at AS "answeredAt"`;

const FROM = `questions q LEFT JOIN users u ON u.id = q.answered_by`;

export async function get(db: Queryable, id: string): Promise<Question | null> {
  const { rows } = await db.query<Question>(`SELECT ${COLUMNS} FROM ${FROM} WHERE q.id = $1`, [id]);
  return rows[0] ?? null;
}

/** The question, locked until the transaction ends; null when there is none. */
export async function lock(db: Queryable, id: string): Promise<Question | null> {
  const { rows } = await db.query<Question>(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE q.id = $1 FOR UPDATE OF q`,
    [id],
  );
  return rows[0] ?? null;
}

/** The questions of these cases, oldest first (each case's in the order asked). */
export async function listForCases(
  db: Queryable,
  cases: readonly { incidentId: string; customerId: number }[],
): Promise<Question[]> {
  if (cases.length === 0) return [];
  const { rows } = await db.query<Question>(
    `SELECT ${COLUMNS} FROM ${FROM}
     WHERE (q.incident_id, q.customer_id) IN (
       SELECT * FROM unnest($1::uuid[], $2::bigint[]))
     ORDER BY q.asked_at, q.id`,
    [cases.map((c) => c.incidentId), cases.map((c) => c.customerId)],
  );
  return rows;
}

/** How many of the case's questions wait for an answer (open, or an answer that failed). */
export async function countWaiting(db: Queryable, incidentId: string, customerId: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM questions
     WHERE incident_id = $1 AND customer_id = $2 AND status IN ('open', 'failed')`,
    [incidentId, customerId],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Records a question for the case, once: the same text asked again (a double click, a reloaded
 * POST) finds the first. Returns the question and whether it was asked now.
 */
export async function ask(
  db: Queryable,
  q: { incidentId: string; customerId: number; body: string; bodySha256: string; language: string },
): Promise<{ id: string; askedAt: Date; created: boolean }> {
  const inserted = await db.query<{ id: string; askedAt: Date }>(
    `INSERT INTO questions (incident_id, customer_id, body, body_sha256, language)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (incident_id, customer_id, body_sha256) DO NOTHING
     RETURNING id, asked_at AS "askedAt"`,
    [q.incidentId, q.customerId, q.body, q.bodySha256, q.language],
  );
  if (inserted.rows[0]) return { ...inserted.rows[0], created: true };
  const { rows } = await db.query<{ id: string; askedAt: Date }>(
    `SELECT id, asked_at AS "askedAt" FROM questions WHERE incident_id = $1 AND customer_id = $2 AND body_sha256 = $3`,
    [q.incidentId, q.customerId, q.bodySha256],
  );
  return { ...rows[0]!, created: false };
}

/**
 * Claims the answer's email: an `open` question, or a `failed` one taken up again (same Message-ID;
 * the answer given now), becomes `sending`. Returns false when the question is in another state.
 */
export async function claimAnswer(
  db: Queryable,
  claim: { id: string; answer: string; answeredBy: string; recipient: string; messageId: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE questions SET status = 'sending', answer_channel = 'email', answer = $2, answered_by = $3, recipient = $4,
       message_id = coalesce(message_id, $5), answer_requested_at = now(), committed_at = NULL, lease = NULL,
       uncertain = false, updated_at = now()
     WHERE id = $1 AND status IN ('open', 'failed')`,
    [claim.id, claim.answer, claim.answeredBy, claim.recipient, claim.messageId],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Records an answer given by phone or post: an `open` or `failed` question becomes `closed`.
 * Returns false when it is in another state (sending, answered, closed).
 */
export async function close(
  db: Queryable,
  c: { id: string; answer: string; answeredBy: string; channel: 'phone' | 'post' },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE questions SET status = 'closed', answer_channel = $4, answer = $2, answered_by = $3,
       answer_requested_at = now(), answered_at = now(), updated_at = now()
     WHERE id = $1 AND status IN ('open', 'failed')`,
    [c.id, c.answer, c.answeredBy, c.channel],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * The commit point of the answer's email: the relay holds the whole message. Recorded, with the
 * message and its hash, for the attempt holding `lease`, only while `sending` and nobody passed the
 * point before; returns whether it was.
 */
export async function markCommitted(
  db: Queryable,
  id: string,
  lease: string,
  message: { raw: Buffer; sha256: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE questions SET committed_at = now(), lease = $2, message = $3, message_sha256 = $4,
       attempts = attempts + 1, updated_at = now()
     WHERE id = $1 AND status = 'sending' AND committed_at IS NULL`,
    [id, lease, message.raw, message.sha256],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * The relay accepted the message of the attempt holding `lease`: `answered`. Also when a later
 * attempt already marked it failed as uncertain (the answer came after all). Returns whether it changed.
 */
export async function markAnswered(
  db: Queryable,
  id: string,
  lease: string,
  reply: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE questions SET status = 'answered', relay_response = $3, answered_at = now(), uncertain = false,
       updated_at = now()
     WHERE id = $1 AND lease = $2 AND committed_at IS NOT NULL
       AND (status = 'sending' OR (status = 'failed' AND uncertain))`,
    [id, lease, reply],
  );
  return (rowCount ?? 0) > 0;
}

/** A temporary refusal after the relay held the message: not taken, so the next attempt may send. */
export async function undoCommit(db: Queryable, id: string, lease: string, reply: string): Promise<void> {
  await db.query(
    `UPDATE questions SET committed_at = NULL, lease = NULL, relay_response = $3, updated_at = now()
     WHERE id = $1 AND lease = $2 AND status = 'sending'`,
    [id, lease, reply],
  );
}

/** A `sending` answer failed: refused, or `uncertain` (it may have arrived). Returns whether it changed. */
export async function markFailed(
  db: Queryable,
  id: string,
  outcome: { reply: string; uncertain: boolean },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE questions SET status = 'failed', relay_response = $2, uncertain = $3, updated_at = now()
     WHERE id = $1 AND status = 'sending'`,
    [id, outcome.reply, outcome.uncertain],
  );
  return (rowCount ?? 0) > 0;
}

/** One event in a question's history: its audit entry (ids only in the detail), with who acted. */
export interface QuestionEvent {
  questionId: string;
  at: Date;
  /** A staff user's id, or `customer` / `system`. */
  actor: string;
  /** The staff member's name; null for the customer and the system. */
  actorName: string | null;
  action: string;
  detail: Record<string, unknown>;
}

/** The audit events of these questions, oldest first (index audit_events_question, migration 026). */
export async function history(db: Queryable, questionIds: readonly string[]): Promise<QuestionEvent[]> {
  if (questionIds.length === 0) return [];
  const { rows } = await db.query<QuestionEvent>(
    `SELECT e.detail ->> 'questionId' AS "questionId", e.at, e.actor, u.display_name AS "actorName", e.action,
       e.detail
     FROM audit_events e LEFT JOIN users u ON u.id::text = e.actor
     WHERE e.detail ? 'questionId' AND e.detail ->> 'questionId' = ANY($1::text[])
     ORDER BY e.at, e.id`,
    [questionIds],
  );
  return rows;
}

/** A question waiting for support, as the queue shows it: no words and no name, only where to look. */
export interface WaitingQuestion {
  id: string;
  incidentId: string;
  incidentTitle: string;
  /** The case's reference code: the lookup (audited) shows the question and the person. */
  referenceCode: string;
  askedAt: Date;
  /** open, or failed (an answer the relay refused, or that may have arrived: `uncertain`). */
  status: QuestionStatus;
  uncertain: boolean;
}

/** Questions waiting for an answer (open, or whose answer failed), oldest first (index questions_open). */
export async function listWaiting(db: Queryable, limit: number): Promise<WaitingQuestion[]> {
  const { rows } = await db.query<WaitingQuestion>(
    `SELECT q.id, q.incident_id AS "incidentId", i.title AS "incidentTitle", a.reference_code AS "referenceCode",
       q.asked_at AS "askedAt", q.status, q.uncertain
     FROM questions q
     JOIN affected_customers a ON a.incident_id = q.incident_id AND a.customer_id = q.customer_id
     JOIN incidents i ON i.id = q.incident_id
     WHERE q.status IN ('open', 'failed')
     ORDER BY q.asked_at, q.id
     LIMIT $1`,
    [limit],
  );
  return rows;
}
