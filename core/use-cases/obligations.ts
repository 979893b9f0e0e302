import type { Config } from '../config';
import * as affected from '../db/affected';
import * as audit from '../db/audit';
import * as incidents from '../db/incidents';
import * as notices from '../db/notices';
import * as obligations from '../db/obligations';
import type { Obligation } from '../db/obligations';
import type { FactsCorrection } from '../db/incidents';
import type { Pool, Queryable } from '../db/pool';
import { inTransaction } from '../db/pool';
import { ConflictError, IncidentNotFoundError, NotFoundError } from '../errors';
import * as users from '../db/users';
import {
  RULES,
  RULES_VERSION,
  assessObligations,
  deadlineAnchor,
  lawEnforcementDelayPermitted,
  oralHoldLimitDays,
  unplacedGroups,
} from '../law';
import type { ObligationDraft, Rule, UnplacedGroup } from '../law';
import type { StaffMailer } from '../mail/staff-mailer';
import { assessmentFacts, incidentFacts } from './facts';
import type { Actor } from './types';

export interface ObligationDeps {
  pool: Pool;
  config: Readonly<Config>;
  staffMailer: StaffMailer;
}

/** A moment at which the workflow must act on an obligation. */
export interface DeadlineEvent {
  /** Unique per obligation, kind and due time: a moved deadline yields new events. */
  key: string;
  at: string;
  kind: 'reminder' | 'escalation' | 'cutoff' | 'due' | 'hold_ends';
  obligationId: string;
}

/** How a law-enforcement request to delay notice was made (45 CFR 164.412 treats the two apart). */
export type HoldRequestForm = 'written' | 'oral';

/**
 * The terms of a hold on these obligations: written, it lasts until lifted; oral, it ends by itself
 * where the law limits an oral request (HIPAA: 30 days, 45 CFR 164.412(b)).
 */
function holdTerms(picked: Obligation[], form: HoldRequestForm): obligations.HoldTerms {
  const oralLimitDays = new Map<string, number>();
  for (const o of picked) {
    const days = oralHoldLimitDays(o.jurisdiction);
    if (days !== null) oralLimitDays.set(o.id, days);
  }
  return { written: form === 'written', oralLimitDays };
}

/**
 * Assesses (or re-assesses) an incident's obligations under today's rules and freezes them with
 * the rules version, in one transaction with its audit entry. Re-assessment keeps the superseded
 * rows, so the change is visible. The workflow's first assessment; people re-assess with
 * `reassessIncident`. Throws IncidentNotFoundError.
 */
export async function assess(
  deps: Pick<ObligationDeps, 'pool' | 'config'>,
  incidentId: string,
  actor = 'system',
): Promise<number> {
  return inTransaction(deps.pool, (tx) => assessWithin(tx, deps.config, incidentId, actor));
}

/**
 * What the law asks of the incident now: its people counted as the statutes count them
 * (core/db/affected.ts `personGroups`), with its approved determinations and the times notice
 * actually went out (`assessmentFacts`). Read inside the caller's transaction; nothing written.
 */
async function draftsFor(
  tx: Queryable,
  config: Readonly<Config>,
  incidentId: string,
): Promise<{ drafts: ObligationDraft[]; jurisdictions: number; rulesVersion: string | null }> {
  const incident = await incidents.get(tx, incidentId);
  if (!incident) throw new IncidentNotFoundError(incidentId);
  const groups = await affected.personGroups(tx, incidentId);
  const drafts = assessObligations(await assessmentFacts(tx, incident, config), groups, {
    individualNoticeTargetHours: config.policy.individualNoticeTargetHours,
  });
  const jurisdictions = new Set(groups.map((g) => g.jurisdiction)).size;
  return { drafts, jurisdictions, rulesVersion: incident.rulesVersion };
}

/**
 * The assessment itself, inside the caller's transaction (a determination's approval re-assesses in
 * its own, core/use-cases/determinations.ts): replaces the current obligations, records the rules
 * version, and appends `obligations_assessed`. Throws IncidentNotFoundError.
 */
