import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, creditBureaus, stateRules } from '../common';

/** South Carolina, S.C. Code § 39-1-90. */
export const US_SC: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-SC',
    regime: 'S.C. Code § 39-1-90',
    timeZone: 'America/New_York',
    triggers: US_CORE,
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      citation: 'S.C. Code § 39-1-90(A)',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 1001 },
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      authority: {
        name: 'South Carolina Department of Consumer Affairs, Consumer Protection Division',
        website: 'https://consumer.sc.gov',
      },
      citation: 'S.C. Code § 39-1-90(K)',
    },
    creditBureaus(1001, 'S.C. Code § 39-1-90(K)'),
  ],
);
