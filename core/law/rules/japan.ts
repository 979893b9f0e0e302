import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';

/** Japan: Act on the Protection of Personal Information (APPI) Art. 26 and PPC Enforcement Rules Arts. 7–10, from 1 April 2022. */

const PPC: AuthorityContact = {
  name: 'Personal Information Protection Commission (PPC)',
  website: 'https://www.ppc.go.jp',
};

const REPORTABLE_NOTE =
  'Reportable when the leak involves special care-required data, data whose misuse may cause financial loss, a possibly wrongful purpose (e.g. unauthorised access), or more than 1,000 people (Rules Art. 7). Because most incidents here involve unauthorised access, Forthright treats any personal data as reportable; the officer may conclude otherwise. Not reportable where the data was highly encrypted or similarly protected.';

const COMMON = {
  jurisdiction: 'JP',
  regime: 'APPI',
  triggers: 'any_personal_data',
  safeHarbour: 'encryption',
  authority: PPC,
  effectiveFrom: '2022-04-01',
  timeZone: 'Asia/Tokyo',
} as const;

export const JAPAN_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'JP.regulator.preliminary',
    audience: 'regulator',
    deadline: {
      kind: 'without_unreasonable_delay',
      outerLimitDays: 5,
      from: 'discovery',
      wording: 'promptly (preliminary report)',
    },
    requiredContent: [],
    citation: 'APPI Art. 26(1); PPC Enforcement Rules Art. 8(1)',
    uncertain: `${REPORTABLE_NOTE} "Promptly" is not a number in the law; the 5-day limit is the upper figure of the PPC Guidelines (General Rules 3-5-3-3: about 3–5 days).`,
  },
  {
    ...COMMON,
    id: 'JP.regulator.final',
    audience: 'regulator',
    deadline: { kind: 'calendar_days', days: 30, from: 'discovery' },
    requiredContent: [],
    citation: 'APPI Art. 26(1); PPC Enforcement Rules Art. 8(2)',
    uncertain: `${REPORTABLE_NOTE} The final report is due within 60 days where the leak was or may have been for a wrongful purpose (e.g. unauthorised access); Forthright cannot tell the cause and uses the shorter 30.`,
  },
  {
    ...COMMON,
    id: 'JP.individuals',
    audience: 'individuals',
    electronicNotice: { kind: 'allowed', citation: 'PPC Enforcement Rules Art. 10: no means prescribed' },
    deadline: {
      kind: 'without_unreasonable_delay',
      from: 'discovery',
      wording: 'promptly, as the situation allows',
    },
    requiredContent: ['dpo_contact'],
    citation: 'APPI Art. 26(2); PPC Enforcement Rules Art. 10',
    uncertain: `${REPORTABLE_NOTE} Where notice to individuals is difficult, alternative measures (e.g. public announcement) may be taken.`,
  },
];
