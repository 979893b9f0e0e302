import type { RetentionBasis } from '../domain/retention';
import { CLOSED_INCIDENT_STATUSES } from '../domain/retention';
import type { Queryable } from './pool';

/*
 * Retention after closure (migration 027; core/use-cases/retention.ts). The reads that tell when a
 * closed incident's retention ends, the erasure of its people's rows, and the purge record kept in
 * their place. Every table that holds a person of an incident is named here and nowhere else:
 * test/core/use-cases/retention.test.ts scans every column of every table afterwards to prove it.
 */

/** A closed incident and the facts its retention period depends on (core/domain/retention.ts). */
export interface ClosedIncident {
  incidentId: string;
  title: string;
  status: string;
  /** When it closed: withdrawn, or the last change of status (to completed or closed without notice). */
  closedAt: Date;
  regimes: string[];
  noHarmJurisdictions: string[];
  /** Affected records still held (0 once purged). */
  people: number;
  purge: IncidentPurge | null;
}

/** What a purge left in the people's place (migration 027 `incident_purges`). */
export interface IncidentPurge {
  incidentId: string;
  closedAt: Date;
  retainUntil: Date;
  basis: RetentionBasis[];
  purgedAt: Date;
  purgedBy: string;
  counts: ErasedCounts;
  deliverySummary: { people: Record<string, number>; deliveries: Record<string, number> };
  erasedSha256: string;
  filesRemovedAt: Date | null;
}

/** How many rows of each kind the purge erased. */
export interface ErasedCounts {
  affectedRecords: number;
  deliveries: number;
  letters: number;
  remediationCodes: number;
  questions: number;
  mailingDeliveries: number;
  mailingListMembers: number;
  explicitListEntries: number;
  /** Amendments (incident_versions) whose before or after named customers by external id. */
  amendmentLists: number;
  auditKeyDestroyed: boolean;
}

const CLOSED_COLUMNS = `i.id::text AS "incidentId", i.title, i.status,
  coalesce(i.withdrawn_at,
           (SELECT max(e.at) FROM audit_events e WHERE e.incident_id = i.id AND e.action = 'status_changed'),
           i.updated_at) AS "closedAt",
  ARRAY(SELECT DISTINCT o.regime FROM obligations o WHERE o.incident_id = i.id ORDER BY 1) AS regimes,
  ARRAY(SELECT DISTINCT j FROM determinations d,
          LATERAL unnest(CASE WHEN cardinality(d.jurisdictions) > 0 THEN d.jurisdictions
                         ELSE ARRAY(SELECT DISTINCT o.jurisdiction FROM obligations o WHERE o.incident_id = i.id)
                         END) AS j
        WHERE d.incident_id = i.id AND d.kind = 'no_risk_of_harm' AND d.decided_at IS NOT NULL
          AND d.status IN ('approved', 'withdrawn')
        ORDER BY 1) AS "noHarmJurisdictions",
  (SELECT count(*)::int FROM affected_customers a WHERE a.incident_id = i.id) AS people`;

const PURGE_COLUMNS = `p.incident_id::text AS "incidentId", p.closed_at AS "closedAt",
  p.retain_until AS "retainUntil", p.basis, p.purged_at AS "purgedAt", p.purged_by AS "purgedBy", p.counts,
  p.delivery_summary AS "deliverySummary", p.erased_sha256 AS "erasedSha256",
  p.files_removed_at AS "filesRemovedAt"`;

type ClosedRow = Omit<ClosedIncident, 'purge'> & { purge: IncidentPurge | null };

/** The incident's purge, if any, as one JSON column (read back by `purgeFromJson`). */
const PURGE_OF_I = `(SELECT to_jsonb(x) FROM (SELECT ${PURGE_COLUMNS} FROM incident_purges p WHERE p.incident_id = i.id) x)
  AS purge`;

/**
 * Closed incidents (completed, closed without notice, withdrawn) with their purge when done, at most
 * `limit`: those not purged yet, oldest closure first (what the sweep and the admin view look for),
 * or the purged ones, latest purge first (so years of purges never hide what is due).
 */
export async function listClosed(
  db: Queryable,
  which: 'unpurged' | 'purged',
  limit: number,
): Promise<ClosedIncident[]> {
  const { rows } = await db.query<ClosedRow>(
    `SELECT ${CLOSED_COLUMNS}, ${PURGE_OF_I}
     FROM incidents i
     LEFT JOIN incident_purges done ON done.incident_id = i.id
     WHERE i.status = ANY($1::text[]) AND (done.incident_id IS NULL) = ($2 = 'unpurged')
     ORDER BY CASE WHEN $2 = 'purged' THEN done.purged_at END DESC, "closedAt", i.id LIMIT $3`,
    [CLOSED_INCIDENT_STATUSES, which, limit],
  );
  return rows.map((r) => ({ ...r, purge: r.purge && purgeFromJson(r.purge) }));
}

