import type { DeterminationFact, DeterminationKind, DeterminationStatus } from '../domain/determinations';
import type { Queryable } from './pool';

/** A determination as stored (migration 022): its scope, its reason and facts, and who decided what. */
export interface Determination {
  id: string;
  incidentId: string;
  kind: DeterminationKind;
  status: DeterminationStatus;
  /** Rule ids it covers; empty: every rule of `jurisdictions`. */
  ruleIds: string[];
  /** Jurisdictions it covers; both empty: the whole incident. */
  jurisdictions: string[];
  /** The obligations the proposer named, when the scope was derived from them. */
  obligationIds: string[];
  /** lead_supervisory_authority: the member state of the lead SA (GDPR Art. 56). */
  leadJurisdiction: string | null;
  /** law_enforcement_request: how the agency asked (an oral request holds HIPAA's clocks 30 days at most). */
  requestForm: 'written' | 'oral' | null;
  reason: string;
  /** The facts that support it, each a statement. */
  facts: string[];
  proposedBy: string;
  proposedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionComment: string | null;
  withdrawnBy: string | null;
  withdrawnAt: Date | null;
  withdrawalReason: string | null;
}

export type NewDetermination = Pick<
  Determination,
  | 'incidentId'
  | 'kind'
  | 'ruleIds'
  | 'jurisdictions'
  | 'obligationIds'
  | 'leadJurisdiction'
  | 'requestForm'
  | 'reason'
  | 'facts'
  | 'proposedBy'
>;

const COLUMNS = `id, incident_id AS "incidentId", kind, status, rule_ids AS "ruleIds", jurisdictions,
  obligation_ids::text[] AS "obligationIds", lead_jurisdiction AS "leadJurisdiction", request_form AS "requestForm", reason, facts,
  proposed_by AS "proposedBy", proposed_at AS "proposedAt", decided_by AS "decidedBy",
  decided_at AS "decidedAt", decision_comment AS "decisionComment", withdrawn_by AS "withdrawnBy",
  withdrawn_at AS "withdrawnAt", withdrawal_reason AS "withdrawalReason"`;

/**
 * The incident's approved determinations as the law engine reads them (core/law `assessObligations`
 * through the assessment's facts), oldest approval first.
 */
export async function approvedFacts(db: Queryable, incidentId: string): Promise<DeterminationFact[]> {
  const { rows } = await db.query<DeterminationFact>(
    `SELECT id, kind, rule_ids AS "ruleIds", jurisdictions, lead_jurisdiction AS "leadJurisdiction", reason,
       decided_at AS "approvedAt"
     FROM determinations WHERE incident_id = $1 AND status = 'approved'
     ORDER BY decided_at, id`,
    [incidentId],
  );
  return rows;
}

export async function insert(db: Queryable, input: NewDetermination): Promise<Determination> {
  const { rows } = await db.query<Determination>(
    `INSERT INTO determinations (incident_id, kind, rule_ids, jurisdictions, obligation_ids, lead_jurisdiction,
       request_form, reason, facts, proposed_by)
     VALUES ($1, $2, $3, $4, $5::uuid[], $6, $7, $8, $9, $10)
     RETURNING ${COLUMNS}`,
    [
      input.incidentId,
      input.kind,
      input.ruleIds,
      input.jurisdictions,
      input.obligationIds,
      input.leadJurisdiction,
      input.requestForm,
      input.reason,
      input.facts,
      input.proposedBy,
    ],
  );
  return rows[0]!;
}

/** A determination with the display names of the people who proposed, decided and withdrew it. */
export interface DeterminationView extends Determination {
  proposedByName: string;
  decidedByName: string | null;
  withdrawnByName: string | null;
}

/** Every determination of the incident, newest first, with the people's names. */
export async function listForIncident(db: Queryable, incidentId: string): Promise<DeterminationView[]> {
  const name = (column: string) => `(SELECT display_name FROM users u WHERE u.id = d.${column})`;
  const { rows } = await db.query<DeterminationView>(
    `SELECT ${COLUMNS}, ${name('proposed_by')} AS "proposedByName", ${name('decided_by')} AS "decidedByName",
       ${name('withdrawn_by')} AS "withdrawnByName"
     FROM determinations d WHERE incident_id = $1 ORDER BY proposed_at DESC, id`,
    [incidentId],
  );
  return rows;
}

/** One determination, locked until the transaction ends so that it is decided or withdrawn once. */
export async function getForUpdate(db: Queryable, id: string): Promise<Determination | null> {
  const { rows } = await db.query<Determination>(
    `SELECT ${COLUMNS} FROM determinations WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0] ?? null;
}

/** Records the second person's decision on a proposed determination; null when it is no longer proposed. */
export async function decide(
  db: Queryable,
  id: string,
  input: { status: 'approved' | 'rejected'; decidedBy: string; comment: string | null },
): Promise<Determination | null> {
  const { rows } = await db.query<Determination>(
    `UPDATE determinations SET status = $2, decided_by = $3, decided_at = now(), decision_comment = $4
     WHERE id = $1 AND status = 'proposed'
     RETURNING ${COLUMNS}`,
    [id, input.status, input.decidedBy, input.comment],
  );
  return rows[0] ?? null;
}

/** Withdraws a proposed or approved determination; null when it is neither. */
export async function withdraw(
  db: Queryable,
  id: string,
  input: { withdrawnBy: string; reason: string },
): Promise<Determination | null> {
  const { rows } = await db.query<Determination>(
    `UPDATE determinations SET status = 'withdrawn', withdrawn_by = $2, withdrawn_at = now(),
       withdrawal_reason = $3
     WHERE id = $1 AND status IN ('proposed', 'approved')
     RETURNING ${COLUMNS}`,
    [id, input.withdrawnBy, input.reason],
  );
  return rows[0] ?? null;
}