export async function assessWithin(
  tx: Queryable,
  config: Readonly<Config>,
  incidentId: string,
  actor: string,
): Promise<number> {
  const { drafts, jurisdictions } = await draftsFor(tx, config, incidentId);
  await obligations.replace(
    tx,
    incidentId,
    drafts.map((d) => ({
      ruleId: d.ruleId,
      jurisdiction: d.jurisdiction,
      audience: d.audience,
      regime: d.regime,
      citation: d.citation,
      deadlineText: d.deadlineText,
      legalDueAt: d.legalDueAt,
      dueAt: d.dueAt,
      status: d.status,
      reason: d.reason,
      affectedCount: d.affectedCount,
      uncertain: d.uncertain,
      rulesVersion: RULES_VERSION,
    })),
  );
  await obligations.setRulesVersion(tx, incidentId, RULES_VERSION);
  await audit.append(tx, {
    incidentId,
    actor,
    action: 'obligations_assessed',
    detail: { rulesVersion: RULES_VERSION, obligations: drafts.length, jurisdictions },
  });
  return drafts.length;
}

/**
 * After notices went out (issue 15 item 5): the deadlines counted from the individuals' notice
 * (California's copy to the Attorney General within 15 days of notifying, Iowa's 5 business days
 * after, "…or when the individuals are notified, if sooner") are counted again from when notice to
 * each jurisdiction's people actually went out (core/db/affected.ts `individualNoticeTimes`), not
 * from the planned time. Only those obligations move, in place (their ids stay, so the workflow's
 * deadline keys change only with the due time), and only while open and not on hold; an overdue one
 * whose deadline moved into the future is pending again. One audit entry,
 * `obligations_reassessed_after_notice`, lists what moved, from and to; none when nothing moved.
 * Everything else about the assessment (other rules, the rules version) is left as assessed: a
 * re-assessment stays an explicit act. Returns how many obligations moved. Throws IncidentNotFoundError.
 */
export async function reassessAfterNotice(
  deps: Pick<ObligationDeps, 'pool' | 'config'>,
  incidentId: string,
): Promise<{ changed: number }> {
  return inTransaction(deps.pool, async (tx) => {
    const { drafts, rulesVersion } = await draftsFor(tx, deps.config, incidentId);
    const byKey = new Map(drafts.map((d) => [`${d.ruleId}@${d.jurisdiction}`, d]));
    const now = Date.now();
    const moves: obligations.DueTimeMove[] = [];
    const moved: Record<string, unknown>[] = [];
    for (const o of await obligations.current(tx, incidentId)) {
      if ((o.status !== 'pending' && o.status !== 'overdue') || o.heldSince) continue;
      const rule = RULES.find((r) => r.id === o.ruleId);
      if (!rule || !countsFromIndividualNotice(rule)) continue;
      const d = byKey.get(`${o.ruleId}@${o.jurisdiction}`);
      if (!d || d.status !== 'pending') continue;
      if (sameInstant(d.dueAt, o.dueAt) && sameInstant(d.legalDueAt, o.legalDueAt)) continue;
      const reopen = o.status === 'overdue' && d.dueAt !== null && d.dueAt.getTime() > now;
      moves.push({ id: o.id, legalDueAt: d.legalDueAt, dueAt: d.dueAt, reopen });
      moved.push({
        obligationId: o.id,
        ruleId: o.ruleId,
        jurisdiction: o.jurisdiction,
        from: { dueAt: o.dueAt, legalDueAt: o.legalDueAt },
        to: { dueAt: d.dueAt, legalDueAt: d.legalDueAt },
        ...(reopen ? { reopened: true } : {}),
      });
    }
    if (moves.length === 0) return { changed: 0 };
    await obligations.moveDueTimes(tx, moves);
    await audit.append(tx, {
      incidentId,
      actor: 'system',
      action: 'obligations_reassessed_after_notice',
      detail: { rulesVersion: RULES_VERSION, assessedUnder: rulesVersion, moved },
    });
    return { changed: moves.length };
  });
}

