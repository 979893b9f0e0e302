import type { Rule } from '../../types';
import { US_CORE, stateRules } from '../common';

/** Massachusetts, M.G.L. c. 93H § 3 (and 201 CMR 17.00). */
const PRACTICABLE = 'as soon as practicable and without unreasonable delay';

export const US_MA: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-MA',
    regime: 'M.G.L. c. 93H',
    timeZone: 'America/New_York',
    triggers: US_CORE,
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: PRACTICABLE },
      requiredContent: ['police_report', 'credit_freeze'],
      // § 3A(a): at least 18 months of credit monitoring, at no cost, where SSNs were exposed.
      conditionalContent: [
        {
          categories: ['ssn'],
          parts: ['identity_theft_protection'],
          // 42 months where the company is itself a consumer reporting agency (same provision): not modelled.
          term: { months: 18, citation: 'M.G.L. c. 93H § 3A(a)' },
        },
      ],
      // § 3(b): the notice must not describe the nature of the breach or the number of residents affected.
      noticeRestrictions: ['omit_nature_of_breach', 'omit_number_affected'],
      citation: 'M.G.L. c. 93H §§ 3(b), 3A(a)',
    },
    {
      audience: 'regulator',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: PRACTICABLE },
      authority: {
        name: 'Massachusetts Attorney General',
        website: 'https://www.mass.gov/orgs/office-of-the-attorney-general',
      },
      citation: 'M.G.L. c. 93H § 3(b)',
    },
    {
      key: 'ocabr',
      audience: 'regulator',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: PRACTICABLE },
      authority: {
        name: 'Massachusetts Office of Consumer Affairs and Business Regulation (OCABR)',
        website: 'https://www.mass.gov/orgs/office-of-consumer-affairs-and-business-regulation',
      },
      citation: 'M.G.L. c. 93H § 3(b)',
      uncertain:
        'OCABR may name consumer reporting agencies the company must then notify; that follow-up is not modelled.',
    },
  ],
);
