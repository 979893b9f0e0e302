import type { SubstituteElement, SubstituteReason } from '../domain/substitute-notice';
import type { Rule, SubstituteMeasure, SubstituteNotice } from './types';

/**
 * Substitute notice: whether a statute's conditions hold for an incident, and what the notice then
 * consists of. Pure: callers count the people and estimate the cost (core/use-cases/substitute-notice.ts).
 */

/** What the conditions are tested against, for one individuals' obligation (one rule, one jurisdiction). */
export interface SubstituteFacts {
  /** The people the rule covers (the obligation's affected count). */
  residents: number;
  /** Of them, people with no lawful channel or whose notice was undeliverable. */
  unreachable: number;
  /** The estimated cost of notifying each of them individually, in US dollars. */
  estimatedCostUsd: number;
}

/** One element as tracked: `choice` groups alternatives (any one satisfies the group), else null. */
export interface SubstituteElementSpec {
  kind: SubstituteElement;
  days: number | null;
  wording: string;
  choice: number | null;
}

export interface SubstituteDue {
  /** Which tier of the rule's `substituteNotice` applies (0 = first). */
  tier: number;
  provision: SubstituteNotice;
  /** Every condition that holds, in SUBSTITUTE_REASONS order. */
  reasons: SubstituteReason[];
  elements: SubstituteElementSpec[];
}

function reasonsFor(notice: SubstituteNotice, facts: SubstituteFacts): SubstituteReason[] {
  const { costExceedsUsd, affectedExceeds, unreachableAtLeast } = notice.when;
  const reasons: SubstituteReason[] = [];
  if (costExceedsUsd !== undefined && facts.estimatedCostUsd > costExceedsUsd) reasons.push('cost');
  if (affectedExceeds !== undefined && facts.residents > affectedExceeds) reasons.push('number');
  if (unreachableAtLeast !== undefined && facts.unreachable > 0 && facts.unreachable >= unreachableAtLeast)
    reasons.push('insufficient_contact');
  return reasons;
}

/** The elements of a provision, alternatives sharing a `choice` number. */
export function substituteElements(notice: SubstituteNotice): SubstituteElementSpec[] {
  return notice.consistsOf.flatMap((entry, i) => {
    const measures: readonly SubstituteMeasure[] = isChoice(entry) ? entry : [entry];
    return measures.map((m) => ({
      kind: m.kind,
      days: m.days ?? null,
      wording: m.wording,
      choice: isChoice(entry) ? i : null,
    }));
  });
}

function isChoice(
  entry: SubstituteMeasure | readonly SubstituteMeasure[],
): entry is readonly SubstituteMeasure[] {
  return Array.isArray(entry);
}

/**
 * The substitute notice a rule calls for with these facts: the first tier whose conditions hold, or
 * null (no provision, or no condition holds). A condition on the cost or the number makes substitute
 * notice *permitted* for everyone; insufficient contact information makes it the only way to reach
 * the people concerned. Forthright treats both alike: it still notifies everyone it can reach.
 */
export function substituteNoticeDue(rule: Rule, facts: SubstituteFacts): SubstituteDue | null {
  const tiers = rule.substituteNotice ?? [];
  for (const [tier, provision] of tiers.entries()) {
    const reasons = reasonsFor(provision, facts);
    if (reasons.length > 0) return { tier, provision, reasons, elements: substituteElements(provision) };
  }
  return null;
}

const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function describeMeasure(m: SubstituteMeasure): string {
  return m.days ? `${m.kind.replace('_', '-')} (${m.days} days)` : m.kind.replace('_', '-');
}

/** A rule's substitute notice in words, for the coverage table; null when it has none. */
export function describeSubstituteNotice(rule: Rule): string | null {
  const tiers = rule.substituteNotice;
  if (!tiers || tiers.length === 0) return null;
  return tiers
    .map((t) => {
      const when = [
        t.when.costExceedsUsd !== undefined ? `cost over $${count(t.when.costExceedsUsd)}` : null,
        t.when.affectedExceeds !== undefined ? `more than ${count(t.when.affectedExceeds)} people` : null,
        t.when.unreachableAtLeast !== undefined
          ? t.when.unreachableAtLeast === 1
            ? 'insufficient contact information'
            : `${count(t.when.unreachableAtLeast)} or more unreachable`
          : null,
      ].filter((w): w is string => w !== null);
      const what = t.consistsOf
        .map((e) => (isChoice(e) ? e.map(describeMeasure).join(' or ') : describeMeasure(e)))
        .join(' + ');
      return `${when.join(', or ')} → ${what} (${t.citation})`;
    })
    .join('; ');
}