/** Whether a rule's deadline runs from, or is capped by, the individuals' notice. */
function countsFromIndividualNotice(rule: Rule): boolean {
  return deadlineAnchor(rule.deadline) === 'individual_notice' || rule.notLaterThanIndividualNotice === true;
}

const sameInstant = (a: Date | null, b: Date | null): boolean =>
  (a === null && b === null) || (a !== null && b !== null && a.getTime() === b.getTime());

/**
 * The incident's people recorded with a country but no region where the law is regional (a US
 * customer with no state gets no state rule at all), each group with the regional rules that might
 * apply once their region is known: what the officer must resolve, since the assessment cannot.
 * A read; nothing changes. Throws IncidentNotFoundError.
 */
export async function unplacedPeople(
  deps: Pick<ObligationDeps, 'pool' | 'config'>,
  incidentId: string,
): Promise<UnplacedGroup[]> {
  const incident = await incidents.get(deps.pool, incidentId);
  if (!incident) throw new IncidentNotFoundError(incidentId);
  const groups = await affected.groupsByJurisdiction(deps.pool, incidentId);
  return unplacedGroups(incidentFacts(incident, deps.config), groups);
}

/** An incident's current obligations and the rules version they were assessed under. */
export interface ObligationSet {
  rulesVersion: string | null;
  items: Obligation[];
}

/**
 * Re-assesses an incident under the current rules, optionally from corrected facts (discovery or
 * materiality time, or the extortion payment NYDFS counts from, 23 NYCRR 500.17(c)): the correction,
 * its `reassessment_requested` entry and the new assessment commit together. A field left out keeps
 * what is recorded; null clears a nullable one. The caller then signals the workflow so its timers
 * follow.
 */
export async function reassessIncident(
  deps: Pick<ObligationDeps, 'pool' | 'config'>,
  actor: Actor,
  input: { incidentId: string; reason: string } & FactsCorrection,
): Promise<ObligationSet> {
  const { incidentId, reason, discoveredAt, materialityDeterminedAt, extortionPaidAt } = input;
  return inTransaction(deps.pool, async (tx) => {
    const incident = await incidents.get(tx, incidentId);
    if (!incident) throw new IncidentNotFoundError(incidentId);
    const corrected = await incidents.correctFacts(tx, incidentId, {
      discoveredAt,
      materialityDeterminedAt,
      extortionPaidAt,
    });
    await audit.append(tx, {
      incidentId,
      actor: actor.id,
      action: 'reassessment_requested',
      detail: {
        reason,
        previousRulesVersion: incident.rulesVersion,
        discoveredAt: discoveredAt ?? null,
        materialityDeterminedAt: materialityDeterminedAt ?? null,
        extortionPaidAt: extortionPaidAt ?? null,
        // The facts as the correction found them (locked) and as it left them.
        before: corrected?.before ?? null,
        after: corrected?.after ?? null,
      },
    });
    await assessWithin(tx, deps.config, incidentId, actor.id);
    return { rulesVersion: RULES_VERSION, items: await obligations.current(tx, incidentId) };
  });
}

/** Names one obligation of one incident. */
export interface ObligationRef {
  incidentId: string;
  obligationId: string;
}

/**
 * Runs `work` in one transaction on an obligation of the incident, then returns the obligation as
 * it is afterwards. Throws IncidentNotFoundError, or NotFoundError for an obligation of another incident.
 */
async function onObligation(
  pool: Pool,
  ref: ObligationRef,
  work: (tx: Queryable, obligation: Obligation) => Promise<void>,
): Promise<Obligation> {
  return inTransaction(pool, async (tx) => {
    if (!(await incidents.get(tx, ref.incidentId))) throw new IncidentNotFoundError(ref.incidentId);
    const obligation = await obligations.get(tx, ref.obligationId);
    if (!obligation || obligation.incidentId !== ref.incidentId) {
      throw new NotFoundError(`No obligation ${ref.obligationId}`);
    }
    await work(tx, obligation);
    return (await obligations.get(tx, obligation.id))!;
  });
}

