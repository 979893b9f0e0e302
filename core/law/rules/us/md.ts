import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules } from '../common';

/** Maryland Personal Information Protection Act, Md. Code, Com. Law §§ 14-3501 to 14-3508. */
const AG = { name: 'Maryland Attorney General', website: 'https://www.marylandattorneygeneral.gov' };

export const US_MD: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-MD',
    regime: 'Md. Code, Com. Law § 14-3504',
    timeZone: 'America/New_York',
    triggers: [
      ...US_CORE,
      'tax_id',
      'passport',
      'medical',
      'health_insurance',
      'biometric',
      'genetic',
      'account_credentials',
    ],
  },
  [
    {
      audience: 'individuals',
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 45,
        from: 'discovery',
        wording: 'as soon as reasonably practicable',
      },
      requiredContent: ['credit_bureaus', 'ftc_contact', 'state_regulator_contact'],
      authority: AG,
      citation: 'Md. Code, Com. Law § 14-3504(b)(3), (g)',
      effectiveFrom: '2022-10-01',
    },
    {
      audience: 'regulator',
      deadline: { kind: 'with_individual_notice', wording: 'before notifying individuals' },
      authority: AG,
      citation: 'Md. Code, Com. Law § 14-3504(h)',
    },
    creditBureaus(1000, 'Md. Code, Com. Law § 14-3506'),
  ],
);
