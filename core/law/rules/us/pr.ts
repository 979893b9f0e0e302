import type { Rule } from '../../types';
import { US_CORE, stateRules } from '../common';

/** Puerto Rico, Act 111-2005 (Citizen Information on Data Banks Security Act), 10 L.P.R.A. §§ 4051–4055. */
export const US_PR: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-PR',
    regime: 'Act 111-2005, 10 L.P.R.A. § 4051 et seq.',
    timeZone: 'America/Puerto_Rico',
    // § 4051(a): "driver's license number, voter's identification or other official identification".
    triggers: [...US_CORE, 'passport', 'tax_id', 'medical', 'account_credentials'],
  },
  [
    {
      audience: 'individuals',
      deadline: {
        kind: 'without_unreasonable_delay',
        from: 'discovery',
        wording: 'as expeditiously as possible',
      },
      citation: '10 L.P.R.A. § 4052',
    },
    {
      audience: 'regulator',
      deadline: { kind: 'calendar_days', days: 10, from: 'discovery' },
      authority: { name: 'Puerto Rico Department of Consumer Affairs (DACO)' },
      citation: '10 L.P.R.A. § 4052',
      uncertain:
        'We read the 10 days as calendar days from detecting the breach; DACO then publishes it within 24 hours.',
    },
  ],
);
