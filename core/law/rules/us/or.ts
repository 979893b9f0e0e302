import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules } from '../common';

/** Oregon Consumer Information Protection Act, ORS 646A.600–646A.628. */
const EXPEDITIOUS = 'in the most expeditious manner possible, without unreasonable delay';

export const US_OR: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-OR',
    regime: 'ORS 646A.604',
    timeZone: 'America/Los_Angeles',
    timeZoneNote: 'Salem (the capital); most of Malheur County is on Mountain time.',
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
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 45,
        from: 'discovery',
        wording: EXPEDITIOUS,
      },
      requiredContent: ['credit_bureaus', 'ftc_contact', 'state_regulator_contact'],
      authority: { name: 'Oregon Attorney General', website: 'https://www.doj.state.or.us' },
      citation: 'ORS 646A.604(3), (5)',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 251 },
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 45,
        from: 'discovery',
        wording: EXPEDITIOUS,
      },
      authority: { name: 'Oregon Attorney General', website: 'https://www.doj.state.or.us' },
      citation: 'ORS 646A.604(1)(b), (3)',
    },
    creditBureaus(1001, 'ORS 646A.604(6)'),
  ],
);
