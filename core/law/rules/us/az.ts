import type { Rule, SubstituteNotice } from '../../types';
import { US_CORE, creditBureaus, stateRules, SUBSTITUTE_UNVERIFIED } from '../common';

/** Substitute notice for the individuals' rule(s). */
const SUBSTITUTE: readonly SubstituteNotice[] = [
  {
    when: { costExceedsUsd: 50_000, affectedExceeds: 100_000, unreachableAtLeast: 1 },
    consistsOf: [
      {
        kind: 'regulator_letter',
        wording:
          'a written letter to the attorney general demonstrating the facts necessary for substitute notice',
      },
      {
        kind: 'website',
        days: 45,
        wording:
          'a conspicuous posting for at least 45 days on the website of the person, if it maintains one',
      },
    ],
    citation: 'A.R.S. § 18-552 (substitute notice)',
    uncertain: `${SUBSTITUTE_UNVERIFIED} The paragraph of § 18-552 that sets out substitute notice is not cited precisely.`,
  },
];

/** Arizona, A.R.S. § 18-551 to 18-552. */
export const US_AZ: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-AZ',
    regime: 'A.R.S. § 18-552',
    electronicNotice: {
      kind: 'allowed',
      citation: 'A.R.S. § 18-552(F)(2)',
      uncertain:
        'Electronic notice: A.R.S. § 18-552(F) is read to allow "an e-mail notice if the person has e-mail addresses for the individuals" without consent; encoded from the text as recalled, not re-read in this review.',
    },
    // Arizona does not observe daylight saving time (except the Navajo Nation).
    timeZone: 'America/Phoenix',
    triggers: [
      ...US_CORE,
      'passport',
      'tax_id',
      'medical',
      'health_insurance',
      'biometric',
      'account_credentials',
    ],
  },
  [
    {
      audience: 'individuals',
      substituteNotice: SUBSTITUTE,
      deadline: { kind: 'calendar_days', days: 45, from: 'discovery' },
      requiredContent: ['credit_bureaus', 'ftc_contact'],
      citation: 'A.R.S. § 18-552(B), (F)',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 1001 },
      deadline: { kind: 'calendar_days', days: 45, from: 'discovery' },
      authority: { name: 'Arizona Attorney General', website: 'https://www.azag.gov' },
      citation: 'A.R.S. § 18-552(B)(2)',
    },
    {
      key: 'homeland-security',
      audience: 'regulator',
      threshold: { minAffected: 1001 },
      deadline: { kind: 'calendar_days', days: 45, from: 'discovery' },
      authority: { name: 'Director of the Arizona Department of Homeland Security' },
      citation: 'A.R.S. § 18-552(B)(2)',
    },
    creditBureaus(1001, 'A.R.S. § 18-552(B)(2)', {
      deadline: { kind: 'calendar_days', days: 45, from: 'discovery' },
    }),
  ],
);
