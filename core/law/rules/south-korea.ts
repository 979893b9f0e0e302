import type { DataCategory } from '../../domain/categories';
import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';

/** South Korea: Personal Information Protection Act Art. 34 and its Enforcement Decree, as amended from 15 September 2023. */

const PIPC: AuthorityContact = {
  name: 'Personal Information Protection Commission (PIPC) or Korea Internet & Security Agency (KISA)',
  website: 'https://www.pipc.go.kr',
};

// Sensitive information (Art. 23) and unique identifying information (Art. 24: resident registration, passport, driver's licence, foreigner registration numbers).
const SENSITIVE_OR_UNIQUE_ID: readonly DataCategory[] = [
  'medical',
  'health_insurance',
  'biometric',
  'genetic',
  'ssn',
  'passport',
  'drivers_license',
];

const COMMON = {
  jurisdiction: 'KR',
  regime: 'PIPA',
  safeHarbour: 'none',
  authority: PIPC,
  effectiveFrom: '2023-09-15',
  timeZone: 'Asia/Seoul',
} as const;

export const SOUTH_KOREA_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'KR.individuals',
    audience: 'individuals',
    electronicNotice: {
      kind: 'allowed',
      citation:
        'PIPA Enforcement Decree Art. 40: in writing, by email, fax, telephone, text message or similar',
    },
    triggers: 'any_personal_data',
    deadline: { kind: 'hours', hours: 72, from: 'discovery' },
    requiredContent: ['dpo_contact'],
    citation: 'PIPA Art. 34(1); Enforcement Decree Art. 39',
    uncertain:
      'Applies to any leak, loss or theft of personal information. PIPA has no express encryption exemption; we are unsure whether regulators would accept one.',
  },
  {
    ...COMMON,
    id: 'KR.regulator',
    audience: 'regulator',
    triggers: SENSITIVE_OR_UNIQUE_ID,
    orWhenAffectedAtLeast: 1000,
    deadline: { kind: 'hours', hours: 72, from: 'discovery' },
    requiredContent: [],
    citation: 'PIPA Art. 34(3); Enforcement Decree Art. 40',
    uncertain:
      'Also required, whatever the number, for a leak caused by unauthorised external access (hacking), which Forthright cannot tell from the facts: the officer must check.',
  },
];
