import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';
import { HIGH_RISK } from './common';

/** Australia: the Notifiable Data Breaches scheme, Privacy Act 1988 (Cth) Part IIIC. */

const OAIC: AuthorityContact = {
  name: 'Office of the Australian Information Commissioner (OAIC)',
  website: 'https://www.oaic.gov.au',
  phone: '1300 363 992',
};

const NDB_NOTE =
  'An eligible data breach is one likely to result in serious harm (s 26WE); Forthright presumes that for sensitive, financial, credential and identity-document data. A suspected breach must be assessed within 30 days (s 26WH); notice is then due as soon as practicable. No express encryption exemption: encryption is a factor in the serious-harm assessment (s 26WG(c)–(d)), not an exemption, so Forthright keeps the obligations pending and the officer decides; OAIC guidance treats encrypted data with a secure key as unlikely to cause serious harm. Applies to APP entities (turnover over A$3 million, health providers and others).';

const COMMON = {
  jurisdiction: 'AU',
  regime: 'Privacy Act 1988 (Cth), Part IIIC (NDB scheme)',
  triggers: HIGH_RISK,
  safeHarbour: 'none',
  authority: OAIC,
  uncertain: NDB_NOTE,
  timeZone: 'Australia/Sydney',
  timeZoneNote: 'Canberra (and OAIC, Sydney) time; Australia spans several zones.',
} as const;

export const AUSTRALIA_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'AU.regulator',
    audience: 'regulator',
    deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'as soon as practicable' },
    requiredContent: [],
    citation: 'Privacy Act 1988 (Cth) ss 26WH, 26WK',
  },
  {
    ...COMMON,
    id: 'AU.individuals',
    audience: 'individuals',
    electronicNotice: { kind: 'allowed', citation: 'Privacy Act 1988 (Cth) s 26WL(3)(a)' },
    deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'as soon as practicable' },
    requiredContent: ['dpo_contact'],
    citation: 'Privacy Act 1988 (Cth) s 26WL',
  },
  {
    ...COMMON,
    // Not a notice: the assessment of a suspected breach, tracked so its 30 days are not missed.
    id: 'AU.regulator.assessment',
    audience: 'regulator',
    deadline: { kind: 'calendar_days', days: 30, from: 'discovery' },
    requiredContent: [],
    citation: 'Privacy Act 1988 (Cth) s 26WH(2)',
    uncertain:
      'Not a notice to the OAIC: the entity must take all reasonable steps to complete, within 30 days of becoming aware of reasonable grounds to suspect an eligible data breach, an assessment of whether there are reasonable grounds to believe one occurred (s 26WH(2)). Forthright counts from discovery; record it as met when the assessment is done. The OAIC is named only because it enforces the duty.',
  },
];
