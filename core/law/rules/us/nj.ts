import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, creditBureaus, stateRules, commonSubstituteNotice } from '../common';

/** New Jersey Identity Theft Prevention Act, N.J.S.A. 56:8-161 to 56:8-166. */
export const US_NJ: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-NJ',
    regime: 'N.J.S.A. 56:8-163',
    timeZone: 'America/New_York',
    triggers: [...US_CORE, 'account_credentials'],
  },
  [
    {
      audience: 'individuals',
      substituteNotice: commonSubstituteNotice(250_000, 500_000, 'N.J. Stat. § 56:8-163(d)(3)'),
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      citation: 'N.J.S.A. 56:8-163(a)',
    },
    {
      audience: 'regulator',
      deadline: { kind: 'with_individual_notice', wording: 'before notifying individuals' },
      // "In advance of the disclosure to the customer": delivery waits for it.
      beforeIndividualNotice: true,
      authority: { name: 'New Jersey Division of State Police' },
      citation: 'N.J.S.A. 56:8-163(c)(1)',
    },
    creditBureaus(1001, 'N.J.S.A. 56:8-163(f)', { atOneTime: 'at one time' }),
  ],
);
