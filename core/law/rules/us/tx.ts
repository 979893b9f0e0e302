import type { Rule } from '../../types';
import { GOVERNMENT_ID, US_CORE, creditBureaus, stateRules, commonSubstituteNotice } from '../common';

/** Texas Identity Theft Enforcement and Protection Act, Tex. Bus. & Com. Code § 521.053. */
export const US_TX: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-TX',
    regime: 'Tex. Bus. & Com. Code § 521.053',
    timeZone: 'America/Chicago',
    timeZoneNote: 'Austin (the capital); El Paso and Hudspeth counties are on Mountain time.',
    // § 521.002(a)(2): a driver's licence "or government-issued identification number"; health information.
    triggers: [...US_CORE, ...GOVERNMENT_ID, 'medical', 'health_insurance'],
  },
  [
    {
      audience: 'individuals',
      substituteNotice: commonSubstituteNotice(250_000, 500_000, 'Tex. Bus. & Com. Code § 521.053(f)', {
        uncertain: 'The media element reads "notice published in or broadcast on major statewide media".',
      }),
      deadline: { kind: 'without_unreasonable_delay', outerLimitDays: 60, from: 'discovery' },
      citation: 'Tex. Bus. & Com. Code § 521.053(b)',
      uncertain:
        'The 60 days run from determining that the breach occurred; Forthright counts from discovery.',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 250 },
      deadline: { kind: 'calendar_days', days: 30, from: 'discovery' },
      authority: { name: 'Texas Attorney General', website: 'https://www.texasattorneygeneral.gov' },
      citation: 'Tex. Bus. & Com. Code § 521.053(i), as amended by SB 768 (2023)',
      effectiveFrom: '2023-09-01',
    },
    creditBureaus(10_001, 'Tex. Bus. & Com. Code § 521.053(h)', { atOneTime: 'at one time' }),
  ],
);
