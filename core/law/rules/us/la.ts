import type { Rule } from '../../types';
import { MOST_EXPEDIENT, US_CORE, stateRules } from '../common';

/** Louisiana Database Security Breach Notification Law, La. R.S. 51:3071–3077. */
export const US_LA: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-LA',
    regime: 'La. R.S. 51:3074',
    timeZone: 'America/Chicago',
    triggers: [...US_CORE, 'passport', 'biometric'],
  },
  [
    {
      audience: 'individuals',
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 60,
        from: 'discovery',
        wording: MOST_EXPEDIENT,
      },
      citation: 'La. R.S. 51:3074(C), (E)',
      effectiveFrom: '2018-08-01',
    },
    {
      audience: 'regulator',
      deadline: { kind: 'calendar_days', days: 10, from: 'individual_notice' },
      authority: { name: 'Louisiana Attorney General, Consumer Protection Section' },
      citation: 'La. Admin. Code tit. 16, pt. III, § 701',
    },
  ],
);
