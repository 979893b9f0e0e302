import type { DataCategory } from '../../domain/categories';
import type { AuthorityContact } from '../../domain/content-parts';
import type { ElectronicNotice, Rule, SubstituteMeasure, SubstituteNotice } from '../types';

/**
 * Vocabulary shared by the rule modules: category sets and a small builder for US state laws, whose
 * rules share a jurisdiction, statute, zone and trigger list.
 */

/**
 * US statutes define "personal information" as a name together with one of these. Customers always
 * have a name on file, so Forthright treats the element alone as triggering. Account and card numbers
 * count whether or not the access code was exposed: the conservative reading.
 */
export const US_CORE: readonly DataCategory[] = [
  'ssn',
  'drivers_license',
  'financial_account',
  'payment_card',
];

/**
 * Government-issued identification numbers other than the driver's licence, for statutes that list
 * them ("driver's license number or government-issued identification number", Tex. Bus. & Com. Code
 * § 521.002(a)(2)(A)(ii); "or other unique identification number created or collected by a government
 * body", Iowa Code § 715C.1(11)(b)). Forthright's categories for them are the passport and the tax
 * identification number (an ITIN is issued by the IRS); both count, the cautious reading.
 */
export const GOVERNMENT_ID: readonly DataCategory[] = ['passport', 'tax_id'];

/** Data a breach of which is presumed high risk where a law asks for a risk judgement (GDPR Art. 34 and others). */
export const HIGH_RISK: readonly DataCategory[] = [
  'ssn',
  'drivers_license',
  'passport',
  'tax_id',
  'financial_account',
  'payment_card',
  'account_credentials',
  'medical',
  'health_insurance',
  'biometric',
  'genetic',
];

export const HIGH_RISK_NOTE =
  'The law asks for a risk judgement; Forthright presumes high risk for special-category, financial, credential and identity-document data and no high risk otherwise. The officer must confirm.';

/** The three nationwide consumer reporting agencies, notified together. */
export const CREDIT_BUREAUS: AuthorityContact = {
  name: 'Equifax, Experian and TransUnion (nationwide consumer reporting agencies)',
};

export interface StateBase {
  jurisdiction: string;
  regime: string;
  timeZone: string;
  timeZoneNote?: string;
  /** The statute's elements, besides a name. */
  triggers: readonly DataCategory[];
  /** Applies to every rule of the state. */
  uncertain?: string;
  /**
   * Whether email counts as the individuals' notice, where the statute differs from the common US
   * formula (`esignNotice`), with what to check about it (added to the individuals' rule's note).
   */
  electronicNotice?: ElectronicNotice & { uncertain?: string };
}

/**
 * The common US formula: notice may be "electronic notice, if the notice provided is consistent with
 * the provisions regarding electronic records and signatures set forth in 15 U.S.C. § 7001" — whose
 * § 7001(c)(1) needs the consumer's affirmative consent to receive records electronically. So email
 * counts only for people whose consent is on record; everyone else gets a letter.
 */
function esignNotice(regime: string): ElectronicNotice {
  return { kind: 'esign_consent', citation: `${regime} (notice); 15 U.S.C. § 7001(c)(1)` };
}

/** Said of every state encoded with the common formula by default rather than from a reading of its text. */
const ESIGN_DEFAULT_NOTE =
  'Electronic notice: encoded as the common US formula (email counts only with E-SIGN consent, 15 U.S.C. § 7001(c)) without checking this statute’s own wording in this review; some states also accept email where it is how the business usually communicates with the person, which Forthright does not record, so it sends a letter instead (the cautious reading).';

/** One rule of a state, without what the state base supplies. `key` distinguishes several rules for one audience. */
export type StateRuleSpec = Omit<
  Rule,
  | 'id'
  | 'jurisdiction'
  | 'regime'
  | 'timeZone'
  | 'timeZoneNote'
  | 'triggers'
  | 'safeHarbour'
  | 'requiredContent'
> & {
  key?: string;
  regime?: string;
  triggers?: Rule['triggers'];
  safeHarbour?: Rule['safeHarbour'];
  requiredContent?: Rule['requiredContent'];
};

/**
 * A state's rules. Every US breach statute has an encryption safe harbour, so it is the default.
 * Ids are '<jurisdiction>.<audience>' or '<jurisdiction>.<audience>.<key>'.
 */
