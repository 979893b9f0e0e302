import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, stateRules } from '../common';

/** Wyoming, Wyo. Stat. §§ 40-12-501 to 40-12-509. */
export const US_WY: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-WY',
    regime: 'Wyo. Stat. § 40-12-502',
    timeZone: 'America/Denver',
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
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      citation: 'Wyo. Stat. § 40-12-502(a), (e)',
    },
  ],
);
