import { reveal, seal, SEALED_FIELD } from '../audit/sealed';
import * as incidentKeys from './incident-keys';
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
 *
 * `personal`: values that name a person (an email address, a name, a postal address, a relay's
 * diagnostic quoting an address). They are stored sealed with the incident's key (migration 027,
 * core/audit/sealed.ts) and read back merged into the detail by `listForIncident` and `detailOf`,
 * until the incident's retention ends and its key is destroyed: the trail is append-only, so this is
 * how a person's data leaves it. After the purge (no key) they are not stored at all. An event
 * without an incident cannot seal: give none there.
 */
export async function append(
  db: Queryable,
  event: {
    incidentId: string | null;
    actor: string;
    action: string;
    detail?: Record<string, unknown>;
    personal?: Record<string, unknown>;
    dedupeKey?: string;
  },
): Promise<void> {
  let detail = event.detail ?? {};
  if (event.personal !== undefined) {
    if (event.incidentId === null) throw new Error('personal values need an incident to be sealed under');
    const key = await incidentKeys.keyFor(db, event.incidentId);
    detail = key
      ? { ...detail, [SEALED_FIELD]: seal(key, event.incidentId, event.personal) }
      : { ...detail, personalDataErased: true };
  }
  await db.query(
    `INSERT INTO audit_events (incident_id, actor, action, detail, dedupe_key) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [event.incidentId, event.actor, event.action, detail, event.dedupeKey ?? null],
  );
}

/** The events' details with their sealed values opened (or marked erased), read with their keys. */
export async function revealed<T extends { incidentId: string | null; detail: Record<string, unknown> }>(
  db: Queryable,
  events: T[],
): Promise<T[]> {
  const sealedIn = events.filter((e) => e.incidentId !== null && SEALED_FIELD in e.detail);
  if (sealedIn.length === 0) return events;
  const keys = await incidentKeys.existingKeys(
    db,
    sealedIn.map((e) => e.incidentId!),
  );
  return events.map((e) =>
    e.incidentId !== null && SEALED_FIELD in e.detail
      ? { ...e, detail: reveal(e.detail, e.incidentId, keys.get(e.incidentId) ?? null) }
      : e,
  );
}

/** An incident's events in order, their sealed personal values opened while its key exists. */
export async function listForIncident(db: Queryable, incidentId: string): Promise<AuditEvent[]> {
  const { rows } = await db.query<AuditEvent>(
    `SELECT id, incident_id AS "incidentId", at, actor, action, detail
     FROM audit_events WHERE incident_id = $1 ORDER BY at, id`,
    [incidentId],
  );
  return revealed(db, rows);
}

/** Whether an event with this dedupe key was already written (an action already taken). */
export async function exists(db: Queryable, dedupeKey: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM audit_events WHERE dedupe_key = $1`, [dedupeKey]);
  return rows.length > 0;
}

/** The detail of the event written with this dedupe key, or null when there is none. */
export async function detailOf(db: Queryable, dedupeKey: string): Promise<Record<string, unknown> | null> {
  const { rows } = await db.query<{ incidentId: string | null; detail: Record<string, unknown> }>(
    `SELECT incident_id::text AS "incidentId", detail FROM audit_events WHERE dedupe_key = $1`,
    [dedupeKey],
  );
  return (await revealed(db, rows))[0]?.detail ?? null;
}

// --- The hash chain (migration 007; verified by core/audit/chain.ts) ------------------------------

/**
 * One stored event as the chain sees it: every field in the text form its hash encodes
 * (core/audit/chain.ts `canonicalEncoding`).
 */
export interface AuditChainRow {
  /** bigint ids as decimal strings. */
  id: string;
  incidentId: string | null;
  chainSeq: string;
  /** `at` in UTC with microseconds, `YYYY-MM-DDTHH:MM:SS.ffffffZ` (what the database stored, exactly). */
  at: string;
  actor: string;
  action: string;
  /** `detail::text`: PostgreSQL's canonical text of the jsonb value. */
  detail: string;
  dedupeKey: string | null;
  prevId: string | null;
  /** Lower-case hex; null for the first event of a chain. */
  prevHash: string | null;
  /** Lower-case hex. */
  hash: string;
}

export const CHAIN_COLUMNS = `id::text AS id, incident_id::text AS "incidentId", chain_seq::text AS "chainSeq",
  to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, actor, action,
  detail::text AS detail, dedupe_key AS "dedupeKey", prev_id::text AS "prevId",
  encode(prev_hash, 'hex') AS "prevHash", encode(hash, 'hex') AS hash`;

/** The chains in the trail: one per incident with events, and `null` for the events without one. */
export async function listChains(db: Queryable): Promise<(string | null)[]> {
  const { rows } = await db.query<{ incidentId: string | null }>(
    `SELECT DISTINCT incident_id::text AS "incidentId" FROM audit_events ORDER BY 1 NULLS FIRST`,
  );
  return rows.map((r) => r.incidentId);
}

/** One chain's events, in chain order (`null`: the events without an incident). */
export async function chainRows(db: Queryable, incidentId: string | null): Promise<AuditChainRow[]> {
  const { rows } =
    incidentId === null
      ? await db.query<AuditChainRow>(
          `SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE incident_id IS NULL ORDER BY chain_seq, id`,
        )
      : await db.query<AuditChainRow>(
          `SELECT ${CHAIN_COLUMNS} FROM audit_events WHERE incident_id = $1 ORDER BY chain_seq, id`,
          [incidentId],
        );
  return rows;
}
