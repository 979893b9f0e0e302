import type { Rule } from '../../types';
import { GOVERNMENT_ID, US_CORE, creditBureaus, stateRules } from '../common';

/** South Dakota, SDCL §§ 22-40-19 to 22-40-26. */
export const US_SD: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-SD',
    regime: 'SDCL § 22-40-20',
    timeZone: 'America/Chicago',
    timeZoneNote: 'Pierre (the capital); western South Dakota is on Mountain time.',
    // § 22-40-19(4)(b): a driver's licence "or other unique identification number created or collected by a government body".
    triggers: [...US_CORE, ...GOVERNMENT_ID, 'medical', 'account_credentials'],
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'calendar_days', days: 60, from: 'discovery' },
      citation: 'SDCL § 22-40-20',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 251 },
      deadline: { kind: 'without_unreasonable_delay', outerLimitDays: 60, from: 'discovery' },
      authority: { name: 'South Dakota Attorney General', website: 'https://atg.sd.gov' },
      citation: 'SDCL § 22-40-20',
      uncertain:
        'The statute sets no separate time for the Attorney General; Forthright applies the individuals’ limit.',
    },
    creditBureaus(1, 'SDCL § 22-40-24', {
      uncertain:
        'We read § 22-40-24 as requiring notice to the agencies whatever the number of residents; confirm.',
    }),
  ],
);