/**
 * One incident with its retention facts and its purge when done, locked until the transaction ends;
 * null when unknown. The lock is taken by a statement of its own, so that the read after it (a new
 * snapshot under READ COMMITTED) sees a purge committed by whoever held the lock before.
 */
export async function lockIncident(
  db: Queryable,
  incidentId: string,
): Promise<(ClosedIncident & { closed: boolean }) | null> {
  await db.query(`SELECT 1 FROM incidents WHERE id = $1 FOR UPDATE`, [incidentId]);
  const { rows } = await db.query<ClosedRow & { closed: boolean }>(
    `SELECT ${CLOSED_COLUMNS}, ${PURGE_OF_I}, i.status = ANY($2::text[]) AS closed
     FROM incidents i WHERE i.id = $1`,
    [incidentId, CLOSED_INCIDENT_STATUSES],
  );
  const r = rows[0];
  return r ? { ...r, purge: r.purge && purgeFromJson(r.purge) } : null;
}

export async function getPurge(db: Queryable, incidentId: string): Promise<IncidentPurge | null> {
  const { rows } = await db.query<IncidentPurge>(
    `SELECT ${PURGE_COLUMNS} FROM incident_purges p WHERE p.incident_id = $1`,
    [incidentId],
  );
  return rows[0] ?? null;
}

/**
 * What still works on the incident's people and must finish first: an amendment recorded and not
 * yet applied (its workflow re-identifies), a further mailing still sending.
 */
export async function workUnderWay(
  db: Queryable,
  incidentId: string,
): Promise<{ amendmentsPending: number; mailingsSending: number }> {
  const { rows } = await db.query<{ amendmentsPending: number; mailingsSending: number }>(
    `SELECT (SELECT count(*)::int FROM incident_versions WHERE incident_id = $1 AND applied_at IS NULL)
              AS "amendmentsPending",
            (SELECT count(*)::int FROM mailings WHERE incident_id = $1 AND status = 'sending') AS "mailingsSending"`,
    [incidentId],
  );
  return rows[0]!;
}

/** The database's clock (the purge compares retention with it, as the audit trail's times come from it). */
export async function now(db: Queryable): Promise<Date> {
  const { rows } = await db.query<{ now: Date }>(`SELECT now() AS now`);
  return rows[0]!.now;
}

/**
 * The SHA-256 of everything the purge erases, as it is: per table, the SHA-256 of each row's JSON,
 * concatenated in table and text order, hashed. Rows carry random page seeds and message ids, so the digest cannot be
 * searched for a person; it matches a copy of the rows kept elsewhere. Memory: 32 bytes a row.
 */
export async function erasedDigest(db: Queryable, incidentId: string): Promise<string> {
  const { rows } = await db.query<{ digest: string }>(
    `SELECT encode(sha256(coalesce((SELECT string_agg(sha256(convert_to(t::text, 'UTF8')), ''::bytea ORDER BY n, t)
       FROM (
         SELECT 1 AS n, row_to_json(a)::text AS t FROM affected_customers a WHERE a.incident_id = $1
         UNION ALL SELECT 2, row_to_json(d)::text FROM deliveries d WHERE d.incident_id = $1
         UNION ALL SELECT 3, row_to_json(l)::text FROM letters l WHERE l.incident_id = $1
         UNION ALL SELECT 4, row_to_json(c)::text FROM remediation_codes c WHERE c.incident_id = $1
         UNION ALL SELECT 5, row_to_json(q)::text FROM questions q WHERE q.incident_id = $1
         UNION ALL SELECT 6, row_to_json(m)::text FROM mailing_deliveries m WHERE m.incident_id = $1
         UNION ALL SELECT 7, row_to_json(m)::text FROM mailing_list_members m WHERE m.incident_id = $1
         UNION ALL SELECT 8, to_json(i.customer_external_ids)::text FROM incidents i
           WHERE i.id = $1 AND i.customer_external_ids IS NOT NULL
         UNION ALL SELECT 9, jsonb_build_array(v.version, v.before -> 'customerExternalIds',
                                               v.after -> 'customerExternalIds')::text
           FROM incident_versions v WHERE v.incident_id = $1
       ) x), ''::bytea)), 'hex') AS digest`,
    [incidentId],
  );
  return rows[0]!.digest;
}

/** People per status and deliveries per status: what the dossier's summary shows after the purge. */
export async function deliverySummary(
  db: Queryable,
  incidentId: string,
): Promise<{ people: Record<string, number>; deliveries: Record<string, number> }> {
  const { rows } = await db.query<{ kind: 'people' | 'deliveries'; status: string; n: number }>(
    `SELECT 'people' AS kind, status, count(*)::int AS n FROM affected_customers WHERE incident_id = $1 GROUP BY status
     UNION ALL
     SELECT 'deliveries', status, count(*)::int FROM deliveries WHERE incident_id = $1 GROUP BY status
     ORDER BY 1, 2`,
    [incidentId],
  );
  const summary = { people: {} as Record<string, number>, deliveries: {} as Record<string, number> };
  for (const r of rows) summary[r.kind][r.status] = r.n;
  return summary;
}

