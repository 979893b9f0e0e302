import type { Rule } from '../../types';
import { GOVERNMENT_ID, US_CORE, creditBureaus, stateRules } from '../common';

/** Missouri, Mo. Rev. Stat. § 407.1500. */
export const US_MO: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-MO',
    regime: 'Mo. Rev. Stat. § 407.1500',
    timeZone: 'America/Chicago',
    // § 407.1500.1(9)(b): a driver's licence "or other unique identification number created or collected by a government body".
    triggers: [...US_CORE, ...GOVERNMENT_ID, 'medical', 'health_insurance', 'account_credentials'],
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      citation: 'Mo. Rev. Stat. § 407.1500.2(1)',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 1001 },
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      authority: {
        name: 'Missouri Attorney General, Consumer Protection Unit',
        website: 'https://ago.mo.gov',
      },
      citation: 'Mo. Rev. Stat. § 407.1500.2(8)',
    },
    creditBureaus(1001, 'Mo. Rev. Stat. § 407.1500.2(8)'),
  ],
);
