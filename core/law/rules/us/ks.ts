import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, creditBureaus, stateRules } from '../common';

/** Kansas, K.S.A. §§ 50-7a01 to 50-7a04. */
export const US_KS: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-KS',
    regime: 'K.S.A. § 50-7a02',
    timeZone: 'America/Chicago',
    timeZoneNote: 'Topeka (the capital); four western counties are on Mountain time.',
    triggers: US_CORE,
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      citation: 'K.S.A. § 50-7a02(a)',
    },
    creditBureaus(1001, 'K.S.A. § 50-7a02(f)'),
  ],
);
