import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules } from '../common';

/** Ohio, Ohio Rev. Code § 1349.19. */
export const US_OH: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-OH',
    regime: 'Ohio Rev. Code § 1349.19',
    timeZone: 'America/New_York',
    triggers: US_CORE,
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
      citation: 'Ohio Rev. Code § 1349.19(B)(2)',
    },
    creditBureaus(1001, 'Ohio Rev. Code § 1349.19(G)'),
  ],
);
