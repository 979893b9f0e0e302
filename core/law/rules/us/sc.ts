import type { Rule } from '../../types';
import { GOVERNMENT_ID, MOST_EXPEDIENT, US_CORE, creditBureaus, stateRules } from '../common';

/** South Carolina, S.C. Code § 39-1-90. */
export const US_SC: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-SC',
    regime: 'S.C. Code § 39-1-90',
    timeZone: 'America/New_York',
    // § 39-1-90(D)(3)(d): "numbers or information issued by a governmental or regulatory entity that uniquely will identify an individual".
    triggers: [...US_CORE, ...GOVERNMENT_ID],
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
