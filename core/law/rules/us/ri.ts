import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules } from '../common';

/** Rhode Island Identity Theft Protection Act of 2015, R.I. Gen. Laws § 11-49.3-4. */
const EXPEDIENT = 'in the most expedient time possible';

export const US_RI: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-RI',
    regime: 'R.I. Gen. Laws § 11-49.3-4',
    timeZone: 'America/New_York',
    triggers: [...US_CORE, 'passport', 'medical', 'health_insurance', 'account_credentials'],
  },
  [
    {
      audience: 'individuals',
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 45,
        from: 'discovery',
        wording: EXPEDIENT,
      },
      // (d)(5): toll-free numbers and websites of the credit reporting agencies, remediation service
      // providers and the Attorney General; (d)(6): police report and security freeze.
      requiredContent: ['credit_bureaus', 'state_regulator_contact', 'police_report', 'credit_freeze'],
      authority: { name: 'Rhode Island Attorney General', website: 'https://riag.ri.gov' },
      citation: 'R.I. Gen. Laws § 11-49.3-4(a)(2), (d)',
      uncertain:
        'The 45 calendar days run from confirmation of the breach; Forthright counts from discovery. Section (d)(5) asks for a description of any remediation services offered, with the provider’s contact: where the company offers identity protection, its section of the notice carries that.',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 501 },
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 45,
        from: 'discovery',
        wording: EXPEDIENT,
      },
      authority: { name: 'Rhode Island Attorney General', website: 'https://riag.ri.gov' },
      citation: 'R.I. Gen. Laws § 11-49.3-4(a)(2)',
      uncertain:
        'The statute sets no separate time for the Attorney General; Forthright applies the individuals’ limit.',
    },
    creditBureaus(501, 'R.I. Gen. Laws § 11-49.3-4(a)(2)'),
  ],
);
