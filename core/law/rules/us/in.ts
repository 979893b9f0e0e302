import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules } from '../common';

/** Indiana, Ind. Code art. 24-4.9. */
export const US_IN: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-IN',
    regime: 'Ind. Code 24-4.9',
    electronicNotice: {
      kind: 'allowed',
      citation: 'Ind. Code 24-4.9-3-4(a)',
      uncertain:
        'Electronic notice: Ind. Code 24-4.9-3-4(a) is read to allow e-mail where the database owner has the resident’s e-mail address, without consent; encoded from the text as recalled, not re-read in this review.',
    },
    timeZone: 'America/Indiana/Indianapolis',
    timeZoneNote: 'Indianapolis (the capital); counties near Chicago and Evansville are on Central time.',
    triggers: US_CORE,
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', outerLimitDays: 45, from: 'discovery' },
      citation: 'Ind. Code 24-4.9-3-1, 24-4.9-3-3',
      effectiveFrom: '2022-07-01',
    },
    {
      audience: 'regulator',
      deadline: { kind: 'without_unreasonable_delay', outerLimitDays: 45, from: 'discovery' },
      authority: { name: 'Indiana Attorney General', website: 'https://www.in.gov/attorneygeneral' },
      citation: 'Ind. Code 24-4.9-3-1(c)',
      uncertain:
        'The statute sets no separate time for the Attorney General; Forthright applies the individuals’ limit.',
    },
    creditBureaus(1001, 'Ind. Code 24-4.9-3-1(b)'),
  ],
);
