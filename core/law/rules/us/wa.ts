import type { Rule } from '../../types';
import { US_CORE, stateRules, commonSubstituteNotice } from '../common';

/** Washington, RCW 19.255.010, as amended by HB 1071 (2019). */
const AG = { name: 'Washington State Attorney General', website: 'https://www.atg.wa.gov' };

export const US_WA: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-WA',
    regime: 'RCW 19.255.010',
    timeZone: 'America/Los_Angeles',
    // Washington counts a full date of birth (with a name) as personal information.
    triggers: [
      ...US_CORE,
      'passport',
      'date_of_birth',
      'medical',
      'health_insurance',
      'biometric',
      'account_credentials',
    ],
  },
  [
    {
      audience: 'individuals',
      substituteNotice: commonSubstituteNotice(250_000, 500_000, 'RCW 19.255.010 (substitute notice)'),
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 30,
        from: 'discovery',
        wording: 'in the most expedient time possible, without unreasonable delay',
      },
      requiredContent: ['credit_bureaus'],
      authority: AG,
      citation: 'RCW 19.255.010(6), (8)',
      effectiveFrom: '2020-03-01',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 501 },
      deadline: { kind: 'calendar_days', days: 30, from: 'discovery' },
      notLaterThanIndividualNotice: true,
      authority: AG,
      citation: 'RCW 19.255.010(7)',
      effectiveFrom: '2020-03-01',
    },
  ],
);
