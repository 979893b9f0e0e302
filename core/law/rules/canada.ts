import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';
import { HIGH_RISK } from './common';

/** Canada, federal private sector: PIPEDA s. 10.1 and the Breach of Security Safeguards Regulations. */

const OPC: AuthorityContact = {
  name: 'Office of the Privacy Commissioner of Canada',
  website: 'https://www.priv.gc.ca',
  phone: '1-800-282-1376',
};

const RROSH_NOTE =
  'Notice is due where it is reasonable to believe the breach creates a real risk of significant harm (s. 10.1(7)); Forthright presumes that risk for sensitive, financial, credential and identity-document data. PIPEDA has no express encryption exemption: encryption is a factor in the real-risk assessment (sensitivity and probability of misuse, s. 10.1(8)), so Forthright keeps the obligations pending and the officer decides. Provincial laws (Alberta PIPA s. 34.1, Québec Law 25) are not covered. Every breach must also be recorded (s. 10.3).';

const COMMON = {
  jurisdiction: 'CA',
  regime: 'PIPEDA',
  triggers: HIGH_RISK,
  safeHarbour: 'none',
  timeZone: 'America/Toronto',
  timeZoneNote: 'Ottawa time; Canada spans six zones.',
  uncertain: RROSH_NOTE,
} as const;

export const CANADA_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'CA.regulator',
    audience: 'regulator',
    deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'as soon as feasible' },
    requiredContent: [],
    authority: OPC,
    citation:
      'PIPEDA, S.C. 2000, c. 5, s. 10.1(1)–(2); Breach of Security Safeguards Regulations, SOR/2018-64, s. 2',
  },
  {
    ...COMMON,
    id: 'CA.individuals',
    audience: 'individuals',
    electronicNotice: {
      kind: 'agreement',
      citation: 'Breach of Security Safeguards Regulations, SOR/2018-64, s. 4(a)',
    },
    deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'as soon as feasible' },
    requiredContent: ['dpo_contact', 'supervisory_authority_contact'],
    authority: OPC,
    citation: 'PIPEDA, S.C. 2000, c. 5, s. 10.1(3)–(6); SOR/2018-64, s. 3',
    uncertain: `${RROSH_NOTE} Direct notification by email is read as allowed only where the individual consented to receiving information from the organization that way (SOR/2018-64, s. 4(a)), otherwise by letter; encoded from the text as recalled, a lawyer should confirm.`,
  },
];
