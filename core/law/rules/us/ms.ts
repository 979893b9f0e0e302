import type { Rule } from '../../types';
import { US_CORE, stateRules } from '../common';

/** Mississippi, Miss. Code § 75-24-29. */
export const US_MS: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-MS',
    regime: 'Miss. Code § 75-24-29',
    timeZone: 'America/Chicago',
    triggers: US_CORE,
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      citation: 'Miss. Code § 75-24-29(3)',
      uncertain:
        'Not required where, after investigation, the breach is unlikely to result in harm (§ 75-24-29(5)).',
    },
  ],
);
