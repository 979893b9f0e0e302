import type { DataCategory } from '../domain/categories';
import type { AuthorityContact, ContentPart } from '../domain/content-parts';
import type { DeterminationFact, DeterminationKind } from '../domain/determinations';
import type { Audience, ObligationStatus } from '../domain/model';
import type { SubstituteElement } from '../domain/substitute-notice';

/**
 * The shapes of the law engine. Rules are plain data (core/law/rules/); everything here is pure, so
 * workflows may import it, though the rules themselves are read in activities so that a change to
 * them never alters a replay (see core/law/README.md).
 */

/** The event a deadline is counted from. */
export const DEADLINE_ANCHORS = [
  /** When the company discovered (became aware of) the breach. */
  'discovery',
  /** When the company determined the incident is material (SEC Form 8-K Item 1.05). */
  'materiality_determination',
  /** When the affected individuals were notified (e.g. California: AG copy 15 days after). */
  'individual_notice',
  /**
   * When the company concluded the breach is notifiable (Singapore PDPA s 26D). Until that is
   * recorded, Forthright assumes it was concluded at discovery: the earliest, so the safest.
   */
  'notifiable_assessment',
  /** When the company made an extortion (ransom) payment (23 NYCRR 500.17(c)). */
  'extortion_payment',
  /**
   * When the determination a rule follows from was approved (`onlyWhen: { determination }`: Florida's
   * written no-harm determination to the Department within 30 days, Fla. Stat. § 501.171(4)(c)).
   */
  'determination',
] as const;
export type DeadlineAnchor = (typeof DEADLINE_ANCHORS)[number];

export type Deadline =
  /** Exact elapsed hours (GDPR Art. 33: 72 hours). */
  | { kind: 'hours'; hours: number; from: DeadlineAnchor }
  /** N days later in the jurisdiction's zone, at the same local wall-clock time. */
  | { kind: 'calendar_days'; days: number; from: DeadlineAnchor }
  /**
   * The Nth following business day in the jurisdiction's zone, at the same local wall-clock time, but
   * no later than `cutoffLocalTime` ('HH:mm') that day where a filing is timely only before a cut-off
   * (EDGAR: 17:30 Eastern).
   */
  | { kind: 'business_days'; days: number; from: DeadlineAnchor; cutoffLocalTime?: string }
  /** N calendar months later in the zone, same wall-clock time; the 31st becomes the month's last day (NIS2's "one month"). */
  | { kind: 'calendar_months'; months: number; from: DeadlineAnchor }
  /**
   * No number ("without unreasonable delay", "as soon as practicable", "immediately"), possibly
   * capped ("but not later than 45 days"). `wording` is the law's own phrase, shown to people.
   */
  | { kind: 'without_unreasonable_delay'; outerLimitDays?: number; from: DeadlineAnchor; wording?: string }
  /** No later than (or before) the notice to individuals: a regulator or agency told alongside them. */
  | { kind: 'with_individual_notice'; wording?: string }
  /** N days after the end of the calendar year of discovery (HIPAA log of breaches under 500). */
  | { kind: 'after_year_end'; days: number };

export type DeadlineKind = Deadline['kind'];

/**
 * The company profile: which sector regimes apply to the company (from configuration,
 * COMPANY_REGIMES). A rule with `requiresRegime` applies only where its flag is true; the newer
 * flags are optional and absent means false.
 */
export interface CompanyRegimes {
  /** A HIPAA covered entity (health plan, clearinghouse, provider): 45 CFR 160.103. */
  hipaaCoveredEntity: boolean;
  /** An SEC registrant filing Form 8-K (Item 1.05). */
  secRegistrant: boolean;
  /** Licensed or chartered by the New York DFS (23 NYCRR 500.1). */
  nydfsCoveredEntity: boolean;
  /** A HIPAA business associate: tells the covered entity, not the people (45 CFR 164.410). */
  hipaaBusinessAssociate?: boolean;
  /** A broker-dealer, investment adviser, funding portal or transfer agent under Regulation S-P (17 CFR 248.30). */
  secRegSpInstitution?: boolean;
  /** A GLBA financial institution under the FTC's jurisdiction (Safeguards Rule, 16 CFR 314). */
  glbaFinancialInstitution?: boolean;
  /** A vendor of personal health records or PHR related entity, not HIPAA-covered (FTC HBNR, 16 CFR 318). */
  healthApp?: boolean;
  /** An essential or important entity under NIS2 (Directive (EU) 2022/2555) as transposed. */
  nis2Entity?: boolean;
  /** A financial entity under DORA (Regulation (EU) 2022/2554). */
  doraFinancialEntity?: boolean;
  /** A clinic, health facility, home health agency or hospice licensed in California (Health & Safety Code § 1280.15). */
  californiaHealthFacility?: boolean;
  /** Processes personal data for another controller (GDPR Art. 33(2)); its duty is to that controller. */
  processor?: boolean;
}

