import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, stateRules } from '../common';

/** North Dakota, N.D. Cent. Code ch. 51-30. */
export const US_ND: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-ND',
    regime: 'N.D. Cent. Code § 51-30-02',
    timeZone: 'America/Chicago',
    timeZoneNote: 'Bismarck (the capital); the south-west is on Mountain time.',
    // North Dakota counts a date of birth (with a name) as personal information.
    triggers: [...US_CORE, 'date_of_birth', 'medical', 'health_insurance'],
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      citation: 'N.D. Cent. Code § 51-30-02',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 251 },
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      authority: { name: 'North Dakota Attorney General', website: 'https://attorneygeneral.nd.gov' },
      citation: 'N.D. Cent. Code § 51-30-02',
    },
  ],
);
