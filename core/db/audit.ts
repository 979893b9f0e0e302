import type { Queryable } from './pool';

export interface AuditEvent {
  id: number;
  incidentId: string | null;
  at: Date;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

/**
 * Appends one event. With a `dedupeKey`, a retried activity writes the event once: the second
 * insert is ignored.
 */
export async function append(
  db: Queryable,
  event: { incidentId: string | null; actor: string; action: string; detail?: Record<string, unknown>; dedupeKey?: string },
): Promise<void> {
  await db.query(
    `INSERT INTO audit_events (incident_id, actor, action, detail, dedupe_key) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [event.incidentId, event.actor, event.action, event.detail ?? {}, event.dedupeKey ?? null],
  );
}

export async function listForIncident(db: Queryable, incidentId: string): Promise<AuditEvent[]> {
  const { rows } = await db.query<AuditEvent>(
    `SELECT id, incident_id AS "incidentId", at, actor, action, detail
     FROM audit_events WHERE incident_id = $1 ORDER BY at, id`,
    [incidentId],
  );
  return rows;
}

/** Whether an event with this dedupe key was already written (an action already taken). */
export async function exists(db: Queryable, dedupeKey: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM audit_events WHERE dedupe_key = $1`, [dedupeKey]);
  return rows.length > 0;
}
