import type { Queryable } from './pool';

/** An incident workflow terminated or reset outside Forthright (migration 009). */
export interface WorkflowTampering {
  runId: string;
  kind: 'terminated' | 'reset';
  /** When Temporal says it happened (null if its history did not say). */
  happenedAt: Date | null;
  detectedAt: Date;
  /** The Temporal client identity that did it, and the reason it gave. */
  identity: string | null;
  reason: string | null;
}

/** Records a finding; false when it was already recorded (each is recorded and audited once). */
export async function record(
  db: Queryable,
  incidentId: string,
  finding: Omit<WorkflowTampering, 'detectedAt'>,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO workflow_tampering (incident_id, run_id, kind, happened_at, identity, reason)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [incidentId, finding.runId, finding.kind, finding.happenedAt, finding.identity, finding.reason],
  );
  return (rowCount ?? 0) > 0;
}

/** The findings of each incident, oldest first. */
export async function forIncidents(
  db: Queryable,
  incidentIds: string[],
): Promise<Map<string, WorkflowTampering[]>> {
  const { rows } = await db.query<WorkflowTampering & { incidentId: string }>(
    `SELECT incident_id AS "incidentId", run_id AS "runId", kind, happened_at AS "happenedAt",
            detected_at AS "detectedAt", identity, reason
     FROM workflow_tampering WHERE incident_id = ANY($1::uuid[]) ORDER BY detected_at, run_id, kind`,
    [incidentIds],
  );
  const byIncident = new Map<string, WorkflowTampering[]>(incidentIds.map((id) => [id, []]));
  for (const { incidentId, ...finding } of rows) byIncident.get(incidentId)?.push(finding);
  return byIncident;
}
