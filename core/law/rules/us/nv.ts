import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, creditBureaus, stateRules } from '../common';

/** Nevada, NRS 603A.220. */
export const US_NV: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-NV',
    regime: 'NRS 603A.220',
    timeZone: 'America/Los_Angeles',
    timeZoneNote: 'Carson City (the capital); West Wendover is on Mountain time.',
    triggers: [...US_CORE, 'medical', 'health_insurance', 'account_credentials'],
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      citation: 'NRS 603A.220(1)',
    },
    creditBureaus(1001, 'NRS 603A.220(6)'),
  ],
);
