import type { DataCategory } from '../domain/categories';
import { inPlay, normaliseGroup, triggeredBy } from './assess';
import { RULES } from './rules';
import type { AffectedGroup, IncidentFacts, Rule } from './types';

/**
 * People recorded with a country but no region, where the country's law is regional: a US customer
 * with no state gets no state rule at all (state statutes protect their own residents), so the
 * assessment would silently leave them out. This lists them with the rules that would apply had they
 * been placed, so the officer can find their state (or treat them under the strictest) instead.
 */
export interface UnplacedGroup {
  /** The country they were recorded under ('US'). */
  jurisdiction: string;
  count: number;
  categories: DataCategory[];
  /** Regions whose rules these categories trigger ('US-CA', 'US-TX', …). */
  regions: string[];
  /** Those regional rules (every audience), by id: what might apply once each person's region is known. */
  mightApply: string[];
}

/** Regional rules: a jurisdiction below a country ('US-CA', 'CA-QC') looking at its own residents. */
function regionalRulesOf(country: string, rules: readonly Rule[]): Rule[] {
  return rules.filter(
    (r) =>
      r.jurisdiction.startsWith(`${country}-`) &&
      (r.scope ?? { kind: 'own_jurisdiction' }).kind === 'own_jurisdiction',
  );
}

/**
 * The groups recorded under a bare country that has regional rules, with the regional rules their
 * data would trigger. Empty when every group has its region (or its country has no regional rules).
 */
export function unplacedGroups(
  facts: IncidentFacts,
  groups: readonly AffectedGroup[],
  rules: readonly Rule[] = RULES,
): UnplacedGroup[] {
  const found: UnplacedGroup[] = [];
  for (const raw of groups) {
    const group = normaliseGroup(raw);
    if (group.jurisdiction !== group.country) continue;
    const regional = regionalRulesOf(group.country, rules);
    if (regional.length === 0) continue;
    const mightApply = regional.filter((r) => inPlay(r, facts) && triggeredBy(r, group.categories));
    if (mightApply.length === 0) continue;
    found.push({
      jurisdiction: group.jurisdiction,
      count: group.count,
      categories: [...group.categories],
      regions: [...new Set(mightApply.map((r) => r.jurisdiction))].sort(),
      mightApply: mightApply.map((r) => r.id),
    });
  }
  return found;
}
