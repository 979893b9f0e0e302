import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config';
import * as audit from '../db/audit';
import * as incidentKeys from '../db/incident-keys';
import type { Pool } from '../db/pool';
import { inTransaction } from '../db/pool';
import * as retention from '../db/retention';
import type { ClosedIncident, IncidentPurge } from '../db/retention';
import type { RetentionBasis } from '../domain/retention';
import { retainUntil, retentionBases } from '../domain/retention';
import { ConflictError, ForbiddenError, IncidentNotFoundError } from '../errors';
import type { Actor } from './types';

/**
 * Retention after closure (issue 17 item 6). A closed incident's personal data is kept for its
 * retention period (core/domain/retention.ts: the configured period, or longer where a law asks),
 * then purged: one transaction erases its people's rows, destroys the key its audit entries sealed
 * personal values with, records what was erased (counts, a digest) and appends `incident_purged`;
 * after the commit its letter files are removed from disk. The audit chain is untouched and still
 * verifies; the evidence dossier still builds, with the counts in place of the people.
 *
 * Run by the retention sweep (workflows/retention.ts on a Temporal schedule, worker/main.ts) or by
 * an admin (POST /api/retention/:id/purge); `GET /api/retention` shows what is due.
 */

export interface RetentionDeps {
  pool: Pool;
  config: Readonly<Config>;
}

/** One closed incident in the retention view. */
export interface RetentionEntry {
  incidentId: string;
  title: string;
  status: string;
  closedAt: Date;
  /** Every reason it is kept, with its provision; the latest end wins. */
  basis: RetentionBasis[];
  retainUntil: Date;
  /** Retention over and not yet purged. */
  due: boolean;
  /** Affected records still held. */
  people: number;
  purge: IncidentPurge | null;
}

/** The purge of one incident, and whether it was done before (a second run changes nothing). */
export interface PurgeOutcome {
  purge: IncidentPurge;
  alreadyPurged: boolean;
}

/** Closed incidents not yet purged read at most, oldest closure first. */
const LIST_LIMIT = 1000;
/** Purged incidents shown, latest first. */
const PURGED_SHOWN = 200;

const mayPurge = (actor: Actor) => {
  if (actor.role !== 'admin') throw new ForbiddenError('only an admin may see or run the retention purge');
};

function entryOf(row: ClosedIncident, config: Readonly<Config>, now: Date): RetentionEntry {
  const basis = row.purge?.basis ?? retentionBases(row, config.retention.defaultDays);
  const until = row.purge?.retainUntil ?? retainUntil(basis, row.closedAt);
  return {
    incidentId: row.incidentId,
    title: row.title,
    status: row.status,
    closedAt: row.closedAt,
    basis,
    retainUntil: until,
    due: row.purge === null && until.getTime() <= now.getTime(),
    people: row.people,
    purge: row.purge,
  };
}

/**
 * The closed incidents not purged yet (oldest closure first) with their retention basis and end and
 * whether they are due, then the latest purges and what each erased. Admins only.
 */
export async function listRetention(deps: RetentionDeps, actor: Actor): Promise<RetentionEntry[]> {
  mayPurge(actor);
  const now = await retention.now(deps.pool);
  const kept = await retention.listClosed(deps.pool, 'unpurged', LIST_LIMIT);
  const purged = await retention.listClosed(deps.pool, 'purged', PURGED_SHOWN);
  return [...kept, ...purged].map((r) => entryOf(r, deps.config, now));
}

/** The ids of the incidents whose retention is over and that are not purged yet (for the sweep). */
export async function dueForPurge(deps: RetentionDeps, limit = LIST_LIMIT): Promise<string[]> {
  const now = await retention.now(deps.pool);
  return (await retention.listClosed(deps.pool, 'unpurged', LIST_LIMIT))
    .map((r) => entryOf(r, deps.config, now))
    .filter((e) => e.due)
    .slice(0, limit)
    .map((e) => e.incidentId);
}