/**
 * Records why an obligation is late; with `lawEnforcementHold`, and where its law permits it, the
 * obligation's clock is paused until the hold is lifted.
 */
export async function recordDelay(
  deps: { pool: Pool },
  actor: Actor,
  input: ObligationRef & {
    reason: string;
    lawEnforcementHold: boolean;
    requestForm?: HoldRequestForm | undefined;
  },
): Promise<Obligation> {
  const requestForm = input.requestForm ?? 'written';
  return onObligation(deps.pool, input, async (tx, obligation) => {
    const permitted = lawEnforcementDelayPermitted(obligation.jurisdiction, obligation.audience);
    const hold = input.lawEnforcementHold && permitted;
    await obligations.recordDelay(
      tx,
      [obligation.id],
      input.reason,
      hold && holdTerms([obligation], requestForm),
    );
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: hold ? 'obligation_held' : 'delay_reason_recorded',
      detail: {
        obligationId: obligation.id,
        jurisdiction: obligation.jurisdiction,
        reason: input.reason,
        holdRequested: input.lawEnforcementHold,
        holdPermitted: permitted,
        ...(input.lawEnforcementHold ? { requestForm } : {}),
      },
    });
  });
}

/** Lifts one obligation's law-enforcement hold: its deadline moves on by the time held. */
export async function liftObligationHold(
  deps: { pool: Pool },
  actor: Actor,
  input: ObligationRef,
): Promise<Obligation> {
  return onObligation(deps.pool, input, async (tx, obligation) => {
    if (!obligation.heldSince) throw new ConflictError('This obligation is not on hold');
    await obligations.liftHold(tx, [obligation.id]);
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: 'obligation_hold_lifted',
      detail: { obligationId: obligation.id, heldSince: obligation.heldSince },
    });
  });
}

/** One change to a set of current obligations, with its audit entry (`changeEachIn`). */
interface ChangeStep {
  pick: (o: Obligation) => boolean;
  none: string;
  change: (tx: Queryable, picked: Obligation[]) => Promise<void>;
  action: string;
  detail: Record<string, unknown>;
}

/** Narrows a hold or its lifting for a caller acting on part of the incident (a determination). */
interface HoldScope {
  /** Only these obligations; every one when not given. */
  within?: (o: Obligation) => boolean;
  /** Nothing to do is no error: no change and no audit entry, instead of a ConflictError. */
  ifAny?: boolean;
}

/**
 * One change to every current obligation `pick` selects (one statement for all of them), with one
 * audit entry, in the caller's transaction: a ConflictError saying `none` when nothing qualifies, or
 * with `ifAny`, no change and no entry.
 */
async function changeEachIn(
  tx: Queryable,
  actor: Actor,
  incidentId: string,
  step: ChangeStep,
  scope: HoldScope = {},
): Promise<ObligationSet> {
  const incident = await incidents.get(tx, incidentId);
  if (!incident) throw new IncidentNotFoundError(incidentId);
  const within = scope.within ?? (() => true);
  const picked = (await obligations.current(tx, incidentId)).filter((o) => within(o) && step.pick(o));
  if (picked.length > 0) {
    await step.change(tx, picked);
    await audit.append(tx, {
      incidentId,
      actor: actor.id,
      action: step.action,
      detail: {
        ...step.detail,
        obligations: picked.length,
        jurisdictions: [...new Set(picked.map((o) => o.jurisdiction))],
        obligationIds: picked.map((o) => o.id),
      },
    });
  } else if (!scope.ifAny) {
    throw new ConflictError(step.none);
  }
  return { rulesVersion: incident.rulesVersion, items: await obligations.current(tx, incidentId) };
}

/**
 * A law-enforcement hold for the whole incident: pauses every open obligation whose law permits it.
 * A request made orally (`requestForm: 'oral'`; written when not said) holds the obligations whose
 * law limits an oral request only so long (HIPAA: 30 days, 45 CFR 164.412(b)): their clocks run
 * again by themselves then (`schedule`'s `hold_ends`), unless a written request is recorded first.
 */
