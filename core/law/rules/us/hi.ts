import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules } from '../common';

/** Hawaii, HRS §§ 487N-1 to 487N-4. */
export const US_HI: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-HI',
    regime: 'HRS § 487N-2',
    timeZone: 'Pacific/Honolulu',
    triggers: US_CORE,
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      citation: 'HRS § 487N-2(a)',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 1001 },
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      authority: { name: 'Hawaii Office of Consumer Protection', website: 'https://cca.hawaii.gov/ocp' },
      citation: 'HRS § 487N-2(f)',
    },
    creditBureaus(1001, 'HRS § 487N-2(f)'),
  ],
);
