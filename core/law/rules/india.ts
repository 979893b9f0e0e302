import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';

/**
 * India. Today only CERT-In's 6-hour incident report is in force. The Digital Personal Data
 * Protection Rules 2025 (notified 13 November 2025) bring breach intimation (Rule 7) into force 18
 * months after notification; those rules are encoded with that date so incidents from then on get them.
 */

const CERT_IN: AuthorityContact = {
  name: 'Indian Computer Emergency Response Team (CERT-In)',
  website: 'https://www.cert-in.org.in',
};
const BOARD: AuthorityContact = { name: 'Data Protection Board of India' };

const DPDP_COMMENCEMENT = '2027-05-13';
const DPDP_NOTE =
  'DPDP Rules 2025 r. 1(3): Rule 7 comes into force 18 months after publication (13 November 2025); we have taken 13 May 2027, which a lawyer should confirm. No encryption or risk exemption: every personal data breach is to be intimated.';

const COMMON = {
  jurisdiction: 'IN',
  triggers: 'any_personal_data',
  safeHarbour: 'none',
  timeZone: 'Asia/Kolkata',
} as const;

export const INDIA_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'IN.regulator.cert-in',
    regime: 'CERT-In Directions (IT Act s. 70B)',
    audience: 'regulator',
    deadline: { kind: 'hours', hours: 6, from: 'discovery' },
    requiredContent: [],
    authority: CERT_IN,
    citation:
      'CERT-In Directions No. 20(3)/2022-CERT-In of 28 April 2022, para (ii); Information Technology Act 2000, s. 70B(6)',
    effectiveFrom: '2022-06-28',
    uncertain:
      'Applies to the cyber incidents listed in Annexure I of the Directions, which include data breaches and data leaks; counted from noticing the incident.',
  },
  {
    ...COMMON,
    id: 'IN.regulator',
    regime: 'DPDP Act 2023 / DPDP Rules 2025',
    audience: 'regulator',
    deadline: {
      kind: 'without_unreasonable_delay',
      from: 'discovery',
      wording: 'without delay (initial intimation)',
    },
    requiredContent: [],
    authority: BOARD,
    citation: 'Digital Personal Data Protection Act 2023, s. 8(6); DPDP Rules 2025, r. 7(2)(a)',
    effectiveFrom: DPDP_COMMENCEMENT,
    uncertain: DPDP_NOTE,
  },
  {
    ...COMMON,
    id: 'IN.regulator.detailed-report',
    regime: 'DPDP Act 2023 / DPDP Rules 2025',
    audience: 'regulator',
    deadline: { kind: 'hours', hours: 72, from: 'discovery' },
    requiredContent: [],
    authority: BOARD,
    citation: 'DPDP Rules 2025, r. 7(2)(b)',
    effectiveFrom: DPDP_COMMENCEMENT,
    uncertain: `${DPDP_NOTE} The Board may allow a longer period on written request.`,
  },
  {
    ...COMMON,
    id: 'IN.individuals',
    regime: 'DPDP Act 2023 / DPDP Rules 2025',
    audience: 'individuals',
    electronicNotice: { kind: 'allowed', citation: 'DPDP Rules 2025, r. 7(1)' },
    deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'without delay' },
    requiredContent: ['dpo_contact'],
    authority: BOARD,
    citation: 'Digital Personal Data Protection Act 2023, s. 8(6); DPDP Rules 2025, r. 7(1)',
    effectiveFrom: DPDP_COMMENCEMENT,
    uncertain: DPDP_NOTE,
  },
];
