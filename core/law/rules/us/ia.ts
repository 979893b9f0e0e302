import type { Rule } from '../../types';
import { GOVERNMENT_ID, US_CORE, stateRules } from '../common';

/** Iowa, Iowa Code ch. 715C. */
const AG = {
  name: 'Director of the Consumer Protection Division, Iowa Attorney General',
  website: 'https://www.iowaattorneygeneral.gov',
};

export const US_IA: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-IA',
    regime: 'Iowa Code ch. 715C',
    timeZone: 'America/Chicago',
    // § 715C.1(11): a driver's licence "or other unique identification number created or collected by a government body".
    triggers: [...US_CORE, ...GOVERNMENT_ID, 'biometric', 'account_credentials'],
  },
  [
    {
      audience: 'individuals',
      deadline: {
        kind: 'without_unreasonable_delay',
        from: 'discovery',
        wording: 'in the most expeditious manner possible and without unreasonable delay',
      },
      requiredContent: ['credit_bureaus', 'state_regulator_contact'],
      authority: AG,
      citation: 'Iowa Code § 715C.2(1), (5)',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 501 },
      deadline: { kind: 'business_days', days: 5, from: 'individual_notice' },
      authority: AG,
      citation: 'Iowa Code § 715C.2(8)',
      uncertain:
        'Business days skip Iowa’s paid state holidays (Iowa Code § 1C.2); which holidays the Act means is not stated.',
    },
  ],
);
