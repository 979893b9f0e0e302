import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import * as audit from '../db/audit';
import * as incidents from '../db/incidents';
import * as obligations from '../db/obligations';
import type { Queryable } from '../db/pool';
import * as substitutes from '../db/substitute-notices';
import type { ReachCounts, SubstituteNoticeRow } from '../db/substitute-notices';
import { IncidentNotFoundError } from '../errors';
import { RULES, coversJurisdiction, substituteNoticeDue } from '../law';
import type { Rule } from '../law';

/**
 * Substitute notice (issue 14, item 5): when it is due, and whether it was carried out. Where a
 * statute's conditions hold for an individuals' obligation — the estimated cost of notice or the
 * number of people over its figures, or people Forthright has no lawful way to reach — the law asks
 * for notice by other means: e-mail where known, a conspicuous website posting for a period, notice
 * to major media, a toll-free line (HIPAA), a letter to the attorney general (Arizona). Rules carry
 * the conditions (core/law `SubstituteNotice`); this module tests them against the incident, tracks
 * each element until it is recorded, and says which rules' substitute notice was carried out
 * (`carriedOutSubstitutes`, for core/use-cases/reach.ts). Texts, approvals, the public page and what
 * compliance records are in substitute-texts.ts.
 *
 * Forthright still notifies everyone it can reach individually: a substitute notice is added, never
 * a reason to send fewer notices. Its data shape (migration 018) says why it is not obligation rows.
 */

const RULES_BY_ID = new Map<string, Rule>(RULES.map((r) => [r.id, r]));

/** The reach counts of the jurisdictions a rule covers, summed. */
function reachFor(rule: Rule, reach: readonly ReachCounts[]) {
  const inScope = reach.filter((r) => coversJurisdiction(rule, r.jurisdiction));
  const sum = (pick: (r: ReachCounts) => number) => inScope.reduce((n, r) => n + pick(r), 0);
  return {
    people: sum((r) => r.people),
    unreachable: sum((r) => r.unreachable),
    emailOnly: sum((r) => r.emailOnly),
    emails: sum((r) => r.emails),
    emailOutstanding: sum((r) => r.emailOutstanding),
  };
}

/**
 * The cost of notifying everyone individually: an email each to those whose channel includes one,
 * and a letter each to everyone not reached by email alone — people without a channel included: the
 * notice the statutes have in mind is written notice.
 */
function estimatedCostUsd(scope: ReturnType<typeof reachFor>, config: Readonly<Config>): number {
  const { costPerLetterUsd, costPerEmailUsd } = config.substituteNotice;
  const cost = (scope.people - scope.emailOnly) * costPerLetterUsd + scope.emails * costPerEmailUsd;
  return Math.round(cost * 100) / 100;
}

/**
 * Tests every individuals' obligation of the incident against its rule's substitute-notice
 * conditions, in the caller's transaction: creates (or updates) a substitute notice with its elements
 * where they hold, withdraws one whose conditions no longer hold and of which nothing was recorded,
 * records what the system can (e-mail sent to every known address), and audits what changed. Run
 * after channel planning and whenever reach changes (a bounce, returned mail); idempotent.
 */
