import type { Rule } from '../../types';
import { US_CORE, stateRules } from '../common';

/** Delaware, 6 Del. C. §§ 12B-101 to 12B-104. */
export const US_DE: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-DE',
    regime: '6 Del. C. § 12B-101 et seq.',
    timeZone: 'America/New_York',
    triggers: [
      ...US_CORE,
      'passport',
      'tax_id',
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
      deadline: { kind: 'without_unreasonable_delay', outerLimitDays: 60, from: 'discovery' },
      // § 12B-102(e): one year of credit monitoring where SSNs were exposed.
      conditionalContent: [
        {
          categories: ['ssn'],
          parts: ['identity_theft_protection'],
          term: { months: 12, citation: '6 Del. C. § 12B-102(e)' },
        },
      ],
      citation: '6 Del. C. § 12B-102(c), (e)',
      uncertain:
        'Not required where, after investigation, the breach is unlikely to result in harm (§ 12B-102(a)).',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 501 },
      deadline: { kind: 'with_individual_notice' },
      authority: { name: 'Delaware Attorney General', website: 'https://attorneygeneral.delaware.gov' },
      citation: '6 Del. C. § 12B-102(d)',
    },
  ],
);
