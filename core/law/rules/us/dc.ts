import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, creditBureaus, stateRules } from '../common';

/** District of Columbia, D.C. Code §§ 28-3851 to 28-3853 (as amended by the Security Breach Protection Amendment Act of 2020). */
const AG = {
  name: 'Office of the Attorney General for the District of Columbia',
  website: 'https://oag.dc.gov',
};

export const US_DC: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-DC',
    regime: 'D.C. Code § 28-3851 et seq.',
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
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      requiredContent: ['credit_bureaus', 'ftc_contact', 'state_regulator_contact', 'credit_freeze'],
      // § 28-3852(d): 18 months of identity theft protection where SSNs or TINs were exposed.
      conditionalContent: [
        {
          categories: ['ssn', 'tax_id'],
          parts: ['identity_theft_protection'],
          // Codified as § 28-3852.02 ("Remedies") by the 2020 amendment.
          term: { months: 18, citation: 'D.C. Code § 28-3852.02' },
        },
      ],
      authority: AG,
      citation: 'D.C. Code § 28-3852(a), (a-1), (d)',
      effectiveFrom: '2020-07-01',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 50 },
      deadline: {
        kind: 'with_individual_notice',
        wording: 'promptly, and no later than the notice to individuals',
      },
      authority: AG,
      citation: 'D.C. Code § 28-3852(b-1)',
      effectiveFrom: '2020-07-01',
    },
    creditBureaus(1001, 'D.C. Code § 28-3852(c)'),
  ],
);
