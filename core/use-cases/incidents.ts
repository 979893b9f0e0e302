import { randomUUID } from 'node:crypto';
import * as affected from '../db/affected';
import * as audit from '../db/audit';
import * as incidents from '../db/incidents';
import type { Incident } from '../db/incidents';
import { inTransaction } from '../db/pool';
import type { DataCategory } from '../domain/categories';
import { incidentWorkflowId } from '../domain/ids';
import { DuplicateKeyError, ValidationError } from '../errors';
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
  /** Named customers (external ids) instead of identification by systems and categories. */
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
