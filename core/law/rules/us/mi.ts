import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules } from '../common';

/** Michigan Identity Theft Protection Act, MCL § 445.72. */
export const US_MI: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-MI',
    regime: 'MCL § 445.72',
    timeZone: 'America/Detroit',
    timeZoneNote: 'Lansing (the capital); four Upper Peninsula counties are on Central time.',
    triggers: US_CORE,
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      citation: 'MCL § 445.72(1), (4)',
    },
    creditBureaus(1001, 'MCL § 445.72(8)'),
  ],
);