/**
 * Purges one incident whose retention is over (admins and the system only): in one transaction,
 * under the incident's row lock, erases its people (core/db/retention.ts `erasePeople`), destroys
 * its audit key, records the purge and appends `incident_purged` (counts, the basis's citations, the
 * digest of what was erased; nothing about anyone). Then removes its letter files from disk and
 * records that. Idempotent: run again, it changes nothing in the database (`alreadyPurged`) and
 * removes whatever files are still there — a purge that stopped after its commit finishes so.
 * IncidentNotFoundError; ConflictError while the incident is open or its retention runs, or while an
 * amendment is being applied or a further mailing is sending (the next sweep takes it).
 */
export async function purgeIncident(
  deps: RetentionDeps,
  actor: Actor,
  input: { incidentId: string },
): Promise<PurgeOutcome> {
  mayPurge(actor);
  const { incidentId } = input;
  const outcome = await inTransaction(deps.pool, async (tx): Promise<PurgeOutcome> => {
    const incident = await retention.lockIncident(tx, incidentId);
    if (!incident) throw new IncidentNotFoundError(incidentId);
    if (incident.purge) return { purge: incident.purge, alreadyPurged: true };
    if (!incident.closed) {
      throw new ConflictError(
        `incident ${incidentId} is ${incident.status}: only a closed incident is purged`,
      );
    }
    const basis = retentionBases(incident, deps.config.retention.defaultDays);
    const until = retainUntil(basis, incident.closedAt);
    const now = await retention.now(tx);
    if (until.getTime() > now.getTime()) {
      throw new ConflictError(`retainUntil: incident ${incidentId} is kept until ${until.toISOString()}`);
    }
    const busy = await retention.workUnderWay(tx, incidentId);
    if (busy.amendmentsPending > 0 || busy.mailingsSending > 0) {
      throw new ConflictError(
        `incident ${incidentId} still has ${busy.amendmentsPending} amendment(s) being applied and ${busy.mailingsSending} mailing(s) sending: purged once they finish`,
      );
    }
    const deliverySummary = await retention.deliverySummary(tx, incidentId);
    const erasedSha256 = await retention.erasedDigest(tx, incidentId);
    const erased = await retention.erasePeople(tx, incidentId);
    const auditKeyDestroyed = await incidentKeys.destroy(tx, incidentId);
    const counts = { ...erased, auditKeyDestroyed };
    const purge = await retention.insertPurge(tx, {
      incidentId,
      closedAt: incident.closedAt,
      retainUntil: until,
      basis,
      purgedBy: actor.id,
      counts,
      deliverySummary,
      erasedSha256,
    });
    await audit.append(tx, {
      incidentId,
      actor: actor.id,
      action: 'incident_purged',
      detail: {
        closedAt: incident.closedAt.toISOString(),
        retainUntil: until.toISOString(),
        basis: basis.map((b) => b.citation),
        counts,
        deliverySummary,
        erasedSha256,
      },
      dedupeKey: `incident_purged:${incidentId}`,
    });
    return { purge, alreadyPurged: false };
  });
  if (outcome.purge.filesRemovedAt === null) {
    await removeIncidentFiles(deps.config, incidentId);
    return { ...outcome, purge: (await retention.markFilesRemoved(deps.pool, incidentId)) ?? outcome.purge };
  }
  return outcome;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The incident's files on disk: its letter batches (PDFs with every address, the mail house's
 * manifest), LETTERS_DIR/<incident id>/ (core/letters/batch.ts). Removing what is already gone is
 * no error. (Dossier exports are written to a temporary directory and removed once downloaded.)
 */
async function removeIncidentFiles(config: Readonly<Config>, incidentId: string): Promise<void> {
  if (!UUID.test(incidentId)) throw new Error(`not an incident id: ${incidentId}`);
  await rm(join(config.letters.dir, incidentId), { recursive: true, force: true });
}

/** The system, as the retention sweep acts. */
export const RETENTION_SWEEP_ACTOR: Actor = { id: 'system', role: 'admin' };
