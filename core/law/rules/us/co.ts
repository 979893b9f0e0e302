import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, creditBureaus, stateRules } from '../common';

/** Colorado, C.R.S. § 6-1-716. */
export const US_CO: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-CO',
    regime: 'C.R.S. § 6-1-716',
    timeZone: 'America/Denver',
    triggers: [...US_CORE, 'passport', 'medical', 'health_insurance', 'biometric', 'account_credentials'],
  },
  [
    {
      audience: 'individuals',
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 30,
        from: 'discovery',
        wording: MOST_EXPEDIENT,
      },
      requiredContent: ['credit_bureaus', 'ftc_contact', 'fraud_alert', 'credit_freeze'],
      citation: 'C.R.S. § 6-1-716(2)',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 500 },
      deadline: { kind: 'calendar_days', days: 30, from: 'discovery' },
      authority: { name: 'Colorado Attorney General', website: 'https://coag.gov' },
      citation: 'C.R.S. § 6-1-716(2)(f)',
    },
    creditBureaus(1001, 'C.R.S. § 6-1-716(2)(d)'),
  ],
);
