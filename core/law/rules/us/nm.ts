import type { Rule } from '../../types';
import { GOVERNMENT_ID, US_CORE, creditBureaus, stateRules } from '../common';

/** New Mexico Data Breach Notification Act, N.M. Stat. §§ 57-12C-1 to 57-12C-12. */
const FORTY_FIVE = { kind: 'calendar_days', days: 45, from: 'discovery' } as const;

export const US_NM: readonly Rule[] = stateRules(
  {
    jurisdiction: 'US-NM',
    regime: 'N.M. Stat. § 57-12C-6',
    timeZone: 'America/Denver',
    // § 57-12C-2(C): a driver's licence "or government-issued identification number"; biometric data.
    triggers: [...US_CORE, ...GOVERNMENT_ID, 'biometric'],
  },
  [
    {
      audience: 'individuals',
      deadline: {
        kind: 'without_unreasonable_delay',
        outerLimitDays: 45,
        from: 'discovery',
        wording: 'in the most expedient time possible',
      },
      // § 57-12C-7: the consumer reporting agencies' toll-free numbers and addresses (5), advice to
      // review account statements and credit reports (6), and the person's FCRA rights (7).
      requiredContent: ['credit_bureaus', 'fraud_alert', 'credit_freeze', 'ftc_contact', 'fcra_rights'],
      citation: 'N.M. Stat. § 57-12C-6(A), 57-12C-7',
      uncertain:
        'Section 57-12C-7(6)–(7): the statements-and-FCRA-rights section (fcra_rights) summarises the rights and points to the CFPB’s summary; a compliance officer should check the summary is enough for the Act’s "advice informing the person of the person’s rights".',
    },
    {
      audience: 'regulator',
      threshold: { minAffected: 1001 },
      deadline: FORTY_FIVE,
      authority: { name: 'New Mexico Attorney General', website: 'https://nmdoj.gov' },
      citation: 'N.M. Stat. § 57-12C-10',
    },
    creditBureaus(1001, 'N.M. Stat. § 57-12C-10', { deadline: FORTY_FIVE }),
  ],
);
