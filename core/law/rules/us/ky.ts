import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, creditBureaus, stateRules } from '../common';

/** Kentucky, KRS § 365.732. */
export const US_KY: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-KY',
    regime: 'KRS § 365.732',
    timeZone: 'America/New_York',
    timeZoneNote: 'Frankfort (the capital); western Kentucky is on Central time.',
    triggers: US_CORE,
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      citation: 'KRS § 365.732(2)',
    },
    creditBureaus(1001, 'KRS § 365.732(7)'),
  ],
);
