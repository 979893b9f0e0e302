import { DateTime } from 'luxon';
import type { DataCategory } from '../domain/categories';
import { CONTENT_PARTS } from '../domain/content-parts';
import type { AuthorityContact, ContentPart } from '../domain/content-parts';
import type { DeterminationFact, DeterminationKind } from '../domain/determinations';
import { AUDIENCES } from '../domain/model';
import { computeDueAt, deadlineAnchor, describeDeadline } from './deadlines';
import { RULES } from './rules';
import { GDPR_STATES } from './rules/gdpr';
import type {
  AffectedGroup,
  DeadlineAnchor,
  GroupFilter,
  IncidentFacts,
  NoticeRestriction,
  ObligationDraft,
  Policy,
  Rule,
} from './types';

/**
 * Applicability: which rules an incident's affected groups trigger, and by when each obligation is
 * due. Pure: the same facts, groups, policy and rules always give the same drafts.
 */

/** Why an obligation is not required, as stored and shown. */
export const NOT_REQUIRED_REASONS = {
  encrypted: 'encrypted, key not compromised',
} as const;

/** A determination kind in the words of an obligation's reason. */
const DETERMINATION_LABELS: Readonly<Record<DeterminationKind, string>> = {
  no_risk_of_harm: 'no risk of harm',
  lead_supervisory_authority: 'lead supervisory authority',
  exemption: 'exemption',
  safe_harbour: 'safe harbour',
  law_enforcement_request: 'law-enforcement request',
  incident_withdrawal: 'incident withdrawn',
};

/** The reason kept on an obligation a determination made not required. */
export function determinationReason(determination: Pick<DeterminationFact, 'kind' | 'reason'>): string {
  return `Determination: ${DETERMINATION_LABELS[determination.kind]} — ${determination.reason}`;
}

/** Whether a rule was in force on the local date of discovery (in the rule's zone). */
export function inForceAt(rule: Rule, at: Date): boolean {
  const day = DateTime.fromJSDate(at, { zone: rule.timeZone }).toISODate() ?? '';
  if (rule.effectiveFrom !== undefined && day < rule.effectiveFrom) return false;
  if (rule.effectiveUntil !== undefined && day >= rule.effectiveUntil) return false;
  return true;
}

/**
 * Customers in Puerto Rico may be recorded under the territory's own country code ('PR'); the rules
 * know it as the US subdivision 'US-PR', and HIPAA counts it as US.
 */
export function normaliseGroup(group: AffectedGroup): AffectedGroup {
  const inPuertoRico =
    group.country === 'PR' || group.jurisdiction === 'PR' || group.jurisdiction.startsWith('PR-');
  return inPuertoRico ? { ...group, country: 'US', jurisdiction: 'US-PR' } : group;
}

function inFilter(filter: GroupFilter, group: AffectedGroup): boolean {
  return (
    filter.anywhere === true ||
    (filter.countries?.includes(group.country) ?? false) ||
    (filter.jurisdictions?.includes(group.jurisdiction) ?? false)
  );
}

/**
 * The groups a rule looks at, keyed by the jurisdiction the obligation is recorded under. A country
 * rule ('CA') also looks at groups recorded under a region of that country ('CA-ON').
 */
function bucketsFor(rule: Rule, groups: readonly AffectedGroup[]): Map<string, AffectedGroup[]> {
  const buckets = new Map<string, AffectedGroup[]>();
  const add = (key: string, group: AffectedGroup): void => {
    const list = buckets.get(key) ?? [];
    list.push(group);
    buckets.set(key, list);
  };
  const scope = rule.scope ?? { kind: 'own_jurisdiction' };
  switch (scope.kind) {
    case 'own_jurisdiction':
      for (const g of groups)
        if (g.jurisdiction === rule.jurisdiction || g.country === rule.jurisdiction)
          add(rule.jurisdiction, g);
      break;
    case 'pooled':
      for (const g of groups) if (inFilter(scope.where, g)) add(rule.jurisdiction, g);
      break;
    case 'per_jurisdiction':
      for (const g of groups) if (inFilter(scope.where, g)) add(g.jurisdiction, g);
      break;
    case 'incident':
      buckets.set(rule.jurisdiction, [...groups]);
      break;
  }
  return buckets;
}

