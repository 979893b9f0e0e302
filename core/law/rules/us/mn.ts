import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, creditBureaus, stateRules } from '../common';

/** Minnesota, Minn. Stat. § 325E.61. */
export const US_MN: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-MN',
    regime: 'Minn. Stat. § 325E.61',
    timeZone: 'America/Chicago',
    triggers: US_CORE,
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      citation: 'Minn. Stat. § 325E.61 subd. 1(a)',
    },
    creditBureaus(501, 'Minn. Stat. § 325E.61 subd. 2', {
      atOneTime: 'at one time',
      deadline: { kind: 'hours', hours: 48, from: 'discovery' },
      uncertain:
        'The 48 hours run from discovering circumstances requiring notice of more than 500 persons; Forthright counts from discovery.',
    }),
  ],
);