export async function placeIncidentHold(
  deps: { pool: Pool },
  actor: Actor,
  input: { incidentId: string; reason: string; requestForm?: HoldRequestForm | undefined },
): Promise<ObligationSet> {
  return inTransaction(deps.pool, (tx) => placeIncidentHoldIn(tx, actor, input));
}

/**
 * `placeIncidentHold` inside the caller's transaction, optionally on part of the incident (an
 * approved law-enforcement-request determination, core/use-cases/determinations.ts).
 */
export async function placeIncidentHoldIn(
  tx: Queryable,
  actor: Actor,
  input: { incidentId: string; reason: string; requestForm?: HoldRequestForm | undefined } & HoldScope,
): Promise<ObligationSet> {
  const requestForm = input.requestForm ?? 'written';
  return changeEachIn(
    tx,
    actor,
    input.incidentId,
    {
      // Not yet held; or held orally for a limited time, when the written request follows.
      pick: (o) =>
        (o.status === 'pending' || o.status === 'overdue') &&
        (!o.heldSince || (requestForm === 'written' && o.heldUntil !== null)) &&
        lawEnforcementDelayPermitted(o.jurisdiction, o.audience),
      none: 'No open obligation of this incident may be paused by a law-enforcement hold',
      change: (tx, picked) =>
        obligations.recordDelay(
          tx,
          picked.map((o) => o.id),
          input.reason,
          holdTerms(picked, requestForm),
        ),
      action: 'law_enforcement_hold_recorded',
      detail: { reason: input.reason, requestForm },
    },
    input,
  );
}

/** Lifts the law-enforcement hold on every held obligation: each deadline moves on by the time held. */
export async function liftIncidentHold(
  deps: { pool: Pool },
  actor: Actor,
  input: { incidentId: string },
): Promise<ObligationSet> {
  return inTransaction(deps.pool, (tx) => liftIncidentHoldIn(tx, actor, input));
}

/** `liftIncidentHold` inside the caller's transaction, optionally on part of the incident. */
export async function liftIncidentHoldIn(
  tx: Queryable,
  actor: Actor,
  input: { incidentId: string } & HoldScope,
): Promise<ObligationSet> {
  return changeEachIn(
    tx,
    actor,
    input.incidentId,
    {
      pick: (o) => o.heldSince !== null,
      none: 'No obligation of this incident is on hold',
      change: (tx, picked) =>
        obligations.liftHold(
          tx,
          picked.map((o) => o.id),
        ),
      action: 'law_enforcement_hold_lifted',
      detail: {},
    },
    input,
  );
}

/**
 * Every future action for the incident's unresolved obligations: reminders at the configured
 * fractions of each window (the last one an escalation), the standard-notice cut-off for the
 * strictest individuals' deadline, and each due time. Sorted by time.
 *
 * A held obligation's clock is paused: it has none of these — except under a hold that ends by
 * itself (an oral request where the law limits it, HIPAA's 30 days): then a `hold_ends` event at its
 * end, and its actions as they will be once the clock runs again (the deadline moved on by the time
 * held, exactly what lifting it then writes, so the keys stay the same), none before the hold ends.
 */
