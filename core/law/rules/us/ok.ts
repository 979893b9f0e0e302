import type { Rule } from '../../types';
import { GOVERNMENT_ID, US_CORE, stateRules } from '../common';

/** Oklahoma Security Breach Notification Act, 24 O.S. §§ 161–166, as amended by SB 626 (2025) from 1 January 2026. */
export const US_OK: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-OK',
    regime: '24 O.S. § 161 et seq.',
    timeZone: 'America/Chicago',
    // § 162(6) as amended by SB 626: a driver's licence, state identification card "or other unique
    // identification number issued on a government document" (see uncertain).
    triggers: [...US_CORE, ...GOVERNMENT_ID, 'biometric', 'account_credentials'],
    uncertain:
      'Government identification numbers other than the driver’s licence and state ID card (passport, tax id) are counted on our cautious reading of § 162 as amended by SB 626; confirm against the enacted text.',
  },
  [
    {
      audience: 'individuals',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      citation: '24 O.S. § 163',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 500 },
      deadline: { kind: 'calendar_days', days: 60, from: 'individual_notice' },
      authority: { name: 'Oklahoma Attorney General', website: 'https://oklahoma.gov/oag' },
      citation: '24 O.S. § 163, as amended by SB 626 (2025)',
      effectiveFrom: '2026-01-01',
      uncertain:
        'Our reading of SB 626: Attorney General notice within 60 days after notifying residents where 500 or more are affected, and possibly consumer reporting agencies at a higher number. The threshold, deadline and the agencies’ duty need checking against the enacted text.',
    },
  ],
);
