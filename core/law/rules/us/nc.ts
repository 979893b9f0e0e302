import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules } from '../common';

/** North Carolina Identity Theft Protection Act, N.C. Gen. Stat. § 75-65. */
const AG = {
  name: 'North Carolina Attorney General, Consumer Protection Division',
  website: 'https://ncdoj.gov',
};

export const US_NC: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-NC',
    regime: 'N.C. Gen. Stat. § 75-65',
    timeZone: 'America/New_York',
    // § 14-113.20(b) via § 75-61(10): "employer taxpayer identification numbers" and passport numbers.
    triggers: [...US_CORE, 'passport', 'tax_id', 'biometric', 'account_credentials'],
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      requiredContent: ['credit_bureaus', 'ftc_contact', 'state_regulator_contact'],
      authority: AG,
      citation: 'N.C. Gen. Stat. § 75-65(a), (d)',
    },
    {
      audience: 'regulator',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      authority: AG,
      citation: 'N.C. Gen. Stat. § 75-65(e1)',
    },
    creditBureaus(1001, 'N.C. Gen. Stat. § 75-65(f)'),
  ],
);
