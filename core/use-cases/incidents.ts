import { randomUUID } from 'node:crypto';
import * as affected from '../db/affected';
import * as audit from '../db/audit';
import * as incidents from '../db/incidents';
import type { Incident } from '../db/incidents';
import { inTransaction } from '../db/pool';
import type { DataCategory } from '../domain/categories';
import { incidentWorkflowId } from '../domain/ids';
import type { IncidentStatus } from '../domain/model';
import { DuplicateKeyError, IncidentNotFoundError, ValidationError } from '../errors';
import type { Actor, UseCaseDeps } from './types';

/** The facts an incident is opened with (the API's `CreateIncidentBody`, plus the idempotency key). */
export interface OpenIncidentInput {
  title: string;
  description: string;
  discoveredAt: Date;
  occurredFrom?: Date | null | undefined;
  occurredTo?: Date | null | undefined;
  systems: string[];
  dataCategories: DataCategory[];
  /** @default false */
  encrypted?: boolean | undefined;
  /** @default false */
  keyCompromised?: boolean | undefined;
  /**
   * Named customers (external ids), affected in addition to those the systems and categories find
   * (the union, see core/db/affected.ts `identify`). Null, absent or empty: nobody named.
   */
  customerExternalIds?: string[] | null | undefined;
  /** A caller's key: opening twice with the same key returns the first incident. */
  idempotencyKey?: string | null | undefined;
}

export interface OpenedIncident {
  incident: Incident;
  /** False when the idempotency key had opened this incident already (nothing was written now). */
  created: boolean;
}

/**
 * Opens an incident: the row and its `incident_opened` audit entry, in one transaction. The caller
 * then starts `incidentWorkflow` for `incident.id` (api/temporal-client.ts); starting it twice is
 * harmless, so a replayed key is started again too in case the first start was lost.
 *
 * Throws ValidationError when a named customer is not in the inventory.
 */
export async function openIncident(
  deps: UseCaseDeps,
  actor: Actor,
  input: OpenIncidentInput,
): Promise<OpenedIncident> {
  const { pool } = deps;
  const key = input.idempotencyKey ?? null;
  if (key) {
    const existing = await incidents.findByIdempotencyKey(pool, key);
    if (existing) return { incident: existing, created: false };
  }
  if (input.customerExternalIds) {
    const unknown = new Set(await affected.unknownExternalIds(pool, input.customerExternalIds));
    const index = input.customerExternalIds.findIndex((id) => unknown.has(id));
    if (index >= 0) {
      throw new ValidationError(
        'no customer with this external id in the inventory',
        `customerExternalIds.${index}`,
      );
    }
  }
  const id = randomUUID();
  try {
    const incident = await inTransaction(pool, async (tx) => {
      await incidents.insert(tx, {
        id,
        title: input.title,
        description: input.description,
        discoveredAt: input.discoveredAt,
        occurredFrom: input.occurredFrom ?? null,
        occurredTo: input.occurredTo ?? null,
        systems: [...new Set(input.systems)],
        dataCategories: [...new Set(input.dataCategories)],
        encrypted: input.encrypted ?? false,
        keyCompromised: input.keyCompromised ?? false,
        customerExternalIds: input.customerExternalIds ? [...new Set(input.customerExternalIds)] : null,
        openedBy: actor.id,
        idempotencyKey: key,
        workflowId: incidentWorkflowId(id),
      });
      await audit.append(tx, {
        incidentId: id,
        actor: actor.id,
        action: 'incident_opened',
        detail: { title: input.title, systems: input.systems, dataCategories: input.dataCategories },
      });
      return (await incidents.get(tx, id))!;
    });
    return { incident, created: true };
  } catch (err) {
    // Two requests with the same key at once: the loser answers with the winner's incident.
    if (key && err instanceof DuplicateKeyError) {
      const existing = await incidents.findByIdempotencyKey(pool, key);
      if (existing) return { incident: existing, created: false };
    }
    throw err;
  }
}

/**
 * Records that the incident's workflow runs, with an audit entry when it started late (after a
 * failed first start). Starting is idempotent, so this may be called after every start.
 */
export async function recordWorkflowStarted(
  deps: UseCaseDeps,
  incidentId: string,
  options: { late: boolean },
): Promise<void> {
  await inTransaction(deps.pool, async (tx) => {
    const first = await incidents.markWorkflowStarted(tx, incidentId);
    if (first && options.late) {
      await audit.append(tx, { incidentId, actor: 'system', action: 'workflow_started_late', detail: {} });
    }
  });
}

/**
 * Records that the incident's workflow could not be started. The incident stays: a logged exposure
 * is evidence and is never taken back. The caller may retry with the same idempotency key, and the
 * API's workflow starter (api/workflow-starter.ts) starts it as soon as Temporal answers.
 */
export async function recordWorkflowStartFailure(
  deps: UseCaseDeps,
  incidentId: string,
  reason: string,
): Promise<void> {
  await audit.append(deps.pool, {
    incidentId,
    actor: 'system',
    action: 'workflow_start_failed',
    detail: { reason },
  });
}

/** Incidents whose workflow is still to be started (recorded at least `olderThanSeconds` ago). */
export function listUnstartedIncidents(
  deps: UseCaseDeps,
  olderThanSeconds: number,
): Promise<{ id: string; openedBy: string }[]> {
  return incidents.listUnstarted(deps.pool, olderThanSeconds);
}

/** Records the incident's phase (set by its workflow) for the API and console, with its audit entry. */
export async function recordIncidentStatus(
  deps: UseCaseDeps,
  incidentId: string,
  status: IncidentStatus,
): Promise<void> {
  await inTransaction(deps.pool, async (tx) => {
    // setStatus answers null when there is no row: no separate read first.
    const before = await incidents.setStatus(tx, incidentId, status);
    if (before === null) throw new IncidentNotFoundError(incidentId);
    await audit.append(tx, {
      incidentId,
      actor: 'system',
      action: 'status_changed',
      detail: { status, before: { status: before }, after: { status } },
    });
  });
}

/**
 * Finds and records the incident's affected customers in one set-based statement, then its audit
 * entry (keyed, so a retry writes it once); returns the number of people (records of one person
 * are merged into one notice, see core/db/affected.ts). Throws IncidentNotFoundError.
 */
export async function identifyAffectedCustomers(deps: UseCaseDeps, incidentId: string): Promise<number> {
  const { pool } = deps;
  // Not one transaction with the audit entry: identification commits on its own so that the
  // planner's statistics (ANALYZE) see its rows; the identification is idempotent and the entry keyed.
  const count = await affected.identify(pool, incidentId);
  const merged = await affected.countMerged(pool, incidentId);
  await audit.append(pool, {
    incidentId,
    actor: 'system',
    action: 'affected_identified',
    detail: { affected: count, merged },
    dedupeKey: `affected_identified:${incidentId}`,
  });
  return count;
}
