import type { Rule } from '../../types';
import { GOVERNMENT_ID, US_CORE, creditBureaus, stateRules } from '../common';

/** New Hampshire, RSA 359-C:19 to 359-C:21. */
export const US_NH: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-NH',
    regime: 'RSA 359-C:20',
    timeZone: 'America/New_York',
    // RSA 359-C:19, IV(a)(2): a driver's licence "or other government identification number".
    triggers: [...US_CORE, ...GOVERNMENT_ID],
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'as soon as possible' },
      citation: 'RSA 359-C:20, I(a)',
    },
    {
      audience: 'regulator',
      deadline: { kind: 'with_individual_notice' },
      authority: {
        name: 'New Hampshire Attorney General (or the primary state regulator)',
        website: 'https://www.doj.nh.gov',
      },
      citation: 'RSA 359-C:20, I(b)',
      uncertain:
        'The statute sets no time for the regulator’s notice; Forthright asks for it with the individual notice.',
    },
    creditBureaus(1001, 'RSA 359-C:20, VI(a)'),
  ],
);
