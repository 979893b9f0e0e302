import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules, commonSubstituteNotice } from '../common';

/** Pennsylvania Breach of Personal Information Notification Act, 73 P.S. §§ 2301–2330, as amended by Act 33 of 2024. */
const ACT_33 = '2024-09-26';

/** Substitute notice, for the individuals' rules old and new. */
const SUBSTITUTE = commonSubstituteNotice(100_000, 175_000, '73 P.S. § 2302 ("notice", substitute notice)');

export const US_PA: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-PA',
    regime: '73 P.S. § 2303',
    timeZone: 'America/New_York',
    triggers: [...US_CORE, 'medical', 'health_insurance', 'biometric', 'account_credentials'],
  },
  [
    {
      audience: 'individuals',
      substituteNotice: SUBSTITUTE,
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      // 12 months of credit monitoring and a credit report where SSNs, bank account numbers or DL/ID numbers were exposed.
      conditionalContent: [
        { categories: ['ssn', 'financial_account', 'drivers_license'], parts: ['identity_theft_protection'] },
      ],
      citation: '73 P.S. § 2303, as amended by Act 2024-33',
      effectiveFrom: ACT_33,
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 501 },
      deadline: { kind: 'with_individual_notice', wording: 'concurrently with the notice to individuals' },
      authority: { name: 'Pennsylvania Attorney General', website: 'https://www.attorneygeneral.gov' },
      citation: '73 P.S. § 2303, as amended by Act 2024-33',
      effectiveFrom: ACT_33,
    },
    creditBureaus(500, '73 P.S. § 2305, as amended by Act 2024-33', {
      effectiveFrom: ACT_33,
      uncertain:
        'Act 33 lowered the number from "more than 1,000" to 500 persons notified at one time; Forthright counts 500 or more, the cautious reading should the enacted words be "more than 500".',
    }),
    // The text before Act 33, kept for incidents discovered before 26 September 2024.
    {
      key: 'pre-2024',
      audience: 'individuals',
      substituteNotice: SUBSTITUTE,
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      citation: '73 P.S. § 2303 (before Act 2024-33)',
      effectiveUntil: ACT_33,
    },
    creditBureaus(1001, '73 P.S. § 2305 (before Act 2024-33)', { key: 'pre-2024', effectiveUntil: ACT_33 }),
  ],
);
