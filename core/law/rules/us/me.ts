import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules } from '../common';

/** Maine Notice of Risk to Personal Data Act, 10 M.R.S. §§ 1346–1350-B. */
const EXPEDIENT = 'as expediently as possible and without unreasonable delay';

export const US_ME: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-ME',
    regime: '10 M.R.S. § 1348',
    timeZone: 'America/New_York',
    triggers: [...US_CORE, 'account_credentials'],
  },
  [
    {
      audience: 'individuals',
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 30,
        from: 'discovery',
        wording: EXPEDIENT,
      },
      citation: '10 M.R.S. § 1348(1)',
      effectiveFrom: '2019-09-19',
    },
    {
      audience: 'regulator',
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 30,
        from: 'discovery',
        wording: EXPEDIENT,
      },
      authority: {
        name: 'Maine Attorney General (or the Department of Professional and Financial Regulation for its licensees)',
        website: 'https://www.maine.gov/ag',
      },
      citation: '10 M.R.S. § 1348(5)',
      uncertain:
        'The statute sets no separate time for the regulator; Forthright applies the individuals’ limit.',
    },
    creditBureaus(1001, '10 M.R.S. § 1348(4)', { atOneTime: 'at a single time' }),
  ],
);
