import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules } from '../common';

/** West Virginia, W. Va. Code §§ 46A-2A-101 to 46A-2A-105. */
export const US_WV: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-WV',
    regime: 'W. Va. Code § 46A-2A-102',
    timeZone: 'America/New_York',
    triggers: US_CORE,
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      requiredContent: ['credit_bureaus', 'fraud_alert', 'credit_freeze'],
      citation: 'W. Va. Code § 46A-2A-102(a), (d)',
    },
    creditBureaus(1001, 'W. Va. Code § 46A-2A-102(f)'),
  ],
);