export type CompanyRegime = keyof CompanyRegimes;

export interface IncidentFacts {
  discoveredAt: Date;
  encrypted: boolean;
  keyCompromised: boolean;
  /** SEC: when the registrant determined the incident material; null until then. */
  materialityDeterminedAt?: Date | null;
  /** When the affected individuals were notified; anchors deadlines counted from that notice. */
  individualNoticeAt?: Date | null;
  /** When the company concluded the breach is notifiable (Singapore); defaults to discovery. */
  notifiableAssessedAt?: Date | null;
  /** When an extortion payment was made in connection with the incident; rules with `onlyWhen: 'extortion_payment'` need it. */
  extortionPaidAt?: Date | null;
  /**
   * When notice to each jurisdiction's people actually went out: the earliest email sent or letter
   * posted to anyone counted there (core/db/affected.ts `individualNoticeTimes`). Deadlines counted
   * from the individuals' notice count from it where present (else from `individualNoticeAt`, else
   * from the planned notice).
   */
  individualNoticeAtByJurisdiction?: Readonly<Record<string, Date>>;
  /**
   * The incident's approved determinations (core/db/determinations.ts `approvedFacts`): what they
   * cover is not required, and rules with `onlyWhen: { determination }` follow from them.
   */
  determinations?: readonly DeterminationFact[];
  regimes: CompanyRegimes;
}

/** Affected customers of one jurisdiction (and, optionally, one set of categories). */
export interface AffectedGroup {
  /** The customer's region if known ('US-CA'), else country ('DE'). */
  jurisdiction: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  count: number;
  /**
   * What was exposed about each of the group's people (core/db/affected.ts `personGroups` makes one
   * group per category set, so a rule triggered by some categories counts only the people whose data
   * includes them); a coarser caller may pass the union over the group's people.
   */
  categories: DataCategory[];
  /**
   * Set when the group's people have records in several jurisdictions (merged into one notice): all
   * of them, sorted. Such people are listed in a group under each of those jurisdictions; a pooled
   * total (HIPAA, a country over its regions) counts them once.
   */
  personJurisdictions?: readonly string[] | null;
}

export interface Policy {
  /** The company's promise: individuals notified within this many hours of discovery, whatever the law allows. @default 72 */
  individualNoticeTargetHours: number;
}

export const DEFAULT_POLICY: Readonly<Policy> = Object.freeze({ individualNoticeTargetHours: 72 });

/** Limits on the affected count, counted over the residents the rule looks at (see RuleScope). */
export interface Threshold {
  /** At least this many ("more than 500" is 501). */
  minAffected: number;
  /** At most this many (HIPAA: the annual log is for breaches of fewer than 500). */
  maxAffected?: number;
  /**
   * The statute counts the persons to be notified "at one time" / "at a single time" (most
   * credit-bureau provisions: Tex. Bus. & Com. Code § 521.053(h), Fla. Stat. § 501.171(5), Minn.
   * Stat. § 325E.61 subd. 2, …). Forthright counts everyone the incident's notice goes to, as if
   * notified at once — the cautious reading: notices sent in batches might each stay under it.
   */
  countedAtOneTime?: boolean;
}

/** Where a group must be for a rule to look at it. */
export interface GroupFilter {
  countries?: readonly string[];
  jurisdictions?: readonly string[];
  /** Every group, wherever the people live (NYDFS, the FTC and SEC rules). */
  anywhere?: boolean;
}

export type RuleScope =
  /** Groups in the rule's own jurisdiction, or in the rule's country (a 'CA-ON' group for 'CA'). The usual case. */
  | { kind: 'own_jurisdiction' }
  /** Groups matching `where`, counted together into one obligation under the rule's jurisdiction (HIPAA individuals). */
  | { kind: 'pooled'; where: GroupFilter }
  /** Groups matching `where`, one obligation per group jurisdiction (HIPAA media: per state). */
  | { kind: 'per_jurisdiction'; where: GroupFilter }
  /** Once per incident, whatever the groups (SEC Form 8-K). */
  | { kind: 'incident' };