export function stateRules(base: StateBase, specs: readonly StateRuleSpec[]): Rule[] {
  return specs.map(({ key, uncertain, ...spec }) => {
    const notes = [base.uncertain, uncertain].filter((n): n is string => Boolean(n));
    if (spec.audience === 'individuals' && !spec.electronicNotice) {
      // Every individuals' rule says whether email counts (core/law/channels.ts).
      const { uncertain: channelNote, ...electronicNotice } = base.electronicNotice ?? {
        ...esignNotice(base.regime),
        uncertain: ESIGN_DEFAULT_NOTE,
      };
      spec.electronicNotice = electronicNotice;
      if (channelNote) notes.push(channelNote);
    }
    const rule: Rule = {
      id: `${base.jurisdiction}.${spec.audience}${key ? `.${key}` : ''}`,
      jurisdiction: base.jurisdiction,
      regime: base.regime,
      timeZone: base.timeZone,
      triggers: base.triggers,
      safeHarbour: 'encryption',
      requiredContent: [],
      ...spec,
    };
    if (base.timeZoneNote) rule.timeZoneNote = base.timeZoneNote;
    if (notes.length > 0) rule.uncertain = notes.join(' ');
    return rule;
  });
}

/**
 * Consumer reporting agencies, told without unreasonable delay once more than `minAffected - 1`
 * residents are notified. `atOneTime`: the statute's own words where it counts the persons notified
 * "at one time" (`Threshold.countedAtOneTime`); the rule then says how Forthright counts them.
 */
export function creditBureaus(
  minAffected: number,
  citation: string,
  { atOneTime, ...extra }: Partial<StateRuleSpec> & { atOneTime?: string } = {},
): StateRuleSpec {
  const note = atOneTime
    ? `The statute counts the persons notified "${atOneTime}"; Forthright counts every resident whose notice this incident requires, as if all were notified at once — the cautious reading (notices sent in separate batches might each stay under the threshold).`
    : undefined;
  return {
    audience: 'consumer_reporting_agencies',
    threshold: { minAffected, ...(atOneTime ? { countedAtOneTime: true } : {}) },
    deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
    authority: CREDIT_BUREAUS,
    citation,
    ...extra,
    ...(note ? { uncertain: [extra.uncertain, note].filter(Boolean).join(' ') } : {}),
  };
}

/** "In the most expedient time possible and without unreasonable delay", the common US formula. */
export const MOST_EXPEDIENT = 'in the most expedient time possible and without unreasonable delay';

/** The common US substitute notice's e-mail element. */
export const SUBSTITUTE_EMAIL: SubstituteMeasure = {
  kind: 'email',
  wording: 'e-mail notice when the business has an e-mail address for the affected persons',
};

/** The common US substitute notice's website element, with its period where the statute sets one. */
export function websitePosting(days?: number): SubstituteMeasure {
  return {
    kind: 'website',
    wording: `conspicuous posting of the notice on the business's website, if it maintains one${days ? `, for at least ${days} days` : ''}`,
    ...(days ? { days } : {}),
  };
}

/** The common US substitute notice's media element. */
const STATEWIDE_MEDIA: SubstituteMeasure = {
  kind: 'media',
  wording: 'notification to major statewide media',
};

/** Said of every substitute-notice provision encoded from summaries rather than the official text. */
export const SUBSTITUTE_UNVERIFIED =
  'Substitute notice: figures and elements encoded from secondary summaries of the statute, not checked against the official text in this review; a lawyer should confirm them.';

/**
 * The substitute notice most US statutes share word for word: where the cost of notice would exceed
 * `costExceedsUsd`, or the people to notify exceed `affectedExceeds`, or the business lacks
 * sufficient contact information — e-mail where an address is known, a conspicuous posting on the
 * website and notice to major statewide media. Used per state, never as a silent default: a state
 * gets it only where its statute has been read to say so. Figures not checked against the official
 * text (no `checkedAgainst`) carry SUBSTITUTE_UNVERIFIED in their note.
 */
export function commonSubstituteNotice(
  costExceedsUsd: number,
  affectedExceeds: number,
  citation: string,
  more: { postingDays?: number; uncertain?: string; checkedAgainst?: string } = {},
): readonly SubstituteNotice[] {
  // `checkedAgainst`: the official text the figures were read in; without it they are unverified.
  const notes = [more.checkedAgainst ? null : SUBSTITUTE_UNVERIFIED, more.uncertain].filter(Boolean);
  return [
    {
      when: { costExceedsUsd, affectedExceeds, unreachableAtLeast: 1 },
      consistsOf: [SUBSTITUTE_EMAIL, websitePosting(more.postingDays), STATEWIDE_MEDIA],
      citation,
      ...(notes.length > 0 ? { uncertain: notes.join(' ') } : {}),
    },
  ];
}
