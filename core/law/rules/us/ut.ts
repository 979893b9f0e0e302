import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, creditBureaus, stateRules } from '../common';

/** Utah Protection of Personal Information Act, Utah Code §§ 13-44-101 to 13-44-301, as amended by SB 98 (2024). */
const SB98 = '2024-05-01';

export const US_UT: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-UT',
    regime: 'Utah Code § 13-44-202',
    timeZone: 'America/Denver',
    triggers: US_CORE,
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      citation: 'Utah Code § 13-44-202(2)',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 500 },
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      authority: { name: 'Utah Attorney General', website: 'https://attorneygeneral.utah.gov' },
      citation: 'Utah Code § 13-44-202(1)(c), as amended by SB 98 (2024)',
      effectiveFrom: SB98,
    },
    {
      key: 'cyber-center',
      audience: 'regulator',
      threshold: { minAffected: 500 },
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      authority: { name: 'Utah Cyber Center' },
      citation: 'Utah Code § 13-44-202(1)(c), as amended by SB 98 (2024)',
      effectiveFrom: SB98,
    },
    creditBureaus(1000, 'Utah Code § 13-44-202(1)(d)', {
      uncertain: 'Threshold read as "1,000 or more"; confirm.',
    }),
  ],
);
