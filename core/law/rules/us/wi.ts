import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules } from '../common';

/** Wisconsin, Wis. Stat. § 134.98. */
export const US_WI: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-WI',
    regime: 'Wis. Stat. § 134.98',
    timeZone: 'America/Chicago',
    triggers: [...US_CORE, 'biometric', 'genetic'],
  },
  [
    {
      audience: 'individuals',
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 45,
        from: 'discovery',
        wording: 'within a reasonable time',
      },
      citation: 'Wis. Stat. § 134.98(3)(a)',
    },
    // (2)(br): "1,000 or more individuals" notified as the result of a single incident.
    creditBureaus(1000, 'Wis. Stat. § 134.98(2)(br)'),
  ],
);
