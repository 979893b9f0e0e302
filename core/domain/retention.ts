/**
 * How long an incident's personal data is kept after the incident closes, and why: the company's
 * configured period (RETENTION_DEFAULT_DAYS), lengthened by any law that asks the records to be
 * kept longer. Pure: core/use-cases/retention.ts gathers the facts, the admin view shows the basis.
 *
 * The clock starts when the incident closes (completed, closed without notice, or withdrawn): later
 * than any record the laws below count from (the determination, the notice), so never short.
 *
 * What the laws ask is to keep the DOCUMENTATION (that notice was given, the written determination);
 * Forthright keeps that part for ever without personal data (counts, hashes, the audit chain, the
 * determination's text, the filings); the period below governs the people's rows, which back it
 * while a regulator may still ask.
 */

/** One reason for keeping an incident's data: the company's policy or a law's provision. */
export interface RetentionBasis {
  /** 'policy' for the configured period; otherwise the provision. */
  citation: string;
  /** The period it asks for, from the incident's closure: years (a law) or days (the policy). */
  years: number | null;
  days: number | null;
  /** Why it applies to this incident, in a sentence. */
  reason: string;
  /** What is not verified about it, or null. */
  uncertain: string | null;
}

/** What the period depends on, read from the incident (core/db/retention.ts). */
export interface RetentionFacts {
  /** The regimes of its obligations, superseded ones too (`HIPAA`, …). */
  regimes: readonly string[];
  /** The jurisdictions an approved (perhaps later withdrawn) no-risk-of-harm determination covered. */
  noHarmJurisdictions: readonly string[];
}

/**
 * Laws that ask breach records to be kept for a number of years. A law applies when the incident's
 * facts say so (`appliesTo`); each is quoted with the provision and what was checked.
 */
export const RETENTION_LAWS = [
  {
    // "A covered entity must retain the documentation required by paragraph (j)(1) … for six years
    // from the date of its creation or the date when it last was in effect, whichever is later";
    // (j)(1)(iv) includes the documentation that meets the burden of proof of § 164.414(b) (that
    // every breach notice was given).
    citation: '45 CFR 164.530(j)(2)',
    years: 6,
    appliesTo: (f: RetentionFacts) => f.regimes.includes('HIPAA'),
    reason:
      'HIPAA obligations were assessed for the incident: the documentation that notices were given is kept six years.',
    uncertain:
      'Quoted from secondary copies of the regulation (compliancewiki, hipaatemplates), not the eCFR, in this review. Business associates keep theirs under 164.316(b)(2)(i), also six years.',
  },
  {
    citation: 'N.Y. Gen. Bus. Law § 899-aa(2)(a)',
    years: 5,
    appliesTo: (f: RetentionFacts) => f.noHarmJurisdictions.includes('US-NY'),
    reason:
      'A no-risk-of-harm determination covered New York: it must be documented in writing and kept at least five years.',
    uncertain:
      'As core/law/rules/us/ny.ts quotes the provision; not checked against the official text in this review.',
  },
  {
    citation: 'Fla. Stat. § 501.171(4)(c)',
    years: 5,
    appliesTo: (f: RetentionFacts) => f.noHarmJurisdictions.includes('US-FL'),
    reason:
      'A no-risk-of-harm determination covered Florida: it must be documented in writing and kept five years.',
    uncertain:
      'As core/law/rules/us/fl.ts summarises the provision (from secondary summaries); not checked against the official text.',
  },
  {
    citation: 'Alaska Stat. § 45.48.010(c)',
    years: 5,
    appliesTo: (f: RetentionFacts) => f.noHarmJurisdictions.includes('US-AK'),
    reason:
      'A no-risk-of-harm determination covered Alaska: it must be documented in writing and kept five years.',
    uncertain:
      'As core/law/rules/us/ak.ts summarises the provision; not checked against the official text in this review.',
  },
] as const;

/** Every basis that applies to an incident: the policy first, then each law that applies. */
export function retentionBases(facts: RetentionFacts, policyDays: number): RetentionBasis[] {
  return [
    {
      citation: 'policy',
      years: null,
      days: policyDays,
      reason: 'The company’s retention period for incident records (RETENTION_DEFAULT_DAYS).',
      uncertain: null,
    },
    ...RETENTION_LAWS.filter((law) => law.appliesTo(facts)).map((law) => ({
      citation: law.citation,
      years: law.years,
      days: null,
      reason: law.reason,
      uncertain: law.uncertain,
    })),
  ];
}

/** When one basis's period ends for an incident closed at `closedAt` (years as calendar years, UTC). */
export function basisEnds(basis: RetentionBasis, closedAt: Date): Date {
  const end = new Date(closedAt.getTime());
  if (basis.years !== null) end.setUTCFullYear(end.getUTCFullYear() + basis.years);
  if (basis.days !== null) end.setUTCDate(end.getUTCDate() + basis.days);
  return end;
}

/** The end of the incident's retention: the latest end of any basis that applies. */
export function retainUntil(bases: readonly RetentionBasis[], closedAt: Date): Date {
  return new Date(Math.max(...bases.map((b) => basisEnds(b, closedAt).getTime())));
}

/** The incident statuses that close it: its retention clock starts at the last change to one of them. */
export const CLOSED_INCIDENT_STATUSES = ['completed', 'closed_no_notice', 'withdrawn'] as const;
