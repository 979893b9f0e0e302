import * as audit from '../db/audit';
import * as obligations from '../db/obligations';
import type { Obligation } from '../db/obligations';
import type { Pool, Queryable } from '../db/pool';
import { inTransaction } from '../db/pool';
import * as reach from '../db/reach';
import * as substitutes from '../db/substitute-notices';
import type { ReachGroupRow } from '../db/reach';
import type { AffectedStatus, NoticeChannel, ReachState } from '../domain/model';
import { REACH_STATES } from '../domain/model';
import { RULES, countPeople, groupsCountedBy } from '../law';
import { carriedOutSubstitutes } from './substitute-notice';

/**
 * Honest status (issue 14 item 6): an individuals' obligation is met only when every affected person
 * it counts was notified by a method its rule accepts, or is covered by a substitute notice that was
 * carried out. A person's channel was planned from the rules that apply to them (core/law
 * `decideChannel`), so being `notified` on it is notice the rule accepts; people with no lawful
 * channel, whose notice was undeliverable, or handled by hand (deceased, no representative's email)
 * count as reached only once the rule's substitute notice is carried out. Anyone still waiting for
 * an email or a letter keeps the obligation open ("partly met", with the counts per state).
 */

/** People an obligation counts, per reach state; `covered`: unreached but covered by a carried-out substitute notice. */
export type ReachCounts = Record<ReachState, number> & { covered: number; total: number };

/** An individuals' obligation and how far its people are reached. */
export interface ObligationReach {
  obligationId: string;
  ruleId: string;
  jurisdiction: string;
  counts: ReachCounts;
  /** Everyone counted is notified or covered. */
  reached: boolean;
}

/** States a substitute notice covers: nobody can reach these people individually any more. */
const SUBSTITUTE_COVERS: readonly ReachState[] = ['undeliverable', 'no_channel', 'manual'];

/** Where a person stands, from their record's status and planned channel (null: not planned, read as email). */
function reachStateOf(status: AffectedStatus, channel: NoticeChannel | null): ReachState {
  switch (status) {
    case 'notified':
      return 'notified';
    case 'manual':
      return 'manual';
    case 'undeliverable':
      return 'undeliverable';
    default:
      if (channel === 'none') return 'no_channel';
      if (channel === 'letter' || channel === 'email_and_letter') return 'awaiting_letter';
      return 'awaiting_email';
  }
}

const emptyCounts = (): ReachCounts =>
  Object.assign(Object.fromEntries(REACH_STATES.map((s) => [s, 0])) as Record<ReachState, number>, {
    covered: 0,
    total: 0,
  });

/**
 * The reach of each of the incident's current individuals' obligations (not the `not_required`
 * ones): one aggregate over the incident's records (core/db/reach.ts `reachGroups`), counted per
 * obligation as the law engine counts its affected people. Read-only; `carriedOut` names the rules
 * whose substitute notice was carried out.
 */
export async function reachOf(
  db: Queryable,
  incidentId: string,
  items: readonly Obligation[],
  carriedOut: readonly string[],
): Promise<ObligationReach[]> {
  const individuals = items.filter((o) => o.audience === 'individuals' && o.status !== 'not_required');
  if (individuals.length === 0) return [];
  const groups = (await reach.reachGroups(db, incidentId)).map((g: ReachGroupRow) => ({
    ...g,
    state: reachStateOf(g.status, g.channel),
  }));
  return individuals.map((o) => {
    const counts = emptyCounts();
    const rule = RULES.find((r) => r.id === o.ruleId);
    const counted = rule ? groupsCountedBy(rule, o.jurisdiction, groups) : [];
    // A person with records in several of the obligation's jurisdictions (HIPAA's pooled notice)
    // is in a group under each: counted once, as the law engine counts them (core/law `countPeople`).
    for (const state of REACH_STATES) {
      const n = countPeople(counted.filter((g) => g.state === state));
      counts[state] += n;
      counts.total += n;
    }
    if (carriedOut.includes(o.ruleId)) {
      counts.covered = SUBSTITUTE_COVERS.reduce((n, s) => n + counts[s], 0);
    }
    const reached = counts.total > 0 && counts.notified + counts.covered === counts.total;
    return { obligationId: o.id, ruleId: o.ruleId, jurisdiction: o.jurisdiction, counts, reached };
  });
}

/** An obligation as stored, with its reach (individuals' obligations; null for the others). */
export type ObligationWithReach = Obligation & { reach: ObligationReach['counts'] | null };

/**
 * An incident's current obligations, each individuals' one with how far its people are reached
 * (for the API and console: "partly met" with the counts per state). Read-only: substitute notices
 * count as carried out as last recorded.
 */
export async function obligationsWithReach(
  db: Queryable,
  incidentId: string,
): Promise<ObligationWithReach[]> {
  const items = await obligations.current(db, incidentId);
  const byId = new Map(
    (await reachOf(db, incidentId, items, await substitutes.carriedOutRuleIds(db, incidentId))).map((r) => [
      r.obligationId,
      r.counts,
    ]),
  );
  return items.map((o) => ({ ...o, reach: byId.get(o.id) ?? null }));
}

/** What settling changed: obligations now met, re-opened, and still open. Ids and counts only. */
export interface SettledReach {
  met: number;
  reopened: number;
  open: number;
}

/**
 * Recomputes the individuals' obligations' status from reach, inside the caller's transaction:
 * an open one whose people are all reached (or covered) is met; a met one with someone unreached
 * (a late bounce, returned mail) is re-opened. Each change has its audit entry with the counts. Safe
 * to call at any time and again: it only writes what changed. Called when delivery finishes and by
 * every change to a person's reach (letters, bounces, substitute notice).
 */
export async function settleReach(tx: Queryable, incidentId: string): Promise<SettledReach> {
  const items = await obligations.current(tx, incidentId);
  const carriedOut = await carriedOutSubstitutes(tx, incidentId);
  const byId = new Map(items.map((o) => [o.id, o]));
  const result: SettledReach = { met: 0, reopened: 0, open: 0 };
  const nowMet: ObligationReach[] = [];
  const reopened: ObligationReach[] = [];
  for (const r of await reachOf(tx, incidentId, items, carriedOut)) {
    const status = byId.get(r.obligationId)!.status;
    if (r.reached && (status === 'pending' || status === 'overdue')) nowMet.push(r);
    else if (!r.reached && status === 'met') reopened.push(r);
    else if (!r.reached) result.open++;
  }
  // Each change with its audit entry, naming the obligations and their counts.
  const record = async (
    list: ObligationReach[],
    step: { change: (db: Queryable, ids: string[]) => Promise<void>; action: string },
  ) => {
    if (list.length === 0) return;
    const ids = list.map((r) => r.obligationId);
    await step.change(tx, ids);
    await audit.append(tx, {
      incidentId,
      actor: 'system',
      action: step.action,
      detail: { obligations: ids, reach: list.map(summary) },
    });
  };
  await record(nowMet, { change: obligations.markMet, action: 'individuals_obligations_met' });
  await record(reopened, { change: obligations.reopen, action: 'individuals_obligations_reopened' });
  result.met = nowMet.length;
  result.reopened = reopened.length;
  result.open += reopened.length;
  return result;
}

const summary = (r: ObligationReach) => ({ obligationId: r.obligationId, ruleId: r.ruleId, ...r.counts });

/** `settleReach` in a transaction of its own (the workflow's activity). */
export async function settleIncidentReach(deps: { pool: Pool }, incidentId: string): Promise<SettledReach> {
  return inTransaction(deps.pool, (tx) => settleReach(tx, incidentId));
}
