import type { Config } from '../config';
import * as audit from '../db/audit';
import * as decisions from '../db/approval-decisions';
import * as determinations from '../db/determinations';
import type { Determination, DeterminationView } from '../db/determinations';
import * as incidents from '../db/incidents';
import * as obligations from '../db/obligations';
import type { Obligation } from '../db/obligations';
import type { Pool, Queryable } from '../db/pool';
import { inTransaction } from '../db/pool';
import type { DeterminationKind } from '../domain/determinations';
import type { ApprovalDecision } from '../domain/model';
import {
  ConflictError,
  ForbiddenError,
  IncidentNotFoundError,
  NotFoundError,
  ValidationError,
} from '../errors';
import { GDPR_STATES, RULES } from '../law';
import type { HoldRequestForm } from './obligations';
import { cancelMailingsIn } from './mailings';
import { assessWithin, liftIncidentHoldIn, placeIncidentHoldIn } from './obligations';
import type { Actor } from './types';

/**
 * Determinations (issue 15, item 4): the judgements the law leaves to compliance — no risk of harm
 * (with the facts that support it), the lead supervisory authority under GDPR Art. 56, an exemption,
 * a safe harbour, a law-enforcement request to delay. One compliance user proposes; a second approves
 * or rejects, never the proposer nor the officer who opened the incident (four eyes, as for notices).
 *
 * An approval takes effect in its own transaction: the obligations are re-assessed with it (core/law
 * `assessObligations` sets what it covers to not required, with the reason kept, and adds the duties
 * that follow, e.g. Alaska's written notice to the Attorney General, AS 45.48.010(c)); a
 * law-enforcement request instead places the incident's hold on what it covers (as POST /hold does).
 * Withdrawing an approved one undoes that the same way. The caller signals the workflow afterwards.
 */

export interface DeterminationDeps {
  pool: Pool;
  config: Readonly<Config>;
}

/** What a compliance user proposes. Scope: obligations named, or rule ids/jurisdictions, or neither (the whole incident). */
export interface ProposeInput {
  incidentId: string;
  kind: DeterminationKind;
  reason: string;
  /** The facts that support it; at least one for a judgement of harm, exemption or safe harbour. */
  facts: string[];
  obligationIds?: string[] | undefined;
  ruleIds?: string[] | undefined;
  jurisdictions?: string[] | undefined;
  /** lead_supervisory_authority only: the member state whose authority leads (GDPR Art. 56). */
  leadJurisdiction?: string | null | undefined;
  /** law_enforcement_request only: how the agency asked; written when not said. */
  requestForm?: HoldRequestForm | undefined;
}

/** The kinds that are a judgement on facts: each needs the facts that support it. */
const NEEDS_FACTS: readonly DeterminationKind[] = ['no_risk_of_harm', 'exemption', 'safe_harbour'];

const KNOWN_RULE_IDS = new Set(RULES.map((r) => r.id));

/**
 * Whether a determination's scope covers an obligation: rule ids (empty: every rule of the
 * jurisdictions), jurisdictions (empty: every jurisdiction of the rules); both empty, everything.
 */
export function covers(scope: Pick<Determination, 'ruleIds' | 'jurisdictions'>, o: Obligation): boolean {
  return (
    (scope.ruleIds.length === 0 || scope.ruleIds.includes(o.ruleId)) &&
    (scope.jurisdictions.length === 0 || scope.jurisdictions.includes(o.jurisdiction))
  );
}

/** The scope stored: from the obligations named (their rule ids and jurisdictions), or as given. */
async function scopeOf(
  tx: Queryable,
  input: ProposeInput,
): Promise<Pick<Determination, 'ruleIds' | 'jurisdictions' | 'obligationIds'>> {
  const named = input.obligationIds ?? [];
  if (named.length === 0) {
    const ruleIds = [...new Set(input.ruleIds ?? [])];
    ruleIds.forEach((id, i) => {
      if (!KNOWN_RULE_IDS.has(id))
        throw new ValidationError(`No rule ${id} (see GET /api/rules)`, `ruleIds.${i}`);
    });
    return { ruleIds, jurisdictions: [...new Set(input.jurisdictions ?? [])], obligationIds: [] };
  }
  if ((input.ruleIds?.length ?? 0) > 0 || (input.jurisdictions?.length ?? 0) > 0) {
    throw new ValidationError(
      'Name either obligations or rule ids and jurisdictions, not both',
      'obligationIds',
    );
  }
  const current = await obligations.current(tx, input.incidentId);
  const picked = named.map((id, i) => {
    const o = current.find((c) => c.id === id);
    if (!o) throw new ValidationError('is not a current obligation of this incident', `obligationIds.${i}`);
    return o;
  });
  const scope = {
    ruleIds: [...new Set(picked.map((o) => o.ruleId))],
    jurisdictions: [...new Set(picked.map((o) => o.jurisdiction))],
  };
  // The scope is stored as rules × jurisdictions (it must outlive re-assessment, which replaces the
  // obligation rows): refuse a choice it would widen, rather than cover more than was named.
  const widened = current.find((o) => covers(scope, o) && !picked.includes(o));
  if (widened) {
    throw new ValidationError(
      `These obligations would also cover ${widened.ruleId} in ${widened.jurisdiction}: propose one determination per jurisdiction`,
      'obligationIds',
    );
  }
  return { ...scope, obligationIds: [...new Set(named)] };
}

