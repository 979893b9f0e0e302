import type { DataCategory } from '../domain/categories';
import type { Queryable } from './pool';

/**
 * Versions of an incident's facts (migration 030): the current facts stay on `incidents`; each
 * amendment keeps the facts before and after with its reason. No business rules:
 * core/use-cases/amendments.ts decides.
 */

/** The facts an amendment may change. */
export interface AmendableFacts {
  description: string;
  systems: string[];
  dataCategories: DataCategory[];
  occurredFrom: Date | null;
  occurredTo: Date | null;
  encrypted: boolean;
  keyCompromised: boolean;
  customerExternalIds: string[] | null;
}

export interface IncidentVersion {
  incidentId: string;
  version: number;
  reason: string;
  before: AmendableFacts;
  after: AmendableFacts;
  amendedBy: string;
  amendedByName: string | null;
  amendedAt: Date;
  /** Set once the amendment's workflow re-identified and re-assessed (the diff's counts). */
  appliedAt: Date | null;
  /** Whether its workflow notifies the newly affected itself (the incident's notice was approved by then). */
  delivers: boolean | null;
  /** The notice drafted for the newly affected, when it delivers. */
  noticeId: string | null;
  added: number | null;
  grown: number | null;
  removed: number | null;
}

const FACT_COLUMNS = `description, systems, data_categories AS "dataCategories", occurred_from AS "occurredFrom",
  occurred_to AS "occurredTo", encrypted, key_compromised AS "keyCompromised",
  customer_external_ids AS "customerExternalIds"`;

/** The incident's current facts and version, locked until the transaction ends; null if none. */
export async function lockFacts(
  db: Queryable,
  incidentId: string,
): Promise<(AmendableFacts & { version: number }) | null> {
  const { rows } = await db.query<AmendableFacts & { version: number }>(
    `SELECT ${FACT_COLUMNS}, version FROM incidents WHERE id = $1 FOR UPDATE`,
    [incidentId],
  );
  return rows[0] ?? null;
}

/** Writes the new facts and version on the incident and keeps the version's record. */
export async function amend(
  db: Queryable,
  input: {
    incidentId: string;
    version: number;
    reason: string;
    before: AmendableFacts;
    after: AmendableFacts;
    amendedBy: string;
  },
): Promise<void> {
  const a = input.after;
  await db.query(
    `UPDATE incidents SET description = $2, systems = $3, data_categories = $4, occurred_from = $5,
       occurred_to = $6, encrypted = $7, key_compromised = $8, customer_external_ids = $9, version = $10,
       updated_at = now()
     WHERE id = $1`,
    [
      input.incidentId,
      a.description,
      a.systems,
      a.dataCategories,
      a.occurredFrom,
      a.occurredTo,
      a.encrypted,
      a.keyCompromised,
      a.customerExternalIds,
      input.version,
    ],
  );
  await db.query(
    `INSERT INTO incident_versions (incident_id, version, reason, before, after, amended_by)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [input.incidentId, input.version, input.reason, input.before, input.after, input.amendedBy],
  );
}

const VERSION_COLUMNS = `v.incident_id AS "incidentId", v.version, v.reason, v.before, v.after,
  v.amended_by AS "amendedBy", u.display_name AS "amendedByName", v.amended_at AS "amendedAt",
  v.applied_at AS "appliedAt", v.delivers, v.notice_id AS "noticeId", v.added, v.grown, v.removed`;

/** The JSON columns come back with ISO strings for instants: made Dates again. */
function revive(row: IncidentVersion): IncidentVersion {
  const facts = (f: AmendableFacts): AmendableFacts => ({
    ...f,
    occurredFrom: f.occurredFrom ? new Date(f.occurredFrom) : null,
    occurredTo: f.occurredTo ? new Date(f.occurredTo) : null,
  });
  return { ...row, before: facts(row.before), after: facts(row.after) };
}

export async function listForIncident(db: Queryable, incidentId: string): Promise<IncidentVersion[]> {
  const { rows } = await db.query<IncidentVersion>(
    `SELECT ${VERSION_COLUMNS} FROM incident_versions v LEFT JOIN users u ON u.id = v.amended_by
     WHERE v.incident_id = $1 ORDER BY v.version DESC`,
    [incidentId],
  );
  return rows.map(revive);
}

export async function get(
  db: Queryable,
  incidentId: string,
  version: number,
): Promise<IncidentVersion | null> {
  const { rows } = await db.query<IncidentVersion>(
    `SELECT ${VERSION_COLUMNS} FROM incident_versions v LEFT JOIN users u ON u.id = v.amended_by
     WHERE v.incident_id = $1 AND v.version = $2`,
    [incidentId, version],
  );
  return rows[0] ? revive(rows[0]) : null;
}

/** Records what re-identification found for a version, once; returns whether this call did. */
export async function markApplied(
  db: Queryable,
  incidentId: string,
  version: number,
  counts: { added: number; grown: number; removed: number; delivers: boolean },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE incident_versions SET applied_at = now(), added = $3, grown = $4, removed = $5, delivers = $6
     WHERE incident_id = $1 AND version = $2 AND applied_at IS NULL`,
    [incidentId, version, counts.added, counts.grown, counts.removed, counts.delivers],
  );
  return (rowCount ?? 0) > 0;
}

/** The version, locked until the transaction ends (its workflow's steps serialise on it). */
export async function lock(
  db: Queryable,
  incidentId: string,
  version: number,
): Promise<IncidentVersion | null> {
  await db.query(`SELECT 1 FROM incident_versions WHERE incident_id = $1 AND version = $2 FOR UPDATE`, [
    incidentId,
    version,
  ]);
  return get(db, incidentId, version);
}

/** Records the notice drafted for the newly affected, once. */
export async function setNotice(
  db: Queryable,
  incidentId: string,
  version: number,
  noticeId: string,
): Promise<void> {
  await db.query(
    `UPDATE incident_versions SET notice_id = $3 WHERE incident_id = $1 AND version = $2 AND notice_id IS NULL`,
    [incidentId, version, noticeId],
  );
}

/** Versions recorded more than `graceSeconds` ago that no workflow has applied yet. */
export async function listUnapplied(
  db: Queryable,
  graceSeconds: number,
): Promise<{ incidentId: string; version: number }[]> {
  const { rows } = await db.query<{ incidentId: string; version: number }>(
    `SELECT incident_id AS "incidentId", version FROM incident_versions
     WHERE applied_at IS NULL AND amended_at < now() - make_interval(secs => $1)
     ORDER BY amended_at LIMIT 100`,
    [graceSeconds],
  );
  return rows;
}