export async function reviewSubstituteNotice(
  tx: Queryable,
  incidentId: string,
  config: Readonly<Config>,
): Promise<{ open: number; carriedOut: number }> {
  if (!(await incidents.get(tx, incidentId))) throw new IncidentNotFoundError(incidentId);
  const reach = await substitutes.reachByJurisdiction(tx, incidentId);
  const kept: string[] = [];
  const changed: Record<string, unknown>[] = [];
  for (const obligation of await obligations.current(tx, incidentId)) {
    const rule = RULES_BY_ID.get(obligation.ruleId);
    if (obligation.audience !== 'individuals' || obligation.status === 'not_required' || !rule) continue;
    const scope = reachFor(rule, reach);
    const facts = {
      residents: obligation.affectedCount,
      unreachable: scope.unreachable,
      estimatedCostUsd: estimatedCostUsd(scope, config),
    };
    const due = substituteNoticeDue(rule, facts);
    if (!due) continue;
    const row = await substitutes.upsert(tx, {
      incidentId,
      ruleId: rule.id,
      jurisdiction: obligation.jurisdiction,
      citation: due.provision.citation,
      tier: due.tier,
      reasons: due.reasons,
      ...facts,
      uncertain: due.provision.uncertain ?? null,
    });
    await substitutes.setElements(
      tx,
      row.id,
      due.elements.map((e) => ({ kind: e.kind, choice: e.choice, minDays: e.days, wording: e.wording })),
    );
    kept.push(row.id);
    if (row.changed) {
      changed.push({
        substituteNoticeId: row.id,
        ruleId: rule.id,
        reasons: due.reasons,
        tier: due.tier,
        ...facts,
      });
    }
  }
  const withdrawn = await substitutes.withdrawOthers(tx, incidentId, kept);
  if (changed.length > 0 || withdrawn.length > 0) {
    await audit.append(tx, {
      incidentId,
      actor: 'system',
      action: 'substitute_notice_reviewed',
      detail: { changed, withdrawn },
    });
  }
  const rows = await settleSubstituteNotices(tx, incidentId, reach);
  if (rows.some((r) => r.status !== 'withdrawn' && r.elements.some((e) => e.kind === 'website'))) {
    await ensurePosting(tx, incidentId);
  }
  return {
    open: rows.filter((r) => r.status === 'open').length,
    carriedOut: rows.filter((r) => r.status === 'carried_out').length,
  };
}

/**
 * The incident's public website posting, made if it has none yet, under an unguessable public id
 * (16 random bytes: the address of a page naming the company's breach is not to be found by trying).
 */
export function ensurePosting(tx: Queryable, incidentId: string) {
  return substitutes.ensurePosting(tx, incidentId, randomBytes(16).toString('base64url'));
}

/**
 * Records what the system can (the e-mail element, once nobody whose channel includes e-mail is still
 * waiting for theirs) and marks carried out every open substitute notice whose elements are all
 * recorded (one of each group of alternatives). Returns the incident's rows afterwards.
 */
async function settleSubstituteNotices(
  tx: Queryable,
  incidentId: string,
  reach?: ReachCounts[],
): Promise<SubstituteNoticeRow[]> {
  const counts = reach ?? (await substitutes.reachByJurisdiction(tx, incidentId));
  for (const row of await substitutes.listForIncident(tx, incidentId)) {
    if (row.status !== 'open') continue;
    const rule = RULES_BY_ID.get(row.ruleId);
    const email = row.elements.find((e) => e.kind === 'email' && !e.recordedAt);
    if (email && rule) {
      const scope = reachFor(rule, counts);
      if (scope.emailOutstanding === 0) {
        await substitutes.recordElement(tx, {
          substituteNoticeId: row.id,
          kind: 'email',
          startsAt: new Date(),
          recordedBy: null,
          channel: 'email',
          evidence: `Every known address was sent to (${scope.emails} people whose channel includes e-mail)`,
        });
        email.recordedAt = new Date();
      }
    }
    if (carriedOut(row)) {
      await substitutes.setStatus(tx, row.id, 'carried_out');
      await audit.append(tx, {
        incidentId,
        actor: 'system',
        action: 'substitute_notice_carried_out',
        detail: { substituteNoticeId: row.id, ruleId: row.ruleId, jurisdiction: row.jurisdiction },
        // Per tier: carried out again after a tier change is a second entry.
        dedupeKey: `substitute_carried_out:${row.id}:${row.tier}`,
      });
    }
  }
  return substitutes.listForIncident(tx, incidentId);
}

/** Every element recorded; of alternatives (same `choice`), one. */
function carriedOut(row: SubstituteNoticeRow): boolean {
  if (row.elements.length === 0) return false;
  const groups = new Map<string, boolean>();
  for (const e of row.elements) {
    const key = e.choice === null ? `kind:${e.kind}` : `choice:${e.choice}`;
    groups.set(key, (groups.get(key) ?? false) || e.recordedAt !== null);
  }
  return [...groups.values()].every(Boolean);
}

/**
 * The ids of the individuals' rules whose substitute notice was carried out (every element
 * recorded), for core/use-cases/reach.ts: people of that rule who could not be reached are covered.
 * Settles first, in the caller's transaction, so an e-mail element completed by the last delivery
 * counts at once.
 */
export async function carriedOutSubstitutes(tx: Queryable, incidentId: string): Promise<string[]> {
  await settleSubstituteNotices(tx, incidentId);
  return substitutes.carriedOutRuleIds(tx, incidentId);
}
