import { randomBytes } from 'node:crypto';
import type { Queryable } from './pool';

/**
 * Each incident's key for the personal values its audit entries seal (migration 027,
 * core/audit/sealed.ts). Made on first use; destroyed, never re-made, when the incident is purged.
 */

/**
 * The incident's key, made now if it has none; null once destroyed (the incident was purged: an
 * entry written after that seals nothing). Two statements, not one: in READ COMMITTED the second
 * sees the row a concurrent first use committed while this insert waited for it.
 */
export async function keyFor(db: Queryable, incidentId: string): Promise<Buffer | null> {
  await db.query(
    `INSERT INTO incident_keys (incident_id, key) VALUES ($1, $2) ON CONFLICT (incident_id) DO NOTHING`,
    [incidentId, randomBytes(32)],
  );
  const { rows } = await db.query<{ key: Buffer | null }>(
    `SELECT key FROM incident_keys WHERE incident_id = $1`,
    [incidentId],
  );
  return rows[0]?.key ?? null;
}

/** The keys of these incidents that exist and are not destroyed (for readers of the trail). */
export async function existingKeys(
  db: Queryable,
  incidentIds: readonly string[],
): Promise<Map<string, Buffer>> {
  if (incidentIds.length === 0) return new Map();
  const { rows } = await db.query<{ incidentId: string; key: Buffer }>(
    `SELECT incident_id::text AS "incidentId", key FROM incident_keys
     WHERE incident_id = ANY($1::uuid[]) AND key IS NOT NULL`,
    [[...new Set(incidentIds)]],
  );
  return new Map(rows.map((r) => [r.incidentId, r.key]));
}

/**
 * Destroys the incident's key (or records it destroyed when it never had one, so none is made
 * later). Returns whether a key was there to destroy.
 */
export async function destroy(db: Queryable, incidentId: string): Promise<boolean> {
  const { rows } = await db.query<{ had: boolean }>(
    `SELECT key IS NOT NULL AS had FROM incident_keys WHERE incident_id = $1 FOR UPDATE`,
    [incidentId],
  );
  await db.query(
    `INSERT INTO incident_keys AS k (incident_id, key, destroyed_at) VALUES ($1, NULL, now())
     ON CONFLICT (incident_id) DO UPDATE SET key = NULL, destroyed_at = coalesce(k.destroyed_at, now())`,
    [incidentId],
  );
  return rows[0]?.had ?? false;
}
