import type { DataCategory } from '../../domain/categories';
import type { AuthorityContact } from '../../domain/content-parts';
import type { GroupFilter, Rule, SubstituteNotice } from '../types';

/**
 * HIPAA Breach Notification Rule, 45 CFR 164.400–414, for covered entities (from configuration).
 * Individuals and HHS are counted over every US resident affected; media per state.
 */

/**
 * Protected health information is any individually identifiable health information a covered entity
 * holds (45 CFR 160.103), demographics included: a patient's SSN, address, date of birth or
 * biometrics identify them as the entity's patient, and 164.514(b)(2) lists them among the identifiers.
 * Billing data (account and card numbers) is PHI too ("payment for the provision of health care").
 * A name, e-mail or phone alone is left out, as everywhere: the officer decides whether a list of
 * patients' contact details is a breach of PHI (it usually is).
 */
const PHI: readonly DataCategory[] = [
  'medical',
  'health_insurance',
  'genetic',
  'biometric',
  'ssn',
  'date_of_birth',
  'postal_address',
  'drivers_license',
  'passport',
  'tax_id',
  'financial_account',
  'payment_card',
];
const US: GroupFilter = { countries: ['US'] };

const HHS: AuthorityContact = {
  name: 'U.S. Department of Health and Human Services, Office for Civil Rights',
  website: 'https://ocrportal.hhs.gov/ocr/breach',
};

const COMMON = {
  jurisdiction: 'US-HIPAA',
  regime: 'HIPAA',
  triggers: PHI,
  requiresRegime: 'hipaaCoveredEntity',
  // Encrypted PHI under HHS guidance is "secured": the rule covers unsecured PHI only (164.402).
  safeHarbour: 'encryption',
  timeZone: 'America/New_York',
  timeZoneNote: 'HHS is in Washington, DC; calendar days are counted in Eastern time.',
} as const;

/**
 * 164.404(d)(2): where contact information is insufficient or out of date for written notice, a
 * substitute form of notice reasonably calculated to reach the individual — for 10 or more, a web
 * posting or major media plus a toll-free number; for fewer, any alternative written or telephone notice.
 */
const SUBSTITUTE: readonly SubstituteNotice[] = [
  {
    when: { unreachableAtLeast: 10 },
    consistsOf: [
      [
        {
          kind: 'website',
          days: 90,
          wording:
            'a conspicuous posting for a period of 90 days on the home page of the covered entity’s website',
        },
        {
          kind: 'media',
          wording:
            'conspicuous notice in major print or broadcast media in geographic areas where the individuals affected by the breach likely reside',
        },
      ],
      {
        kind: 'toll_free',
        days: 90,
        wording:
          'a toll-free phone number that remains active for at least 90 days where an individual can learn whether their unsecured protected health information may be included in the breach',
      },
    ],
    citation: '45 CFR 164.404(d)(2)(ii)',
  },
  {
    when: { unreachableAtLeast: 1 },
    consistsOf: [
      { kind: 'alternative', wording: 'an alternative form of written notice, telephone, or other means' },
    ],
    citation: '45 CFR 164.404(d)(2)(i)',
    uncertain:
      'Substitute notice is not needed where the missing contact details are those of the next of kin or personal representative of a deceased individual (164.404(d)(2)); Forthright does not tell the two apart.',
  },
];

/**
 * Forthright's audiences have no "controller" (obligations.audience is checked by migration 002), so a
 * business associate's duty to its covered entity is tracked as a regulator-type obligation naming
 * the covered entity as the one to notify.
 */
const COVERED_ENTITY: AuthorityContact = {
  name: 'The covered entity for which the company acts as business associate',
};

export const HIPAA_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'US-HIPAA.individuals',
    audience: 'individuals',
    electronicNotice: { kind: 'agreement', citation: '45 CFR 164.404(d)(1)(i)' },
    scope: { kind: 'pooled', where: US },
    deadline: { kind: 'without_unreasonable_delay', outerLimitDays: 60, from: 'discovery' },
    requiredContent: ['hipaa_contact'],
    authority: HHS,
    substituteNotice: SUBSTITUTE,
    citation: '45 CFR 164.404',
    uncertain:
      'Data categories stand in for protected health information; whether the data is PHI held as a covered entity (not, say, employment records) is for the officer to confirm. A business associate notifies the covered entity instead (164.410).',
  },
  {
    ...COMMON,
    id: 'US-HIPAA.regulator',
    audience: 'regulator',
    scope: { kind: 'pooled', where: US },
    threshold: { minAffected: 500 },
    deadline: {
      kind: 'without_unreasonable_delay',
      outerLimitDays: 60,
      from: 'discovery',
      wording: 'contemporaneously with notice to individuals',
    },
    requiredContent: [],
    authority: HHS,
    citation: '45 CFR 164.408(b)',
  },
  {
    ...COMMON,
    id: 'US-HIPAA.regulator.annual-log',
    audience: 'regulator',
    scope: { kind: 'pooled', where: US },
    threshold: { minAffected: 1, maxAffected: 499 },
    deadline: { kind: 'after_year_end', days: 60 },
    requiredContent: [],
    authority: HHS,
    citation: '45 CFR 164.408(c)',
  },
  {
    ...COMMON,
    id: 'US-HIPAA.media',
    audience: 'media',
    // "More than 500 residents of a State or jurisdiction": one notice per state.
    scope: { kind: 'per_jurisdiction', where: US },
    threshold: { minAffected: 501 },
    deadline: { kind: 'without_unreasonable_delay', outerLimitDays: 60, from: 'discovery' },
    requiredContent: ['hipaa_contact'],
    authority: { name: 'Prominent media outlets serving the state' },
    citation: '45 CFR 164.406',
  },
];

/** 45 CFR 164.410: a business associate tells the covered entity, which then notifies the people. */
export const HIPAA_BUSINESS_ASSOCIATE_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'US-HIPAA.regulator.business-associate',
    audience: 'regulator',
    requiresRegime: 'hipaaBusinessAssociate',
    scope: { kind: 'pooled', where: US },
    deadline: { kind: 'without_unreasonable_delay', outerLimitDays: 60, from: 'discovery' },
    requiredContent: [],
    authority: COVERED_ENTITY,
    citation: '45 CFR 164.410(a)–(c)',
    uncertain:
      'The notice names each individual affected, as far as possible, and what the covered entity needs for its own notice (164.410(c)). A business associate agreement often sets a shorter time; check it.',
  },
];