export async function schedule(deps: ObligationDeps, incidentId: string): Promise<DeadlineEvent[]> {
  const incident = await incidents.get(deps.pool, incidentId);
  if (!incident) return [];
  const start = incident.discoveredAt.getTime();
  const fractions = deps.config.policy.reminderFractions;
  const events: DeadlineEvent[] = [];
  const now = Date.now();
  /**
   * An obligation whose clock runs, or will run again: its actions from `from` on, none before `after`
   * (just after its hold ends, so that the hold is lifted first; unbounded when it is not held).
   */
  type Running = { o: Obligation; due: number; from: number; after: number };
  const running: Running[] = [];
  for (const o of await obligations.current(deps.pool, incidentId)) {
    if (o.heldSince && o.heldUntil && (o.status === 'pending' || o.status === 'overdue')) {
      const ends = o.heldUntil.getTime();
      events.push({ key: `${o.id}:hold_ends:${ends}`, at: iso(ends), kind: 'hold_ends', obligationId: o.id });
      if (o.status === 'pending' && o.dueAt) {
        const after = ends + 1000;
        const due = o.dueAt.getTime() + (ends - o.heldSince.getTime());
        running.push({ o, due, from: Math.max(after, now), after });
      }
    } else if (o.status === 'pending' && o.dueAt !== null && o.heldSince === null) {
      running.push({ o, due: o.dueAt.getTime(), from: now, after: -Infinity });
    }
  }
  for (const { o, due, from, after } of running) {
    const nudges = fractions.map((f, i) => {
      const kind = i === fractions.length - 1 ? ('escalation' as const) : ('reminder' as const);
      return { key: `${o.id}:${kind}:${f}:${due}`, at: start + f * (due - start), kind, obligationId: o.id };
    });
    // An incident logged late (or a clock running again) has several reminders in the past
    // already: only the latest is sent.
    const latestPast = nudges.filter((n) => n.at <= from).at(-1);
    for (const n of nudges) {
      if (n.at > from || n === latestPast) events.push({ ...n, at: iso(Math.max(n.at, after)) });
    }
    events.push({
      key: `${o.id}:due:${due}`,
      at: iso(Math.max(due, after)),
      kind: 'due',
      obligationId: o.id,
    });
  }
  const strictest = running.filter((r) => r.o.audience === 'individuals').sort((a, b) => a.due - b.due)[0];
  if (strictest) {
    const { due, after } = strictest;
    const at = start + deps.config.policy.standardNoticeCutoffFraction * (due - start);
    events.push({
      key: `cutoff:${due}`,
      at: iso(Math.max(at, after)),
      kind: 'cutoff',
      obligationId: strictest.o.id,
    });
  }
  return events.sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
}

/**
 * Ends a hold whose time is up by itself (an oral request past the law's limit, 45 CFR 164.412(b)):
 * the deadline moves on by the time held up to then, in one transaction with its audit entry under
 * the event's key (a retry acts once). Nothing when the hold was lifted, or made written, meanwhile.
 */
async function endExpiredHold(pool: Pool, incidentId: string, event: DeadlineEvent): Promise<void> {
  await inTransaction(pool, async (tx) => {
    const obligation = await obligations.get(tx, event.obligationId);
    if (!obligation?.heldSince || !obligation.heldUntil || obligation.heldUntil.getTime() > Date.now())
      return;
    await obligations.liftHold(tx, [obligation.id]);
    await audit.append(tx, {
      incidentId,
      actor: 'system',
      action: 'law_enforcement_hold_expired',
      detail: {
        obligationId: obligation.id,
        jurisdiction: obligation.jurisdiction,
        audience: obligation.audience,
        heldSince: obligation.heldSince,
        heldUntil: obligation.heldUntil,
      },
      dedupeKey: event.key,
    });
  });
}

/**
 * Acts on one deadline event against the current state. Each action is recorded in the audit trail
 * under the event's key, so a retried activity acts once.
 */
