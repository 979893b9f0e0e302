import type { ApprovalDecision } from '../domain/model';
import type { Queryable } from './pool';

/** A compliance decision as the API verified and recorded it (migration 009). */
export interface ApprovalDecisionRow {
  id: string;
  incidentId: string;
  noticeId: string;
  contentHash: string;
  decision: ApprovalDecision;
  comment: string | null;
  decidedBy: string;
  decidedAt: Date;
  consumedAt: Date | null;
}

const COLUMNS = `id, incident_id AS "incidentId", notice_id AS "noticeId", content_hash AS "contentHash",
  decision, comment, decided_by AS "decidedBy", decided_at AS "decidedAt", consumed_at AS "consumedAt"`;

/**
 * Records a person's decision on a notice. Deciding again before the workflow acted on the first
 * (an Update that did not get through) replaces it; after that, null: one decision per person.
 */
export async function record(
  db: Queryable,
  input: Omit<ApprovalDecisionRow, 'id' | 'decidedAt' | 'consumedAt'>,
): Promise<ApprovalDecisionRow | null> {
  const { rows } = await db.query<ApprovalDecisionRow>(
    `INSERT INTO approval_decisions (incident_id, notice_id, content_hash, decision, comment, decided_by)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (notice_id, decided_by) DO UPDATE
       SET content_hash = EXCLUDED.content_hash, decision = EXCLUDED.decision, comment = EXCLUDED.comment,
           decided_at = now()
       WHERE approval_decisions.consumed_at IS NULL
     RETURNING ${COLUMNS}`,
    [input.incidentId, input.noticeId, input.contentHash, input.decision, input.comment, input.decidedBy],
  );
  return rows[0] ?? null;
}

/** The decision, locked until the transaction ends so that it is consumed once. */
export async function getForUpdate(db: Queryable, id: string): Promise<ApprovalDecisionRow | null> {
  // A forged id need not be a uuid: compare as text so it is "not found", not a type error.
  const { rows } = await db.query<ApprovalDecisionRow>(
    `SELECT ${COLUMNS} FROM approval_decisions WHERE id::text = $1 FOR UPDATE`,
    [id],
  );
  return rows[0] ?? null;
}

export async function consume(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE approval_decisions SET consumed_at = now() WHERE id = $1`, [id]);
}

/** The people whose approval of this notice has been acted on, in order. */
export async function approvers(db: Queryable, noticeId: string): Promise<string[]> {
  const { rows } = await db.query<{ decidedBy: string }>(
    `SELECT decided_by AS "decidedBy" FROM approval_decisions
     WHERE notice_id = $1 AND decision = 'approve' AND consumed_at IS NOT NULL ORDER BY consumed_at, id`,
    [noticeId],
  );
  return rows.map((r) => r.decidedBy);
}

/** The user's role if they are active, else null: a deactivated approver's decision no longer counts. */
export async function activeRoleOf(db: Queryable, userId: string): Promise<string | null> {
  const { rows } = await db.query<{ role: string }>(`SELECT role FROM users WHERE id::text = $1 AND active`, [
    userId,
  ]);
  return rows[0]?.role ?? null;
}
