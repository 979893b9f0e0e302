import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, stateRules } from '../common';

/** Arkansas Personal Information Protection Act, Ark. Code §§ 4-110-101 to 4-110-108. */
export const US_AR: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-AR',
    regime: 'Ark. Code § 4-110-105',
    timeZone: 'America/Chicago',
    triggers: [...US_CORE, 'medical', 'biometric'],
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      citation: 'Ark. Code § 4-110-105(a)',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 1001 },
      deadline: { kind: 'calendar_days', days: 45, from: 'discovery' },
      notLaterThanIndividualNotice: true,
      authority: { name: 'Arkansas Attorney General', website: 'https://arkansasag.gov' },
      citation: 'Ark. Code § 4-110-105(d)',
      uncertain:
        'We found no duty to notify consumer reporting agencies in Arkansas; a lawyer should confirm. The 45 days run from determining a reasonable likelihood of harm; Forthright counts from discovery.',
    },
  ],
);
