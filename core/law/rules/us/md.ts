import type { Rule, SubstituteNotice } from '../../types';
import {
  US_CORE,
  creditBureaus,
  stateRules,
  SUBSTITUTE_EMAIL,
  SUBSTITUTE_UNVERIFIED,
  websitePosting,
} from '../common';

/** Maryland Personal Information Protection Act, Md. Code, Com. Law §§ 14-3501 to 14-3508. */
const AG = { name: 'Maryland Attorney General', website: 'https://www.marylandattorneygeneral.gov' };

/** Substitute notice for the individuals' rule(s). */
const SUBSTITUTE: readonly SubstituteNotice[] = [
  {
    when: { costExceedsUsd: 100_000, affectedExceeds: 175_000, unreachableAtLeast: 1 },
    consistsOf: [
      SUBSTITUTE_EMAIL,
      websitePosting(),
      {
        kind: 'media',
        wording:
          'notice to major print or broadcast media in geographic areas where the affected individuals likely reside',
      },
    ],
    citation: 'Md. Code, Com. Law § 14-3504(e)(4)',
    uncertain: SUBSTITUTE_UNVERIFIED,
  },
];

export const US_MD: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-MD',
    regime: 'Md. Code, Com. Law § 14-3504',
    timeZone: 'America/New_York',
    triggers: [
      ...US_CORE,
      'tax_id',
      'passport',
      'medical',
      'health_insurance',
      'biometric',
      'genetic',
      'account_credentials',
    ],
  },
  [
    {
      audience: 'individuals',
      substituteNotice: SUBSTITUTE,
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 45,
        from: 'discovery',
        wording: 'as soon as reasonably practicable',
      },
      requiredContent: ['credit_bureaus', 'ftc_contact', 'state_regulator_contact'],
      authority: AG,
      citation: 'Md. Code, Com. Law § 14-3504(b)(3), (g)',
      effectiveFrom: '2022-10-01',
    },
    {
      audience: 'regulator',
      deadline: { kind: 'with_individual_notice', wording: 'before notifying individuals' },
      // "Prior to giving the notification required under subsection (b)": delivery waits for it.
      beforeIndividualNotice: true,
      authority: AG,
      citation: 'Md. Code, Com. Law § 14-3504(h)',
    },
    creditBureaus(1000, 'Md. Code, Com. Law § 14-3506'),
  ],
);
