import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules } from '../common';

/** Arizona, A.R.S. § 18-551 to 18-552. */
export const US_AZ: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-AZ',
    regime: 'A.R.S. § 18-552',
    electronicNotice: {
      kind: 'allowed',
      citation: 'A.R.S. § 18-552(F)(2)',
      uncertain:
        'Electronic notice: A.R.S. § 18-552(F) is read to allow "an e-mail notice if the person has e-mail addresses for the individuals" without consent; encoded from the text as recalled, not re-read in this review.',
    },
    // Arizona does not observe daylight saving time (except the Navajo Nation).
    timeZone: 'America/Phoenix',
    triggers: [
      ...US_CORE,
      'passport',
      'tax_id',
      'medical',
      'health_insurance',
      'biometric',
      'account_credentials',
    ],
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'calendar_days', days: 45, from: 'discovery' },
      requiredContent: ['credit_bureaus', 'ftc_contact'],
      citation: 'A.R.S. § 18-552(B), (F)',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 1001 },
      deadline: { kind: 'calendar_days', days: 45, from: 'discovery' },
      authority: { name: 'Arizona Attorney General', website: 'https://www.azag.gov' },
      citation: 'A.R.S. § 18-552(B)(2)',
    },
    {
      key: 'homeland-security',
      audience: 'regulator',
      threshold: { minAffected: 1001 },
      deadline: { kind: 'calendar_days', days: 45, from: 'discovery' },
      authority: { name: 'Director of the Arizona Department of Homeland Security' },
      citation: 'A.R.S. § 18-552(B)(2)',
    },
    creditBureaus(1001, 'A.R.S. § 18-552(B)(2)', {
      deadline: { kind: 'calendar_days', days: 45, from: 'discovery' },
    }),
  ],
);