/**
 * Proposes a determination (compliance), with its audit entry. It changes nothing until a second
 * compliance user approves it (`decideDetermination`). Throws IncidentNotFoundError, ValidationError
 * naming the field.
 */
export async function proposeDetermination(
  deps: { pool: Pool },
  actor: Actor,
  input: ProposeInput,
): Promise<Determination> {
  const facts = input.facts.map((f) => f.trim()).filter((f) => f.length > 0);
  if (NEEDS_FACTS.includes(input.kind) && facts.length === 0) {
    throw new ValidationError('A judgement of this kind needs the facts that support it', 'facts');
  }
  const lead = input.leadJurisdiction ?? null;
  if (input.kind === 'lead_supervisory_authority') {
    if (!lead)
      throw new ValidationError(
        'The lead supervisory authority’s member state is missing',
        'leadJurisdiction',
      );
    if (!GDPR_STATES.includes(lead)) {
      throw new ValidationError(`${lead} is not an EU/EEA member state under the GDPR`, 'leadJurisdiction');
    }
  } else if (lead !== null) {
    throw new ValidationError(
      'Only a lead-supervisory-authority determination names one',
      'leadJurisdiction',
    );
  }
  if (input.requestForm && input.kind !== 'law_enforcement_request') {
    throw new ValidationError('Only a law-enforcement request has a request form', 'requestForm');
  }
  if (input.kind === 'incident_withdrawal') {
    // A false alarm or a duplicate is withdrawn whole: no part of it stays owed.
    const scoped = (['obligationIds', 'ruleIds', 'jurisdictions'] as const).find(
      (field) => (input[field]?.length ?? 0) > 0,
    );
    if (scoped) throw new ValidationError('An incident is withdrawn as a whole, not in part', scoped);
  }
  return inTransaction(deps.pool, async (tx) => {
    const incident = await incidents.get(tx, input.incidentId);
    if (!incident) throw new IncidentNotFoundError(input.incidentId);
    if (incident.withdrawnAt) throw new ConflictError('The incident is withdrawn');
    const scope = await scopeOf(tx, input);
    const row = await determinations.insert(tx, {
      incidentId: input.incidentId,
      kind: input.kind,
      ...scope,
      leadJurisdiction: lead,
      requestForm: input.kind === 'law_enforcement_request' ? (input.requestForm ?? 'written') : null,
      reason: input.reason,
      facts,
      proposedBy: actor.id,
    });
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: 'determination_proposed',
      detail: describe(row),
    });
    return row;
  });
}

/** The determination's identity and scope as the audit trail keeps it (no people, only rules and codes). */
function describe(d: Determination): Record<string, unknown> {
  return {
    determinationId: d.id,
    kind: d.kind,
    ruleIds: d.ruleIds,
    jurisdictions: d.jurisdictions,
    obligationIds: d.obligationIds,
    leadJurisdiction: d.leadJurisdiction,
    requestForm: d.requestForm,
    reason: d.reason,
    facts: d.facts,
  };
}

/** A determination of this incident, locked; NotFoundError for one of another incident. */
async function mustGet(tx: Queryable, incidentId: string, id: string): Promise<Determination> {
  if (!(await incidents.get(tx, incidentId))) throw new IncidentNotFoundError(incidentId);
  const row = await determinations.getForUpdate(tx, id);
  if (!row || row.incidentId !== incidentId) throw new NotFoundError(`No determination ${id}`);
  return row;
}

/**
 * Why this person may not decide on this determination, or null: an active compliance user, neither
 * its proposer nor the officer who opened the incident (four eyes), on one still proposed.
 */
async function refusalOf(
  tx: Queryable,
  d: Determination,
  openedBy: string,
  userId: string,
): Promise<ForbiddenError | ConflictError | null> {
  if ((await decisions.activeRoleOf(tx, userId)) !== 'compliance') {
    return new ForbiddenError('Only active compliance staff may approve or reject a determination');
  }
  if (d.proposedBy === userId) {
    return new ForbiddenError('The person who proposed the determination may not decide on it');
  }
  if (openedBy === userId) {
    return new ForbiddenError('The officer who opened the incident may not decide on its determinations');
  }
  if (d.status !== 'proposed') {
    return new ConflictError(`The determination is not waiting for a decision (it is ${d.status})`);
  }
  return null;
}

/** What a second compliance user decides. */
export interface DecideInput {
  incidentId: string;
  determinationId: string;
  decision: ApprovalDecision;
  comment: string | null;
}

/**
 * A second compliance user approves or rejects a proposed determination. An approval takes effect
 * in the same transaction: a law-enforcement request places the hold on the open obligations it
 * covers whose law permits one; any other kind re-assesses the incident with it. Throws
 * ForbiddenError (the proposer, the incident's opener, not compliance), ConflictError (not
 * proposed; a second lead supervisory authority while one stands), ValidationError (a rejection without a comment), NotFoundError.
 */
