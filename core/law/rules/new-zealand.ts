import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';
import { HIGH_RISK, HIGH_RISK_NOTE } from './common';

/** New Zealand: Privacy Act 2020, Part 6 subpart 1 (notifiable privacy breaches), in force 1 December 2020. */
const OPC: AuthorityContact = {
  name: 'Office of the Privacy Commissioner (New Zealand)',
  website: 'https://www.privacy.org.nz',
};

const COMMON = {
  jurisdiction: 'NZ',
  regime: 'Privacy Act 2020 (NZ)',
  // A notifiable privacy breach is one that has caused or is likely to cause serious harm (s 112).
  triggers: HIGH_RISK,
  safeHarbour: 'none',
  deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'as soon as practicable' },
  authority: OPC,
  effectiveFrom: '2020-12-01',
  timeZone: 'Pacific/Auckland',
} as const;

export const NEW_ZEALAND_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'NZ.regulator',
    audience: 'regulator',
    requiredContent: [],
    citation: 'Privacy Act 2020 (NZ) ss 112–114, 117',
    uncertain: `${HIGH_RISK_NOTE} Encryption is one factor in assessing serious harm (s 113(c)), not an exemption.`,
  },
  {
    ...COMMON,
    id: 'NZ.individuals',
    audience: 'individuals',
    electronicNotice: { kind: 'allowed', citation: 'Privacy Act 2020 (NZ) s 115' },
    requiredContent: ['supervisory_authority_contact'],
    citation: 'Privacy Act 2020 (NZ) ss 115–117',
    uncertain:
      'Where notifying a person is not reasonably practicable, a public notice is given instead (s 115(3)); notice may be delayed or withheld on the grounds in s 116 (e.g. risk to a person’s safety, or a risk to security once the breach is fixed). The notice names the Commissioner and the right to complain (s 117(1)(e)).',
  },
];
