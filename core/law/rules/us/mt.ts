import type { Rule } from '../../types';
import { US_CORE, stateRules } from '../common';

/** Montana, Mont. Code §§ 30-14-1704 and 2-6-1503. */
export const US_MT: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-MT',
    regime: 'Mont. Code § 30-14-1704',
    timeZone: 'America/Denver',
    triggers: [...US_CORE, 'tax_id', 'medical'],
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      citation: 'Mont. Code § 30-14-1704(1)',
      uncertain:
        'Where the notice suggests contacting a consumer reporting agency, the company must coordinate with the agency (§ 30-14-1704(7)); not modelled as a separate obligation.',
    },
    {
      audience: 'regulator',
      deadline: { kind: 'with_individual_notice', wording: 'simultaneously with the notice to individuals' },
      authority: {
        name: 'Montana Department of Justice, Office of Consumer Protection',
        website: 'https://dojmt.gov/consumer',
      },
      citation: 'Mont. Code § 30-14-1704(8)',
    },
  ],
);