export async function decideDetermination(
  deps: DeterminationDeps,
  actor: Actor,
  input: DecideInput,
): Promise<Determination> {
  const comment = input.comment?.trim() || null;
  if (input.decision === 'reject' && !comment) {
    throw new ValidationError('A rejection needs a comment saying why', 'comment');
  }
  return inTransaction(deps.pool, async (tx) => {
    const d = await mustGet(tx, input.incidentId, input.determinationId);
    const incident = (await incidents.get(tx, input.incidentId))!;
    const refusal = await refusalOf(tx, d, incident.openedBy, actor.id);
    if (refusal) throw refusal;
    if (input.decision === 'approve' && d.kind === 'lead_supervisory_authority') {
      // GDPR Art. 56(1): one lead authority; a change of mind is a withdrawal, then a new approval.
      const standing = (await determinations.approvedFacts(tx, d.incidentId)).find(
        (f) => f.kind === 'lead_supervisory_authority',
      );
      if (standing) {
        throw new ConflictError(
          `The lead supervisory authority is already determined (${standing.leadJurisdiction}): withdraw that determination first`,
        );
      }
    }
    const decided = (await determinations.decide(tx, d.id, {
      status: input.decision === 'approve' ? 'approved' : 'rejected',
      decidedBy: actor.id,
      comment,
    }))!;
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: input.decision === 'approve' ? 'determination_approved' : 'determination_rejected',
      detail: { ...describe(decided), proposedBy: d.proposedBy, comment },
    });
    if (input.decision === 'approve' && d.kind === 'incident_withdrawal') {
      await incidents.markWithdrawn(tx, d.incidentId);
      await cancelMailingsIn(tx, actor, d.incidentId, `Incident withdrawn: ${d.reason}`);
      await audit.append(tx, {
        incidentId: d.incidentId,
        actor: actor.id,
        action: 'incident_withdrawn',
        detail: { determinationId: d.id, reason: d.reason, proposedBy: d.proposedBy, approvedBy: actor.id },
      });
    }
    if (input.decision === 'approve') await takeEffect(tx, deps.config, actor, decided);
    return decided;
  });
}

/**
 * What an approved determination (or its withdrawal) changes, in the caller's transaction: the hold
 * for a law-enforcement request; otherwise a re-assessment that reads the approved ones.
 */
async function takeEffect(
  tx: Queryable,
  config: Readonly<Config>,
  actor: Actor,
  d: Determination,
  withdrawn = false,
): Promise<void> {
  if (d.kind !== 'law_enforcement_request') {
    await assessWithin(tx, config, d.incidentId, actor.id);
    return;
  }
  const inScope = (o: Obligation) => covers(d, o);
  if (withdrawn) {
    await liftIncidentHoldIn(tx, actor, { incidentId: d.incidentId, within: inScope, ifAny: true });
  } else {
    await placeIncidentHoldIn(tx, actor, {
      incidentId: d.incidentId,
      reason: `Determination: law-enforcement request — ${d.reason}`,
      requestForm: d.requestForm ?? 'written',
      within: inScope,
      ifAny: true,
    });
  }
}

/**
 * Withdraws a determination: a proposed one by anyone in compliance (it never took effect); an
 * approved one likewise, with a reason, undoing it in the same transaction (the obligations it set
 * aside are re-assessed back, a law-enforcement request's hold is lifted from what it covers).
 * Throws ConflictError for one rejected or withdrawn already, NotFoundError.
 */
export async function withdrawDetermination(
  deps: DeterminationDeps,
  actor: Actor,
  input: { incidentId: string; determinationId: string; reason: string },
): Promise<Determination> {
  return inTransaction(deps.pool, async (tx) => {
    const d = await mustGet(tx, input.incidentId, input.determinationId);
    if (d.kind === 'incident_withdrawal' && d.status === 'approved') {
      // Its workflow has stopped and nothing more was sent: an incident found real after all is a new one.
      throw new ConflictError('A withdrawn incident stays withdrawn: open a new incident if it was real after all');
    }
    const withdrawn = await determinations.withdraw(tx, d.id, {
      withdrawnBy: actor.id,
      reason: input.reason,
    });
    if (!withdrawn) throw new ConflictError(`The determination is ${d.status}: there is nothing to withdraw`);
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: 'determination_withdrawn',
      detail: { ...describe(withdrawn), previousStatus: d.status, withdrawalReason: input.reason },
    });
    if (d.status === 'approved') await takeEffect(tx, deps.config, actor, withdrawn, true);
    return withdrawn;
  });
}

/** Every determination of an incident, newest first. Throws IncidentNotFoundError. */
export async function listDeterminations(
  deps: { pool: Pool },
  incidentId: string,
): Promise<DeterminationView[]> {
  if (!(await incidents.get(deps.pool, incidentId))) throw new IncidentNotFoundError(incidentId);
  return determinations.listForIncident(deps.pool, incidentId);
}
