import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';
import { HIGH_RISK, HIGH_RISK_NOTE } from './common';

/**
 * Québec: Act respecting the protection of personal information in the private sector (CQLR c.
 * P-39.1), ss 3.5–3.8, as amended by Law 25 (2021, c. 25), in force 22 September 2022; with the
 * Regulation respecting confidentiality incidents. PIPEDA (rules/canada.ts) may apply alongside it.
 */
const CAI: AuthorityContact = {
  name: 'Commission d’accès à l’information du Québec',
  website: 'https://www.cai.gouv.qc.ca',
};

const COMMON = {
  jurisdiction: 'CA-QC',
  regime: 'Québec Private Sector Act (Law 25)',
  // A confidentiality incident that presents a risk of serious injury (s 3.5).
  triggers: HIGH_RISK,
  safeHarbour: 'none',
  deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'promptly' },
  effectiveFrom: '2022-09-22',
  timeZone: 'America/Toronto',
  timeZoneNote: 'Québec City and Montréal share Eastern time with Toronto.',
} as const;

export const QUEBEC_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'CA-QC.regulator',
    audience: 'regulator',
    requiredContent: [],
    authority: CAI,
    citation: 'CQLR c. P-39.1, s 3.5; Regulation respecting confidentiality incidents, s 3',
    uncertain: `${HIGH_RISK_NOTE} Every confidentiality incident must also be entered in a register (s 3.8), not modelled. Encryption weighs on the risk of serious injury (sensitivity, likelihood of misuse, s 3.7); it is not an exemption.`,
  },
  {
    ...COMMON,
    id: 'CA-QC.individuals',
    audience: 'individuals',
    electronicNotice: { kind: 'allowed', citation: 'Regulation respecting confidentiality incidents, s 4' },
    requiredContent: ['dpo_contact', 'supervisory_authority_contact'],
    authority: CAI,
    citation: 'CQLR c. P-39.1, s 3.5; Regulation respecting confidentiality incidents, ss 4–5',
    uncertain:
      'Any person whose information is concerned is told where the incident presents a risk of serious injury; the notice may wait while it could hamper an investigation by a body responsible for preventing, detecting or repressing crime (s 3.5, third paragraph). A public notice may replace individual notice in the cases of Regulation s 5.',
  },
];
