import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules } from '../common';

/** Tennessee, Tenn. Code § 47-18-2107. */
export const US_TN: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-TN',
    regime: 'Tenn. Code § 47-18-2107',
    timeZone: 'America/Chicago',
    timeZoneNote: 'Nashville (the capital); East Tennessee is on Eastern time.',
    triggers: US_CORE,
  },
  [
    {
      audience: 'individuals',
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 45,
        from: 'discovery',
        wording: 'immediately',
      },
      citation: 'Tenn. Code § 47-18-2107(b)',
    },
    creditBureaus(1001, 'Tenn. Code § 47-18-2107(g)'),
  ],
);
