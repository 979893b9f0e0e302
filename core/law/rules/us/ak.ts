import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, creditBureaus, stateRules } from '../common';

/** Alaska Personal Information Protection Act, Alaska Stat. §§ 45.48.010–45.48.090. */
export const US_AK: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-AK',
    regime: 'Alaska Stat. § 45.48.010 et seq.',
    timeZone: 'America/Juneau',
    timeZoneNote: 'Juneau (the capital); the Aleutians west of 169°30′ keep Hawaii–Aleutian time.',
    triggers: [...US_CORE, 'account_credentials'],
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: MOST_EXPEDIENT },
      citation: 'Alaska Stat. § 45.48.010',
      uncertain:
        'Where the company determines, after investigation, that there is no reasonable likelihood of harm, it must instead notify the Attorney General in writing (§ 45.48.010(c)); that alternative is not modelled.',
    },
    creditBureaus(1001, 'Alaska Stat. § 45.48.040'),
  ],
);
