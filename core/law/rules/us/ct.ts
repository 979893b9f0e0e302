import type { Rule } from '../../types';
import { US_CORE, stateRules } from '../common';

/** Connecticut, Conn. Gen. Stat. § 36a-701b. */
export const US_CT: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-CT',
    regime: 'Conn. Gen. Stat. § 36a-701b',
    timeZone: 'America/New_York',
    triggers: [
      ...US_CORE,
      'tax_id',
      'passport',
      'medical',
      'health_insurance',
      'biometric',
      'account_credentials',
    ],
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', outerLimitDays: 60, from: 'discovery' },
      // (b)(2)(B): at least 24 months of identity theft prevention services where SSNs or ITINs were exposed.
      conditionalContent: [
        {
          categories: ['ssn', 'tax_id'],
          parts: ['identity_theft_protection'],
          // 24 months since P.A. 18-90 (from 1 October 2018; 12 before).
          term: { months: 24, citation: 'Conn. Gen. Stat. § 36a-701b(b)(2)(B)' },
        },
      ],
      citation: 'Conn. Gen. Stat. § 36a-701b(b)',
      effectiveFrom: '2021-10-01',
    },
    {
      audience: 'regulator',
      deadline: { kind: 'with_individual_notice' },
      authority: { name: 'Connecticut Attorney General', website: 'https://portal.ct.gov/ag' },
      citation: 'Conn. Gen. Stat. § 36a-701b(b)(2)',
    },
  ],
);
