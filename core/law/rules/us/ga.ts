import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, creditBureaus, stateRules, commonSubstituteNotice } from '../common';

/** Georgia Personal Identity Protection Act, O.C.G.A. §§ 10-1-910 to 10-1-912. */
export const US_GA: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-GA',
    regime: 'O.C.G.A. § 10-1-912',
    timeZone: 'America/New_York',
    triggers: [...US_CORE, 'account_credentials'],
    uncertain:
      'On its face the Act binds "information brokers" and government "data collectors"; Forthright applies it to every company to be safe.',
  },
  [
    {
      audience: 'individuals',
      substituteNotice: commonSubstituteNotice(50_000, 100_000, 'O.C.G.A. § 10-1-911(4)(C)'),
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      citation: 'O.C.G.A. § 10-1-912(a)',
    },
    creditBureaus(10_001, 'O.C.G.A. § 10-1-912(d)'),
  ],
);
