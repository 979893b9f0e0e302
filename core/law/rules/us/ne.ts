import type { Rule } from '../../types';
import { US_CORE, stateRules } from '../common';

/** Nebraska Financial Data Protection and Consumer Notification of Data Security Breach Act, Neb. Rev. Stat. §§ 87-801 to 87-808. */
export const US_NE: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-NE',
    regime: 'Neb. Rev. Stat. § 87-803',
    timeZone: 'America/Chicago',
    timeZoneNote: 'Lincoln (the capital); the western panhandle is on Mountain time.',
    triggers: [...US_CORE, 'biometric', 'account_credentials'],
  },
  [
    {
      audience: 'individuals',
      deadline: {
        kind: 'without_unreasonable_delay',
        from: 'discovery',
        wording: 'as soon as possible and without unreasonable delay',
      },
      citation: 'Neb. Rev. Stat. § 87-803(1)',
    },
    {
      audience: 'regulator',
      deadline: { kind: 'with_individual_notice' },
      authority: { name: 'Nebraska Attorney General', website: 'https://protectthegoodlife.nebraska.gov' },
      citation: 'Neb. Rev. Stat. § 87-803(2)',
    },
  ],
);