/** Content required only when certain categories were exposed (e.g. Connecticut: ID protection for SSNs). */
export interface ConditionalContent {
  categories: readonly DataCategory[];
  parts: readonly ContentPart[];
  /**
   * With `identity_theft_protection`: the shortest term of the service the statute requires, in
   * months, and the provision that says so (core/law `identityProtectionTerm`). Absent: no term set.
   */
  term?: { months: number; citation: string };
}

/** Things a notice must leave out. */
export const NOTICE_RESTRICTIONS = [
  /** Massachusetts c. 93H § 3(b): the notice must not describe the nature of the breach. */
  'omit_nature_of_breach',
  /** Massachusetts c. 93H § 3(b): nor the number of residents affected. */
  'omit_number_affected',
] as const;
export type NoticeRestriction = (typeof NOTICE_RESTRICTIONS)[number];

export type SafeHarbour = 'encryption' | 'none';

/** One thing a substitute notice consists of, in the statute's words. */
export interface SubstituteMeasure {
  kind: SubstituteElement;
  /** How long it must last: the website posting, the toll-free line. */
  days?: number;
  /** The statute's words, shown to compliance with the element. */
  wording: string;
}

/**
 * When a statute allows (or, for people who cannot be reached otherwise, needs) notice by other
 * means than to each person, and what that notice consists of. Any one condition suffices.
 */
export interface SubstituteNotice {
  when: {
    /** The estimated cost of individual notice exceeds this many US dollars. */
    costExceedsUsd?: number;
    /** The people to notify (the rule's residents) exceed this number. */
    affectedExceeds?: number;
    /**
     * Insufficient contact information: at least this many people with no lawful channel or whose
     * notice was undeliverable (1: anyone; HIPAA's second tier: 10).
     */
    unreachableAtLeast?: number;
  };
  /**
   * Every entry is required; an entry that is a list is satisfied by any one of its measures
   * (HIPAA: a web posting for 90 days *or* major print or broadcast media).
   */
  consistsOf: readonly (SubstituteMeasure | readonly SubstituteMeasure[])[];
  citation: string;
  /** What a lawyer should check about this provision (not verified against the official text, …). */
  uncertain?: string;
}

/**
 * Whether an email counts as an individuals' rule's notice (core/law/channels.ts):
 * - `allowed`: any effective means, email included (GDPR Art. 34 and most non-US laws; the few US
 *   statutes that name e-mail notice to the address on file);
 * - `esign_consent`: electronic notice only "consistent with 15 U.S.C. 7001" (E-SIGN), whose § 7001(c)
 *   needs the consumer's affirmative consent to electronic records: email counts only with consent
 *   on record;
 * - `express_consent`: the person expressly consented to electronic notice and a log is kept (N.Y.
 *   Gen. Bus. Law § 899-aa(5)(b)): consent on record (when and how) is that log;
 * - `agreement`: written notice by first-class mail unless the individual agreed to electronic
 *   notice (HIPAA, 45 CFR 164.404(d)(1)(i)).
 * The three consent kinds are one fact in the inventory (`electronic_consent_at` and `_method`).
 */
export const ELECTRONIC_NOTICE_KINDS = ['allowed', 'esign_consent', 'express_consent', 'agreement'] as const;
export type ElectronicNoticeKind = (typeof ELECTRONIC_NOTICE_KINDS)[number];

export interface ElectronicNotice {
  kind: ElectronicNoticeKind;
  /** The provision that says so. */
  citation: string;
}

