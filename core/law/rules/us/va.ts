import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules, commonSubstituteNotice } from '../common';

/** Virginia, Va. Code § 18.2-186.6. */
export const US_VA: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-VA',
    regime: 'Va. Code § 18.2-186.6',
    timeZone: 'America/New_York',
    triggers: [...US_CORE, 'passport'],
    uncertain:
      'Breaches of medical information are governed separately by Va. Code § 32.1-127.1:05, not modelled.',
  },
  [
    {
      audience: 'individuals',
      substituteNotice: commonSubstituteNotice(
        50_000,
        100_000,
        'Va. Code § 18.2-186.6(A) ("notice", substitute notice)',
      ),
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      citation: 'Va. Code § 18.2-186.6(B)',
    },
    {
      audience: 'regulator',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      authority: { name: 'Virginia Attorney General', website: 'https://www.oag.state.va.us' },
      citation: 'Va. Code § 18.2-186.6(B)',
    },
    creditBureaus(1001, 'Va. Code § 18.2-186.6(E)'),
  ],
);