/** Whether these categories trigger the rule (exported for core/law/unplaced.ts). */
export function triggeredBy(rule: Rule, categories: readonly DataCategory[]): boolean {
  if (rule.triggers === 'any_personal_data') return categories.length > 0;
  return categories.some((c) => rule.triggers.includes(c));
}

/**
 * How many people these groups hold. A person with records in several jurisdictions is in a group
 * under each of them (same `personJurisdictions`, same categories, same count): counted once here,
 * so a pooled total (HIPAA's, a country's over its regions) never counts one person twice.
 */
export function countPeople(groups: readonly AffectedGroup[]): number {
  const seen = new Set<string>();
  let n = 0;
  for (const g of groups) {
    if (g.personJurisdictions && g.personJurisdictions.length > 1) {
      const key = `${[...g.personJurisdictions].sort().join(',')}|${[...g.categories].sort().join(',')}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    n += g.count;
  }
  return n;
}

/** The groups that trigger the rule: by category, or all of them once `orWhenAffectedAtLeast` is reached. */
function triggeredGroups(rule: Rule, groups: readonly AffectedGroup[]): AffectedGroup[] {
  if (rule.orWhenAffectedAtLeast !== undefined && countPeople(groups) >= rule.orWhenAffectedAtLeast)
    return [...groups];
  return groups.filter((g) => triggeredBy(rule, g.categories));
}

function meetsThreshold(rule: Rule, count: number): boolean {
  if (!rule.threshold) return true;
  return (
    count >= rule.threshold.minAffected &&
    (rule.threshold.maxAffected === undefined || count <= rule.threshold.maxAffected)
  );
}

function regimeApplies(rule: Rule, facts: IncidentFacts): boolean {
  return rule.requiresRegime === undefined || facts.regimes[rule.requiresRegime] === true;
}

/**
 * The approved determinations of a kind that reach a jurisdiction: naming it, naming one of its rules
 * (rule ids begin with their jurisdiction, '<jurisdiction>.<audience>…'), or covering the whole incident.
 */
function determinationsReaching(
  facts: IncidentFacts,
  kind: DeterminationKind,
  jurisdiction: string,
): DeterminationFact[] {
  return (facts.determinations ?? []).filter(
    (d) =>
      d.kind === kind &&
      (d.jurisdictions.length === 0 || d.jurisdictions.includes(jurisdiction)) &&
      (d.ruleIds.length === 0 || d.ruleIds.some((id) => id.startsWith(`${jurisdiction}.`))),
  );
}

/** The determination kind a rule follows from (`onlyWhen: { determination }`), if any. */
function followsFrom(rule: Rule): DeterminationKind | null {
  return typeof rule.onlyWhen === 'object' ? rule.onlyWhen.determination : null;
}

/**
 * In force at discovery, for this company's profile, and after its event: NYDFS's extortion notice
 * after the payment; a duty that follows from a determination once one reaching its jurisdiction is
 * approved.
 */
export function inPlay(rule: Rule, facts: IncidentFacts): boolean {
  if (rule.onlyWhen === 'extortion_payment' && !facts.extortionPaidAt) return false;
  const kind = followsFrom(rule);
  if (kind && determinationsReaching(facts, kind, rule.jurisdiction).length === 0) return false;
  return inForceAt(rule, facts.discoveredAt) && regimeApplies(rule, facts);
}

/** Whether a rule's duty must be met before any individual in its jurisdiction is notified (Maryland, New Jersey). */
export function mustPrecedeIndividualNotice(ruleId: string, rules: readonly Rule[] = RULES): boolean {
  return rules.find((r) => r.id === ruleId)?.beforeIndividualNotice === true;
}

function safeHarboured(rule: Rule, facts: IncidentFacts): boolean {
  return rule.safeHarbour === 'encryption' && facts.encrypted && !facts.keyCompromised;
}

/** The rule's content for these categories: its fixed parts plus those its conditions call for. */
function contentFor(rule: Rule, categories: readonly DataCategory[]): ContentPart[] {
  const parts = new Set<ContentPart>(rule.requiredContent);
  for (const condition of rule.conditionalContent ?? []) {
    if (condition.categories.some((c) => categories.includes(c)))
      for (const p of condition.parts) parts.add(p);
  }
  return CONTENT_PARTS.filter((p) => parts.has(p));
}

function earliest(...dates: (Date | null | undefined)[]): Date | null {
  let best: Date | null = null;
  for (const d of dates) if (d && (best === null || d.getTime() < best.getTime())) best = d;
  return best;
}

function anchorInstant(
  anchor: DeadlineAnchor,
  facts: IncidentFacts,
  rule: Rule,
  individualNoticeAt: Date | null,
): Date | null {
  switch (anchor) {
    case 'discovery':
      return facts.discoveredAt;
    case 'materiality_determination':
      return facts.materialityDeterminedAt ?? null;
    case 'individual_notice':
      return individualNoticeAt;
    case 'notifiable_assessment':
      // Until the assessment is recorded, assume it was made at discovery: the earliest, so never late.
      return facts.notifiableAssessedAt ?? facts.discoveredAt;
    case 'extortion_payment':
      return facts.extortionPaidAt ?? null;
    case 'determination': {
      // The first approved determination the duty follows from.
      const kind = followsFrom(rule);
      const reaching = kind ? determinationsReaching(facts, kind, rule.jurisdiction) : [];
      return earliest(...reaching.map((d) => d.approvedAt));
    }
  }
}

/**
 * When the notice to an obligation's people actually went out: the earliest recorded for its own
 * jurisdiction, else for the jurisdictions of the people it counts (a pooled or country-wide
 * obligation), else the incident's (`individualNoticeAt`); null before any went out.
 */
function actualNoticeAt(facts: IncidentFacts, jurisdiction: string, counted: readonly string[]): Date | null {
  const by = facts.individualNoticeAtByJurisdiction;
  const own = by?.[jurisdiction] ?? (by ? earliest(...counted.map((j) => by[j])) : null);
  return own ?? facts.individualNoticeAt ?? null;
}

/**
 * The legal and working deadlines of a pending obligation.
 * - legal: the law's own deadline; null without a number or before the anchor event.
 * - working: what the workflow enforces. Individuals: never later than the policy target. Laws
 *   without a number: the policy target (capped by any outer limit). Deadlines counted from the
 *   individuals' notice: counted from its planned time (`plannedIndividualNotice`) until it happens.
 */
function deadlinesFor(
  rule: Rule,
  facts: IncidentFacts,
  policyTarget: Date,
  plannedIndividualNotice: Date,
  noticeAt: Date | null,
): { legalDueAt: Date | null; dueAt: Date | null } {
  const anchor = deadlineAnchor(rule.deadline);
  const at = anchorInstant(anchor, facts, rule, noticeAt);
  let legalDueAt = at ? computeDueAt(rule.deadline, at, rule.timeZone, rule.jurisdiction) : null;
  let dueAt: Date | null;
  if (anchor === 'individual_notice') {
    dueAt = computeDueAt(
      rule.deadline,
      noticeAt ?? plannedIndividualNotice,
      rule.timeZone,
      rule.jurisdiction,
    );
  } else if (anchor === 'determination' && rule.deadline.kind === 'without_unreasonable_delay') {
    // A duty that conditions the determination itself (Alaska: "after written notification to the
    // attorney general"): due at once, when it is approved.
    dueAt = earliest(legalDueAt, at);
  } else if (rule.deadline.kind === 'without_unreasonable_delay') {
    dueAt = earliest(legalDueAt, policyTarget);
  } else {
    dueAt = legalDueAt;
  }
  if (rule.audience === 'individuals') dueAt = earliest(dueAt, policyTarget);
  if (rule.notLaterThanIndividualNotice) {
    legalDueAt = earliest(legalDueAt, noticeAt);
    dueAt = earliest(dueAt, noticeAt ?? plannedIndividualNotice);
  }
  return { legalDueAt, dueAt };
}

interface Applicable {
  rule: Rule;
  jurisdiction: string;
  count: number;
  categories: DataCategory[];
  /** The jurisdictions of the people counted (for the time their notice went out). */
  counted: string[];
}

/** Every (rule, jurisdiction) that applies to these groups, before safe harbour. */
function applicable(
  facts: IncidentFacts,
  groups: readonly AffectedGroup[],
  rules: readonly Rule[],
): Applicable[] {
  const normalised = groups.map(normaliseGroup);
  const found: Applicable[] = [];
  for (const rule of rules) {
    if (!inPlay(rule, facts)) continue;
    for (const [jurisdiction, bucket] of bucketsFor(rule, normalised)) {
      const triggered = triggeredGroups(rule, bucket);
      const count = countPeople(triggered);
      const perIncident = rule.scope?.kind === 'incident';
      if (!perIncident && count === 0) continue;
      if (!meetsThreshold(rule, count)) continue;
      const categories = [...new Set((perIncident ? bucket : triggered).flatMap((g) => g.categories))];
      const counted = [...new Set(triggered.map((g) => g.jurisdiction))];
      found.push({
        rule,
        jurisdiction,
        count: perIncident ? countPeople(bucket) : count,
        categories,
        counted,
      });
    }
  }
  return found;
}

const AUDIENCE_ORDER = new Map(AUDIENCES.map((a, i) => [a, i]));

/** The GDPR lead supervisory authority (Art. 56) an approved determination names, if any: the latest. */
interface LeadAuthority {
  jurisdiction: string;
  determination: DeterminationFact;
}

function leadAuthority(facts: IncidentFacts): LeadAuthority | null {
  const named = (facts.determinations ?? [])
    .filter(
      (d) =>
        d.kind === 'lead_supervisory_authority' &&
        d.leadJurisdiction !== null &&
        GDPR_STATES.includes(d.leadJurisdiction),
    )
    .sort((a, b) => a.approvedAt.getTime() - b.approvedAt.getTime())
    .at(-1);
  return named ? { jurisdiction: named.leadJurisdiction!, determination: named } : null;
}

/** A GDPR Art. 33 supervisory-authority rule (one per EU/EEA member state, rules/gdpr.ts). */
function isGdprAuthorityRule(rule: Rule): boolean {
  return rule.regime === 'GDPR' && rule.audience === 'regulator';
}

/**
 * One-stop shop (GDPR Art. 56(1), Art. 33(1) "the supervisory authority competent in accordance with
 * Article 55"): the lead authority's rule counts every EU/EEA person, wherever in the EU/EEA they
 * live, so its obligation exists even where the lead's own state has no one affected.
 */
function withLeadAuthority(rules: readonly Rule[], lead: LeadAuthority | null): readonly Rule[] {
  if (!lead) return rules;
  return rules.map((r) =>
    isGdprAuthorityRule(r) && r.jurisdiction === lead.jurisdiction
      ? { ...r, scope: { kind: 'pooled', where: { countries: GDPR_STATES } } }
      : r,
  );
}

/**
 * Why an approved determination makes this obligation not required, or null. The lead authority's
 * makes every other GDPR supervisory authority's not required; a law-enforcement request holds
 * delivery and never removes a duty; a duty that follows from a determination is never removed by
 * one of the kind it follows from.
 */
function determinedNotRequired(
  rule: Rule,
  jurisdiction: string,
  facts: IncidentFacts,
  lead: LeadAuthority | null,
): string | null {
  if (lead && isGdprAuthorityRule(rule) && jurisdiction !== lead.jurisdiction) {
    const scope = lead.determination.jurisdictions;
    if (scope.length === 0 || scope.includes(jurisdiction)) {
      const authority = leadAuthorityName(lead);
      return `Lead supervisory authority under GDPR Art. 56: ${authority} (${lead.jurisdiction})`;
    }
  }
  const covering = (facts.determinations ?? []).find(
    (d) =>
      d.kind !== 'law_enforcement_request' &&
      d.kind !== 'lead_supervisory_authority' &&
      d.kind !== followsFrom(rule) &&
      (d.ruleIds.length === 0 || d.ruleIds.includes(rule.id)) &&
      (d.jurisdictions.length === 0 || d.jurisdictions.includes(jurisdiction)),
  );
  return covering ? determinationReason(covering) : null;
}

/** The lead supervisory authority's name, as its member state's Art. 33 rule gives it. */
function leadAuthorityName(lead: LeadAuthority): string {
  const rule = RULES.find((r) => isGdprAuthorityRule(r) && r.jurisdiction === lead.jurisdiction);
  return rule?.authority?.name ?? lead.jurisdiction;
}

/**
 * Every obligation the incident gives rise to: one per (rule, jurisdiction). Rules below their
 * threshold, not triggered by the data, or not in force at discovery produce no draft; rules whose
 * encryption safe harbour applies, or that an approved determination covers (`facts.determinations`:
 * the reason says which and why; the GDPR lead authority's leaves only the lead's Art. 33 filing),
 * produce a 'not_required' draft with the reason, so it stays visible. Deadlines counted from the
 * individuals' notice count from when it actually went out where `facts` say so.
 */
export function assessObligations(
  facts: IncidentFacts,
  groups: AffectedGroup[],
  policy: Policy,
  rules: readonly Rule[] = RULES,
): ObligationDraft[] {
  const policyTarget = new Date(
    facts.discoveredAt.getTime() + policy.individualNoticeTargetHours * 3_600_000,
  );
  const lead = leadAuthority(facts);
  const found = applicable(facts, groups, withLeadAuthority(rules, lead));
  const drafts: ObligationDraft[] = [];
  // Individuals first: other deadlines may count from their planned notice.
  const plannedNotice = new Map<string, Date>();
  const ordered = [
    ...found.filter((a) => a.rule.audience === 'individuals'),
    ...found.filter((a) => a.rule.audience !== 'individuals'),
  ];
  for (const { rule, jurisdiction, count, categories, counted } of ordered) {
    const notRequired = safeHarboured(rule, facts)
      ? NOT_REQUIRED_REASONS.encrypted
      : determinedNotRequired(rule, jurisdiction, facts, lead);
    const { legalDueAt, dueAt } = notRequired
      ? { legalDueAt: null, dueAt: null }
      : deadlinesFor(
          rule,
          facts,
          policyTarget,
          plannedNotice.get(jurisdiction) ?? policyTarget,
          actualNoticeAt(facts, jurisdiction, counted),
        );
    if (rule.audience === 'individuals' && dueAt) {
      plannedNotice.set(jurisdiction, earliest(plannedNotice.get(jurisdiction), dueAt) ?? dueAt);
    }
    drafts.push({
      ruleId: rule.id,
      jurisdiction,
      audience: rule.audience,
      regime: rule.regime,
      citation: rule.citation,
      deadlineText: describeRuleDeadline(rule),
      legalDueAt,
      dueAt,
      status: notRequired ? 'not_required' : 'pending',
      reason: notRequired,
      affectedCount: count,
      requiredContent: contentFor(rule, categories),
      authority: rule.authority ?? null,
      uncertain: rule.uncertain ?? null,
    });
  }
  return drafts.sort(
    (a, b) =>
      a.jurisdiction.localeCompare(b.jurisdiction) ||
      (AUDIENCE_ORDER.get(a.audience) ?? 0) - (AUDIENCE_ORDER.get(b.audience) ?? 0) ||
      a.ruleId.localeCompare(b.ruleId),
  );
}

export interface RecipientContent {
  parts: ContentPart[];
  authorities: AuthorityContact[];
  /** What the notice must leave out (Massachusetts). */
  restrictions: NoticeRestriction[];
}

/** 'US-CA' → 'US', 'CA-ON' → 'CA', 'DE' → 'DE', 'PR' → 'PR' (normalised to US-PR later). */
function countryOf(jurisdiction: string): string {
  return jurisdiction.split('-')[0] ?? jurisdiction;
}

/**
 * What one recipient's notice must contain: the union of the required content of every individuals'
 * rule that applies to someone in this jurisdiction with these categories exposed. Thresholds are
 * ignored: they decide whether a rule applies to the incident, not what a notice must say. Several
 * jurisdictions (one person's records in different places, merged into one notice): what each
 * requires, together, so the notice meets every one of them.
 */
export function requiredContentFor(
  jurisdiction: string | readonly string[],
  categories: DataCategory[],
  facts: IncidentFacts,
  rules: readonly Rule[] = RULES,
): RecipientContent {
  const parts = new Set<ContentPart>();
  const authorities = new Map<string, AuthorityContact>();
  const restrictions = new Set<NoticeRestriction>();
  for (const rule of individualsRulesFor(jurisdiction, categories, facts, rules)) {
    for (const p of contentFor(rule, categories)) parts.add(p);
    if (rule.authority) authorities.set(rule.authority.name, rule.authority);
    for (const r of rule.noticeRestrictions ?? []) restrictions.add(r);
  }
  return {
    parts: CONTENT_PARTS.filter((p) => parts.has(p)),
    authorities: [...authorities.values()],
    restrictions: [...restrictions],
  };
}

/**
 * Whether a rule looks at people recorded under this jurisdiction ('US-CA' for the California rule;
 * any US state for HIPAA's pooled individuals' rule): the rule's scope, without triggers or thresholds.
 */
export function coversJurisdiction(rule: Rule, jurisdiction: string): boolean {
  const group = normaliseGroup({ jurisdiction, country: countryOf(jurisdiction), count: 1, categories: [] });
  return bucketsFor(rule, [group]).size > 0;
}

/**
 * Every individuals' rule that applies to one person in these jurisdictions (several: one person's
 * records in different places, merged into one notice) with these categories exposed: in force at
 * discovery, its sector regime configured, no safe harbour, the person in its scope (a pooled rule
 * such as HIPAA's for any US resident) and triggered by the categories. Thresholds are ignored: they
 * decide whether a rule applies to the incident, not what one person's notice must be. Each rule once.
 */
export function individualsRulesFor(
  jurisdiction: string | readonly string[],
  categories: readonly DataCategory[],
  facts: IncidentFacts,
  rules: readonly Rule[] = RULES,
): Rule[] {
  const groups = (typeof jurisdiction === 'string' ? [jurisdiction] : jurisdiction).map((j) =>
    normaliseGroup({ jurisdiction: j, country: countryOf(j), count: 1, categories: [...categories] }),
  );
  const candidates = rules.filter(
    (rule) =>
      rule.audience === 'individuals' &&
      inPlay(rule, facts) &&
      !safeHarboured(rule, facts) &&
      triggeredBy(rule, categories),
  );
  // In the order of the jurisdictions, then of the rules (the authorities a notice names follow it).
  const found = new Set<Rule>();
  for (const group of groups)
    for (const rule of candidates) if (bucketsFor(rule, [group]).size > 0) found.add(rule);
  return [...found];
}

/**
 * The groups an obligation of `rule` recorded under `jurisdiction` counts, as `assessObligations`
 * counts its affected people: those in the rule's scope for that jurisdiction that trigger it.
 * Groups may carry more fields (a reach state): they come back as given.
 */
export function groupsCountedBy<G extends AffectedGroup>(
  rule: Rule,
  jurisdiction: string,
  groups: readonly G[],
): G[] {
  const bucket = bucketsFor(rule, groups.map(normaliseGroup)).get(jurisdiction) ?? [];
  return triggeredGroups(rule, bucket) as G[];
}

/** A rule's deadline in words. */
export function describeRuleDeadline(rule: Rule): string {
  return describeDeadline(rule.deadline, rule.notLaterThanIndividualNotice ?? false);
}
