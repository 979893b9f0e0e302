import type { DataCategory } from '../domain/categories';
import { individualsRulesFor } from './assess';
import type { IncidentFacts, Rule } from './types';
import { RULES } from './rules';

/** The term a person's identity-theft protection must run for, and the provisions that set it. */
export interface IdentityProtectionTerm {
  /** The longest term any applicable statute sets (a person under two statutes gets the longer). */
  months: number;
  /** Each provision that requires the service for this person, with its own term. */
  requiredBy: { ruleId: string; months: number; citation: string }[];
}

/**
 * Whether one person's notice must offer identity-theft protection at no cost, and for how long: the
 * individuals' rules that apply to them (core/law `individualsRulesFor`) whose conditional content
 * adds `identity_theft_protection` for one of the exposed categories. Null when none does. A rule
 * that requires the service without a term counts with 0 months (any term meets it).
 * Terms: Connecticut 24 months (Conn. Gen. Stat. § 36a-701b(b)(2)(B)), Delaware 12 (6 Del. C.
 * § 12B-102(e)), Massachusetts 18 (M.G.L. c. 93H § 3A(a)), DC 18 (D.C. Code § 28-3852.02),
 * California 12 (Cal. Civ. Code § 1798.82(d)(2)(G)); see each rule file.
 */
export function identityProtectionTerm(
  jurisdiction: string | readonly string[],
  categories: readonly DataCategory[],
  facts: IncidentFacts,
  rules: readonly Rule[] = RULES,
): IdentityProtectionTerm | null {
  const requiredBy: IdentityProtectionTerm['requiredBy'] = [];
  for (const rule of individualsRulesFor(jurisdiction, categories, facts, rules)) {
    for (const c of rule.conditionalContent ?? []) {
      if (!c.parts.includes('identity_theft_protection')) continue;
      if (!c.categories.some((cat) => categories.includes(cat))) continue;
      requiredBy.push({
        ruleId: rule.id,
        months: c.term?.months ?? 0,
        citation: c.term?.citation ?? rule.citation,
      });
    }
  }
  if (requiredBy.length === 0) return null;
  return { months: Math.max(...requiredBy.map((r) => r.months)), requiredBy };
}
