import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';
import { HIGH_RISK, HIGH_RISK_NOTE } from './common';

/** Switzerland: the revised Federal Act on Data Protection (nFADP / revDSG), Art. 24, in force 1 September 2023. */
const FDPIC: AuthorityContact = {
  name: 'Federal Data Protection and Information Commissioner (FDPIC)',
  website: 'https://www.edoeb.admin.ch',
};

const COMMON = {
  jurisdiction: 'CH',
  regime: 'nFADP (FADP of 25 September 2020)',
  triggers: HIGH_RISK,
  safeHarbour: 'none',
  effectiveFrom: '2023-09-01',
  timeZone: 'Europe/Zurich',
} as const;

export const SWITZERLAND_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'CH.regulator',
    audience: 'regulator',
    deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'as soon as possible' },
    requiredContent: [],
    authority: FDPIC,
    citation: 'FADP Art. 24(1)–(2); DPO (Data Protection Ordinance) Art. 15',
    uncertain: `The FDPIC is told of a breach likely to lead to a high risk to the personality or fundamental rights of the person. ${HIGH_RISK_NOTE} Encryption lowers the risk but is not an exemption.`,
  },
  {
    ...COMMON,
    id: 'CH.individuals',
    audience: 'individuals',
    electronicNotice: { kind: 'allowed', citation: 'FADP Art. 24(4)' },
    deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'as soon as possible' },
    requiredContent: ['dpo_contact', 'supervisory_authority_contact'],
    authority: FDPIC,
    citation: 'FADP Art. 24(4)–(5)',
    uncertain:
      'The person is told where it is necessary for their protection or the FDPIC so requests (Art. 24(4)); it may be restricted, deferred or waived under Art. 24(5) (e.g. disproportionate effort, where a public communication suffices). Forthright presumes necessity for high-risk data; the officer decides.',
  },
];
