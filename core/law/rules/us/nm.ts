import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules } from '../common';

/** New Mexico Data Breach Notification Act, N.M. Stat. §§ 57-12C-1 to 57-12C-12. */
const FORTY_FIVE = { kind: 'calendar_days', days: 45, from: 'discovery' } as const;

export const US_NM: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-NM',
    regime: 'N.M. Stat. § 57-12C-6',
    timeZone: 'America/Denver',
    triggers: [...US_CORE, 'biometric'],
  },
  [
    {
      audience: 'individuals',
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 45,
        from: 'discovery',
        wording: 'in the most expedient time possible',
      },
      citation: 'N.M. Stat. § 57-12C-6(A)',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 1001 },
      deadline: FORTY_FIVE,
      authority: { name: 'New Mexico Attorney General', website: 'https://nmdoj.gov' },
      citation: 'N.M. Stat. § 57-12C-10',
    },
    creditBureaus(1001, 'N.M. Stat. § 57-12C-10', { deadline: FORTY_FIVE }),
  ],
);