/**
 * Erases the incident's people: every row that names or points at one of them, in an order the
 * foreign keys allow, and the explicit lists of their external ids (the incident's, its amendments'). The inventory
 * (customers, holdings) is the company's and stays; the incident keeps its facts, notices,
 * obligations, determinations, filings, letter batches and files' hashes, and the audit trail.
 */
export async function erasePeople(
  db: Queryable,
  incidentId: string,
): Promise<Omit<ErasedCounts, 'auditKeyDestroyed'>> {
  const count = async (sql: string) => (await db.query(sql, [incidentId])).rowCount ?? 0;
  // Rows that point at an affected record first (letters have no cascade; the others are counted).
  const letters = await count(`DELETE FROM letters WHERE incident_id = $1`);
  const questions = await count(`DELETE FROM questions WHERE incident_id = $1`);
  const mailingDeliveries = await count(`DELETE FROM mailing_deliveries WHERE incident_id = $1`);
  const mailingListMembers = await count(`DELETE FROM mailing_list_members WHERE incident_id = $1`);
  // Every code of the incident: an assigned one is a person's; a free one is worthless once closed.
  const remediationCodes = await count(`DELETE FROM remediation_codes WHERE incident_id = $1`);
  const deliveries = await count(`DELETE FROM deliveries WHERE incident_id = $1`);
  const affectedRecords = await count(`DELETE FROM affected_customers WHERE incident_id = $1`);
  // The explicit lists an amendment recorded before and after (migration 030): the same ids.
  const versionLists = await count(
    `UPDATE incident_versions SET
       before = CASE WHEN jsonb_typeof(before -> 'customerExternalIds') = 'array'
                     THEN jsonb_set(before, '{customerExternalIds}', 'null') ELSE before END,
       after = CASE WHEN jsonb_typeof(after -> 'customerExternalIds') = 'array'
                    THEN jsonb_set(after, '{customerExternalIds}', 'null') ELSE after END
     WHERE incident_id = $1 AND (jsonb_typeof(before -> 'customerExternalIds') = 'array'
                                 OR jsonb_typeof(after -> 'customerExternalIds') = 'array')`,
  );
  const { rows } = await db.query<{ n: number }>(
    `UPDATE incidents i SET customer_external_ids = NULL
     FROM (SELECT id, cardinality(customer_external_ids) AS n FROM incidents WHERE id = $1) old
     WHERE i.id = old.id AND i.customer_external_ids IS NOT NULL RETURNING old.n`,
    [incidentId],
  );
  return {
    affectedRecords,
    deliveries,
    letters,
    remediationCodes,
    questions,
    mailingDeliveries,
    mailingListMembers,
    explicitListEntries: rows[0]?.n ?? 0,
    amendmentLists: versionLists,
  };
}

export async function insertPurge(
  db: Queryable,
  purge: Omit<IncidentPurge, 'purgedAt' | 'filesRemovedAt'>,
): Promise<IncidentPurge> {
  const { rows } = await db.query<IncidentPurge>(
    `INSERT INTO incident_purges AS p (incident_id, closed_at, retain_until, basis, purged_by, counts,
       delivery_summary, erased_sha256)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${PURGE_COLUMNS}`,
    [
      purge.incidentId,
      purge.closedAt,
      purge.retainUntil,
      JSON.stringify(purge.basis),
      purge.purgedBy,
      purge.counts,
      purge.deliverySummary,
      purge.erasedSha256,
    ],
  );
  return rows[0]!;
}

/**
 * Records that the incident's files are gone from disk (the first time only) and returns its purge
 * as it now stands; null when it has none.
 */
export async function markFilesRemoved(db: Queryable, incidentId: string): Promise<IncidentPurge | null> {
  const { rows } = await db.query<IncidentPurge>(
    `UPDATE incident_purges p SET files_removed_at = coalesce(p.files_removed_at, now())
     WHERE p.incident_id = $1 RETURNING ${PURGE_COLUMNS}`,
    [incidentId],
  );
  return rows[0] ?? null;
}

/** A purge read back through to_jsonb: its times come as ISO strings. */
function purgeFromJson(p: IncidentPurge): IncidentPurge {
  const date = (v: Date | string | null) => (v === null ? null : new Date(v));
  return {
    ...p,
    closedAt: date(p.closedAt)!,
    retainUntil: date(p.retainUntil)!,
    purgedAt: date(p.purgedAt)!,
    filesRemovedAt: date(p.filesRemovedAt),
  };
}