export interface Rule {
  /** Stable, e.g. 'US-CA.individuals', 'US-NY.regulator.state-police'. Obligations refer to it. */
  id: string;
  /** ISO 3166-1 ('DE'), ISO 3166-2 for US states, DC and PR ('US-CA'), or 'US-HIPAA' | 'US-SEC' | 'US-NYDFS'. */
  jurisdiction: string;
  /** Short name of the law, e.g. 'GDPR', 'Cal. Civ. Code § 1798.82'. */
  regime: string;
  audience: Audience;
  /** Categories any one of which triggers the rule; 'any_personal_data' for laws about all personal data. */
  triggers: readonly DataCategory[] | 'any_personal_data';
  /** The rule also applies, whatever the categories, when at least this many are affected (PIPA: 1,000). */
  orWhenAffectedAtLeast?: number;
  threshold?: Threshold;
  /** @default { kind: 'own_jurisdiction' } */
  scope?: RuleScope;
  /** The rule applies only if the company profile says this sector regime applies. */
  requiresRegime?: CompanyRegime;
  /**
   * The rule applies only once this event happened: an extortion payment (NYDFS), or an approved
   * determination of this kind covering the rule's jurisdiction (the duties that follow from a
   * no-harm determination: Alaska, Florida, New York, Vermont).
   */
  onlyWhen?: 'extortion_payment' | { determination: DeterminationKind };
  deadline: Deadline;
  /** "…or when the individuals are notified, if that is sooner" (Washington, Vermont). */
  notLaterThanIndividualNotice?: boolean;
  /**
   * The duty must be met BEFORE any individual in its jurisdiction is notified (Md. Code, Com. Law
   * § 14-3504(h): the Attorney General "prior to giving the notification"; N.J.S.A. 56:8-163(c)(1):
   * the State Police "in advance of the disclosure to the customer"): delivery to those people waits
   * until it is filed or compliance overrides it with a reason.
   */
  beforeIndividualNotice?: boolean;
  /** 'encryption': not required when the data was encrypted and the key not compromised. */
  safeHarbour: SafeHarbour;
  requiredContent: readonly ContentPart[];
  conditionalContent?: readonly ConditionalContent[];
  noticeRestrictions?: readonly NoticeRestriction[];
  /** Who to notify (regulator rules) or whom the notice names (individuals' rules). */
  authority?: AuthorityContact;
  /** Individuals' rules: whether an email counts as notice (every individuals' rule sets it). */
  electronicNotice?: ElectronicNotice;
  /**
   * Individuals' rules: the statute's substitute notice, in tiers tried in order (the first whose
   * conditions hold applies; HIPAA has two). Absent: the statute provides none, or it is not encoded.
   */
  substituteNotice?: readonly SubstituteNotice[];
  citation: string;
  /** ISO date the rule as encoded took effect; incidents discovered earlier are not assessed under it. */
  effectiveFrom?: string;
  /** ISO date from which the rule no longer applies (a superseded text kept for older incidents). */
  effectiveUntil?: string;
  /** What we are unsure of. Never invented precision: say what a lawyer should check. */
  uncertain?: string;
  /** IANA zone for calendar and business-day counting. */
  timeZone: string;
  /** Why this zone, where the jurisdiction spans several. */
  timeZoneNote?: string;
}

/** What the law engine drafts: an obligation is `pending` or `not_required`; `met` and `overdue` come later. */
export type ObligationDraftStatus = Extract<ObligationStatus, 'pending' | 'not_required'>;

export interface ObligationDraft {
  ruleId: string;
  jurisdiction: string;
  audience: Audience;
  regime: string;
  citation: string;
  /** Human, e.g. '72 hours after discovery'. */
  deadlineText: string;
  /** Null when the law sets no number, the anchor event has not happened, or nothing is required. */
  legalDueAt: Date | null;
  /** The working deadline the workflow enforces (see core/law/README.md). */
  dueAt: Date | null;
  status: ObligationDraftStatus;
  /** Why not required, e.g. 'encrypted, key not compromised'. */
  reason: string | null;
  affectedCount: number;
  requiredContent: ContentPart[];
  authority: AuthorityContact | null;
  uncertain: string | null;
}

export interface CoverageRow {
  ruleId: string;
  jurisdiction: string;
  audience: Audience;
  regime: string;
  deadline: string;
  threshold: string | null;
  safeHarbour: SafeHarbour;
  citation: string;
  effectiveFrom: string | null;
  effectiveUntil: string | null;
  timeZone: string;
  timeZoneNote: string | null;
  /** The company profile the rule needs (`requiresRegime`), or null when it applies to every company. */
  profile: CompanyRegime | null;
  uncertain: string | null;
  /** The substitute notice's conditions and elements in words (individuals' rules), or null. */
  substituteNotice: string | null;
  /** Whether an email counts as the notice, in words with its citation (individuals' rules), or null. */
  electronicNotice: string | null;
}
