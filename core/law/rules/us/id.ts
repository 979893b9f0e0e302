import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, stateRules } from '../common';

/** Idaho, Idaho Code §§ 28-51-104 to 28-51-107. */
export const US_ID: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-ID',
    regime: 'Idaho Code § 28-51-105',
    timeZone: 'America/Boise',
    timeZoneNote: 'Boise (the capital); the northern panhandle is on Pacific time.',
    triggers: US_CORE,
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      citation: 'Idaho Code § 28-51-105(1)',
      uncertain:
        'Required only where misuse has occurred or is reasonably likely. Attorney General notice applies to public agencies only.',
    },
  ],
);
