import * as audit from '../db/audit';
import * as incidents from '../db/incidents';
import * as obligations from '../db/obligations';
import type { Obligation } from '../db/obligations';
import type { Pool, Queryable } from '../db/pool';
import { inTransaction } from '../db/pool';
import * as overrides from '../db/prior-filings';
import type { PriorFilingOverride } from '../db/prior-filings';
import { ConflictError, IncidentNotFoundError, NotFoundError } from '../errors';
import { mustPrecedeIndividualNotice } from '../law';
import type { Actor } from './types';

/**
 * Filings that must come before the individuals hear (issue 15, item 5): a rule with
 * `beforeIndividualNotice` (Maryland's Attorney General, Md. Code, Com. Law § 14-3504(h); New Jersey's
 * State Police, N.J.S.A. 56:8-163(c)(1)). The incident workflow asks `openPriorFilings` before it
 * starts delivery and waits while any is open: filed (the obligation met with proof,
 * core/use-cases/filings.ts), found not required, or let go by compliance with a recorded reason
 * (`overridePriorFiling`). Every change to an obligation signals the workflow, which asks again.
 */

/** An obligation that must be met before the individuals' notice, and whether it holds delivery. */
export interface PriorFiling {
  obligationId: string;
  ruleId: string;
  jurisdiction: string;
  regime: string;
  citation: string;
  status: Obligation['status'];
  /** Open (pending or overdue) and not overridden: delivery waits for it. */
  holdsDelivery: boolean;
  override: Omit<PriorFilingOverride, 'ruleId' | 'jurisdiction'> | null;
}

function isOpen(o: Obligation): boolean {
  return o.status === 'pending' || o.status === 'overdue';
}

async function priorFilingsIn(db: Queryable, incidentId: string): Promise<PriorFiling[]> {
  const [current, recorded] = await Promise.all([
    obligations.current(db, incidentId),
    overrides.listForIncident(db, incidentId),
  ]);
  return current
    .filter((o) => mustPrecedeIndividualNotice(o.ruleId))
    .map((o) => {
      const found = recorded.find((r) => r.ruleId === o.ruleId && r.jurisdiction === o.jurisdiction);
      const override = found
        ? { reason: found.reason, overriddenBy: found.overriddenBy, overriddenAt: found.overriddenAt }
        : null;
      return {
        obligationId: o.id,
        ruleId: o.ruleId,
        jurisdiction: o.jurisdiction,
        regime: o.regime,
        citation: o.citation,
        status: o.status,
        holdsDelivery: isOpen(o) && override === null,
        override,
      };
    });
}

/** The incident's filings that must precede the individuals' notice. Throws IncidentNotFoundError. */
export async function priorFilings(deps: { pool: Pool }, incidentId: string): Promise<PriorFiling[]> {
  if (!(await incidents.get(deps.pool, incidentId))) throw new IncidentNotFoundError(incidentId);
  return priorFilingsIn(deps.pool, incidentId);
}

/** How many prior filings hold delivery now (the workflow's question; a count, no names). */
export async function openPriorFilings(deps: { pool: Pool }, incidentId: string): Promise<number> {
  return (await priorFilingsIn(deps.pool, incidentId)).filter((p) => p.holdsDelivery).length;
}

/**
 * Compliance lets delivery go ahead before a prior filing is made, with the reason recorded and
 * audited. The obligation itself stays open (the filing is still owed; its deadline keeps running).
 * Throws NotFoundError for an obligation of another incident or one that need not precede the
 * notice, ConflictError when it does not hold delivery (met, not required, or overridden already).
 */
export async function overridePriorFiling(
  deps: { pool: Pool },
  actor: Actor,
  input: { incidentId: string; obligationId: string; reason: string },
): Promise<PriorFiling> {
  return inTransaction(deps.pool, async (tx) => {
    if (!(await incidents.get(tx, input.incidentId))) throw new IncidentNotFoundError(input.incidentId);
    const before = (await priorFilingsIn(tx, input.incidentId)).find(
      (p) => p.obligationId === input.obligationId,
    );
    if (!before) {
      throw new NotFoundError(`No obligation ${input.obligationId} of this incident must precede the notice`);
    }
    if (!before.holdsDelivery) {
      throw new ConflictError(
        before.override
          ? 'Delivery was already allowed to go ahead without this filing'
          : `This filing does not hold delivery (it is ${before.status})`,
      );
    }
    await overrides.record(tx, input.incidentId, {
      ruleId: before.ruleId,
      jurisdiction: before.jurisdiction,
      reason: input.reason,
      overriddenBy: actor.id,
    });
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: 'prior_filing_overridden',
      detail: {
        obligationId: before.obligationId,
        ruleId: before.ruleId,
        jurisdiction: before.jurisdiction,
        citation: before.citation,
        reason: input.reason,
      },
    });
    return (await priorFilingsIn(tx, input.incidentId)).find(
      (p) => p.ruleId === before.ruleId && p.jurisdiction === before.jurisdiction,
    )!;
  });
}
