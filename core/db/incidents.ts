import type { DataCategory } from '../domain/categories';
import type { IncidentStatus } from '../domain/model';
import { asDomainError } from './pool';
import type { Queryable } from './pool';

export interface NewIncident {
  id: string;
  title: string;
  description: string;
  discoveredAt: Date;
  occurredFrom: Date | null;
  occurredTo: Date | null;
  systems: string[];
  dataCategories: DataCategory[];
  encrypted: boolean;
  keyCompromised: boolean;
  customerExternalIds: string[] | null;
  openedBy: string;
  idempotencyKey: string | null;
  workflowId: string;
}

export interface Incident extends Omit<NewIncident, 'idempotencyKey'> {
  status: IncidentStatus;
  rulesVersion: string | null;
  materialityDeterminedAt: Date | null;
  /** When an extortion payment was made in connection with the incident (23 NYCRR 500.17(c)); null if none is recorded. */
  extortionPaidAt: Date | null;
  openedByName: string;
  /** When its workflow was first started; null while Temporal could not be reached. */
  workflowStartedAt: Date | null;
  /** When it was withdrawn (a false alarm, a duplicate: an approved `incident_withdrawal` determination). */
  withdrawnAt: Date | null;
  /** Which version of its facts this is: 1 as opened, one more with each amendment (migration 030). */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface IncidentCounts {
  /** People affected: notified + failed + pending + manual. Records merged into another's notice are `merged`. */
  affected: number;
  notified: number;
  failed: number;
  pending: number;
  manual: number;
  merged: number;
}

const COLUMNS = `i.id, i.title, i.description, i.discovered_at AS "discoveredAt", i.occurred_from AS "occurredFrom",
  i.occurred_to AS "occurredTo", i.systems, i.data_categories AS "dataCategories", i.encrypted,
  i.key_compromised AS "keyCompromised", i.customer_external_ids AS "customerExternalIds", i.status,
  i.rules_version AS "rulesVersion", i.materiality_determined_at AS "materialityDeterminedAt",
  i.extortion_paid_at AS "extortionPaidAt", i.opened_by AS "openedBy", u.display_name AS "openedByName", i.workflow_id AS "workflowId",
  i.workflow_started_at AS "workflowStartedAt", i.withdrawn_at AS "withdrawnAt", i.version, i.created_at AS "createdAt", i.updated_at AS "updatedAt"`;

/** Throws DuplicateKeyError (constraint `incidents_idempotency_key_key`) when the key was used already. */
export async function insert(db: Queryable, incident: NewIncident): Promise<void> {
  await db
    .query(
      `INSERT INTO incidents (id, title, description, discovered_at, occurred_from, occurred_to, systems,
       data_categories, encrypted, key_compromised, customer_external_ids, opened_by, idempotency_key, workflow_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        incident.id,
        incident.title,
        incident.description,
        incident.discoveredAt,
        incident.occurredFrom,
        incident.occurredTo,
        incident.systems,
        incident.dataCategories,
        incident.encrypted,
        incident.keyCompromised,
        incident.customerExternalIds,
        incident.openedBy,
        incident.idempotencyKey,
        incident.workflowId,
      ],
    )
    .catch((err: unknown) => {
      throw asDomainError(err);
    });
}

/** Records that the incident's workflow has been started (the first time only); true if this call did. */
export async function markWorkflowStarted(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE incidents SET workflow_started_at = now() WHERE id = $1 AND workflow_started_at IS NULL`,
    [id],
  );
  return (rowCount ?? 0) > 0;
}

/** Incidents recorded at least `olderThanSeconds` ago whose workflow has not been started, oldest first. */
export async function listUnstarted(
  db: Queryable,
  olderThanSeconds: number,
  limit = 100,
): Promise<{ id: string; openedBy: string }[]> {
  const { rows } = await db.query<{ id: string; openedBy: string }>(
    `SELECT id, opened_by AS "openedBy" FROM incidents
     WHERE workflow_started_at IS NULL AND created_at <= now() - make_interval(secs => $1)
     ORDER BY created_at LIMIT $2`,
    [olderThanSeconds, limit],
  );
  return rows;
}

export async function get(db: Queryable, id: string): Promise<Incident | null> {
  const { rows } = await db.query<Incident>(
    `SELECT ${COLUMNS} FROM incidents i JOIN users u ON u.id = i.opened_by WHERE i.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

export async function findByIdempotencyKey(db: Queryable, key: string): Promise<Incident | null> {
  const { rows } = await db.query<Incident>(
    `SELECT ${COLUMNS} FROM incidents i JOIN users u ON u.id = i.opened_by WHERE i.idempotency_key = $1`,
    [key],
  );
  return rows[0] ?? null;
}

export async function list(db: Queryable, limit: number, offset: number): Promise<Incident[]> {
  const { rows } = await db.query<Incident>(
    `SELECT ${COLUMNS} FROM incidents i JOIN users u ON u.id = i.opened_by
     ORDER BY i.created_at DESC, i.id LIMIT $1 OFFSET $2`,
    [limit, offset],
  );
  return rows;
}

export async function counts(db: Queryable, ids: string[]): Promise<Map<string, IncidentCounts>> {
  const { rows } = await db.query<IncidentCounts & { incidentId: string }>(
    `SELECT incident_id AS "incidentId", count(*) FILTER (WHERE status <> 'merged')::int AS affected,
       count(*) FILTER (WHERE status = 'notified')::int AS notified,
       count(*) FILTER (WHERE status = 'undeliverable')::int AS failed,
       count(*) FILTER (WHERE status = 'pending')::int AS pending,
       count(*) FILTER (WHERE status = 'manual')::int AS manual,
       count(*) FILTER (WHERE status = 'merged')::int AS merged
     FROM affected_customers WHERE incident_id = ANY($1::uuid[]) GROUP BY incident_id`,
    [ids],
  );
  const byId = new Map(rows.map(({ incidentId, ...c }) => [incidentId, c]));
  for (const id of ids)
    if (!byId.has(id))
      byId.set(id, { affected: 0, notified: 0, failed: 0, pending: 0, manual: 0, merged: 0 });
  return byId;
}

/** Sets the incident's phase; returns the phase it had (null: no such incident), for the audit entry. */
export async function setStatus(
  db: Queryable,
  id: string,
  status: IncidentStatus,
): Promise<IncidentStatus | null> {
  // The old value comes from the row this statement locks, so it is the value it overwrote.
  const { rows } = await db.query<{ before: IncidentStatus }>(
    `UPDATE incidents i SET status = $2, updated_at = now()
     FROM (SELECT id, status FROM incidents WHERE id = $1 FOR UPDATE) old
     WHERE i.id = old.id RETURNING old.status AS before`,
    [id, status],
  );
  return rows[0]?.before ?? null;
}

/**
 * Moves the incident from status `from` to `to` in one statement, only if it is still in `from`;
 * returns whether it did. For system steps that must not overwrite a status someone else set meanwhile.
 */
export async function changeStatusFrom(
  db: Queryable,
  id: string,
  from: IncidentStatus,
  to: IncidentStatus,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE incidents SET status = $3, updated_at = now() WHERE id = $1 AND status = $2`,
    [id, from, to],
  );
  return (rowCount ?? 0) > 0;
}

/** Marks the incident withdrawn, once; returns whether this call did it. */
export async function markWithdrawn(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE incidents SET withdrawn_at = now(), status = 'withdrawn', updated_at = now()
     WHERE id = $1 AND withdrawn_at IS NULL`,
    [id],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Whether the incident is withdrawn (read while delivering: one indexed row). With `lock`, its row is
 * share-locked until the transaction ends, so a withdrawal (an update of the row) is ordered before
 * or after the caller (a mailing's creation).
 */
export async function isWithdrawn(db: Queryable, id: string, lock = false): Promise<boolean> {
  const { rows } = await db.query<{ withdrawn: boolean }>(
    `SELECT withdrawn_at IS NOT NULL AS withdrawn FROM incidents WHERE id = $1 ${lock ? 'FOR SHARE' : ''}`,
    [id],
  );
  return rows[0]?.withdrawn ?? false;
}

/** The facts a re-assessment may correct. */
export interface CorrectableFacts {
  discoveredAt: Date;
  materialityDeterminedAt: Date | null;
  extortionPaidAt: Date | null;
}

/** A correction: a field left out (undefined) keeps the stored value; null clears a nullable one. */
export interface FactsCorrection {
  discoveredAt?: Date | undefined;
  materialityDeterminedAt?: Date | null | undefined;
  extortionPaidAt?: Date | null | undefined;
}

/**
 * Corrects the facts a re-assessment works from (audited by the caller); returns them as they were
 * overwritten and as they are now, or null when there is no such incident.
 */
export async function correctFacts(
  db: Queryable,
  id: string,
  facts: FactsCorrection,
): Promise<{ before: CorrectableFacts; after: CorrectableFacts } | null> {
  const { rows } = await db.query<{
    beforeDiscoveredAt: Date;
    beforeMaterialityAt: Date | null;
    beforeExtortionPaidAt: Date | null;
    discoveredAt: Date;
    materialityAt: Date | null;
    extortionPaidAt: Date | null;
  }>(
    `UPDATE incidents i SET discovered_at = coalesce($2, old.discovered_at),
       materiality_determined_at = CASE WHEN $4 THEN $3 ELSE old.materiality_determined_at END,
       extortion_paid_at = CASE WHEN $6 THEN $5 ELSE old.extortion_paid_at END, updated_at = now()
     FROM (SELECT id, discovered_at, materiality_determined_at, extortion_paid_at
           FROM incidents WHERE id = $1 FOR UPDATE) old
     WHERE i.id = old.id
     RETURNING old.discovered_at AS "beforeDiscoveredAt", old.materiality_determined_at AS "beforeMaterialityAt",
               old.extortion_paid_at AS "beforeExtortionPaidAt",
               i.discovered_at AS "discoveredAt", i.materiality_determined_at AS "materialityAt",
               i.extortion_paid_at AS "extortionPaidAt"`,
    [
      id,
      facts.discoveredAt ?? null,
      facts.materialityDeterminedAt ?? null,
      facts.materialityDeterminedAt !== undefined,
      facts.extortionPaidAt ?? null,
      facts.extortionPaidAt !== undefined,
    ],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    before: {
      discoveredAt: row.beforeDiscoveredAt,
      materialityDeterminedAt: row.beforeMaterialityAt,
      extortionPaidAt: row.beforeExtortionPaidAt,
    },
    after: {
      discoveredAt: row.discoveredAt,
      materialityDeterminedAt: row.materialityAt,
      extortionPaidAt: row.extortionPaidAt,
    },
  };
}