export async function handleEvent(
  deps: ObligationDeps,
  input: { incidentId: string; event: DeadlineEvent; noticeApproved: boolean },
): Promise<{ standardNotice: { id: string; version: number } | null }> {
  const { pool } = deps;
  const { incidentId, event } = input;
  if (event.kind === 'hold_ends') {
    await endExpiredHold(pool, incidentId, event);
    return { standardNotice: null };
  }
  const obligation = await obligations.get(pool, event.obligationId);
  const incident = await incidents.get(pool, incidentId);
  if (!obligation || !incident || obligation.status !== 'pending' || obligation.heldSince) {
    return { standardNotice: null };
  }
  const waitsOnApproval = obligation.audience === 'individuals' && !input.noticeApproved;
  // Compliance hears of every alert; the officer who opened the incident of escalations and misses.
  const staffAddresses = async (withOfficer: boolean) => {
    const compliance = await users.listByRole(pool, 'compliance');
    const officer = withOfficer ? await users.findById(pool, incident.openedBy) : null;
    return [...compliance, ...(officer ? [officer] : [])].map((u) => u.email);
  };
  // The trail entry for an alert, under the event's key so a retried activity writes it once.
  const recordStaffAlert = (action: string, detail: Record<string, unknown>) =>
    audit.append(pool, {
      incidentId,
      actor: 'system',
      action,
      detail: {
        obligationId: obligation.id,
        jurisdiction: obligation.jurisdiction,
        audience: obligation.audience,
        dueAt: obligation.dueAt,
        ...detail,
      },
      dedupeKey: event.key,
    });

  switch (event.kind) {
    case 'reminder':
    case 'escalation': {
      // Individuals' obligations only need a push while their notice waits for approval.
      if (obligation.audience === 'individuals' && input.noticeApproved) return { standardNotice: null };
      const to = await staffAddresses(event.kind === 'escalation');
      await deps.staffMailer.sendOnce(event.key, to, {
        kind: event.kind,
        incident,
        obligation,
        waitsOnApproval,
      });
      await recordStaffAlert(event.kind === 'reminder' ? 'deadline_reminder_sent' : 'deadline_escalated', {
        recipients: to.length,
      });
      return { standardNotice: null };
    }
    case 'cutoff': {
      if (input.noticeApproved) return { standardNotice: null };
      const standard = await useStandardNotice(deps, incidentId, event.key);
      if ('unavailable' in standard) {
        await audit.append(pool, {
          incidentId,
          actor: 'system',
          action: 'standard_notice_unavailable',
          detail: { obligationId: obligation.id, dueAt: obligation.dueAt, reason: standard.unavailable },
          dedupeKey: event.key,
        });
        return { standardNotice: null };
      }
      return { standardNotice: standard };
    }
    case 'due': {
      if (await obligations.markOverdue(pool, obligation.id)) {
        await deps.staffMailer.sendOnce(event.key, await staffAddresses(true), {
          kind: 'overdue',
          incident,
          obligation,
          waitsOnApproval,
        });
        await recordStaffAlert('obligation_overdue', { delayReason: obligation.delayReason });
      }
      return { standardNotice: null };
    }
  }
}

/**
 * At the cut-off, an incident whose own notice is still unapproved is sent the standard notice that
 * two compliance users approved, as an approved notice of its own that records where it came from.
 * Its text is theirs exactly (not even the incident's title, which nobody reviewed for customers), and
 * it is not used where one of them opened the incident: that would be their own decision on it.
 */
async function useStandardNotice(
  deps: ObligationDeps,
  incidentId: string,
  key: string,
): Promise<{ id: string; version: number } | { unavailable: string }> {
  return inTransaction(deps.pool, async (tx) => {
    const standard = await notices.activePreapproved(tx);
    if (!standard) return { unavailable: 'no standard notice approved by two compliance users' };
    const incident = (await incidents.get(tx, incidentId))!;
    if (incident.openedBy === standard.approvedBy || incident.openedBy === standard.confirmedBy) {
      return { unavailable: 'the standard notice was approved by the person who opened this incident' };
    }
    const latest = (await notices.listForIncident(tx, incidentId))[0];
    const notice = await notices.draft(tx, incidentId, {
      content: standard.content,
      templateVersion: standard.templateVersion,
      contentHash: standard.contentHash,
      afterVersion: latest?.version ?? 0,
    });
    await notices.approveFromPreapproval(tx, notice.id, standard.id, standard.approvedBy);
    await audit.append(tx, {
      incidentId,
      actor: 'system',
      action: 'standard_notice_used',
      detail: {
        noticeId: notice.id,
        preapprovedNoticeId: standard.id,
        templateVersion: standard.templateVersion,
        contentHash: standard.contentHash,
        approvers: [standard.approvedBy, standard.confirmedBy],
      },
      dedupeKey: key,
    });
    return { id: notice.id, version: notice.version };
  });
}

const iso = (ms: number) => new Date(ms).toISOString();
