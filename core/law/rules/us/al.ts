import type { Rule } from '../../types';
import { US_CORE, creditBureaus, stateRules } from '../common';

/** Alabama Data Breach Notification Act of 2018, Ala. Code §§ 8-38-1 to 8-38-12. */
const EXPEDITIOUS = 'as expeditiously as possible and without unreasonable delay';

export const US_AL: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-AL',
    regime: 'Ala. Code § 8-38-1 et seq.',
    electronicNotice: {
      kind: 'allowed',
      citation: 'Ala. Code § 8-38-5(d)',
      uncertain:
        'Electronic notice: Ala. Code § 8-38-5(d) is read to allow email to the address in the records without consent (as Florida); encoded from the text as recalled, not re-read in this review.',
    },
    timeZone: 'America/Chicago',
    triggers: [...US_CORE, 'tax_id', 'passport', 'medical', 'health_insurance', 'account_credentials'],
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
      citation: 'Ala. Code § 8-38-5',
      uncertain:
        'Notice is required only if the breach is reasonably likely to cause substantial harm (§ 8-38-5(a)).',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 1001 },
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 45,
        from: 'discovery',
        wording: EXPEDITIOUS,
      },
      authority: { name: 'Alabama Attorney General', website: 'https://www.alabamaag.gov' },
      citation: 'Ala. Code § 8-38-6',
    },
    creditBureaus(1001, 'Ala. Code § 8-38-7'),
  ],
);
