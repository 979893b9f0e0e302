import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';

/** South Africa: Protection of Personal Information Act 4 of 2013 (POPIA), s 22. */
const REGULATOR: AuthorityContact = {
  name: 'Information Regulator (South Africa)',
  website: 'https://inforegulator.org.za',
};

const COMMON = {
  jurisdiction: 'ZA',
  regime: 'POPIA',
  // Any personal information accessed or acquired by an unauthorised person; no risk threshold.
  triggers: 'any_personal_data',
  safeHarbour: 'none',
  deadline: {
    kind: 'without_unreasonable_delay',
    from: 'discovery',
    wording: 'as soon as reasonably possible after the discovery of the compromise',
  },
  authority: REGULATOR,
  effectiveFrom: '2021-07-01',
  timeZone: 'Africa/Johannesburg',
} as const;

export const SOUTH_AFRICA_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'ZA.regulator',
    audience: 'regulator',
    requiredContent: [],
    citation: 'POPIA s 22(1)(a), (2); Regulations (2018) and the Regulator’s prescribed form (SCN1)',
    uncertain:
      'POPIA has no risk threshold and no encryption exemption: any access or acquisition by an unauthorised person is notifiable. Notice may be delayed only where a public body responsible for investigating offences, or the Regulator, determines it would impede a criminal investigation (s 22(3)).',
  },
  {
    ...COMMON,
    id: 'ZA.individuals',
    audience: 'individuals',
    electronicNotice: { kind: 'allowed', citation: 'POPIA s 22(4)(b)' },
    requiredContent: ['supervisory_authority_contact'],
    citation: 'POPIA s 22(1)(b), (4), (5)',
    uncertain:
      'Not required where the person’s identity cannot be established (s 22(1)(b)). The notice describes the possible consequences, the measures taken, recommendations to the person, and, if known, the identity of the unauthorised person (s 22(5)). The Regulator may direct publicity (s 22(6)).',
  },
];
