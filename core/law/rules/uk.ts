import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';
import { HIGH_RISK, HIGH_RISK_NOTE } from './common';

/** United Kingdom: UK GDPR and the Data Protection Act 2018. */

const ICO: AuthorityContact = {
  name: "Information Commissioner's Office (ICO)",
  website: 'https://ico.org.uk',
  phone: '0303 123 1113',
};

export const UK_RULES: readonly Rule[] = [
  {
    id: 'GB.regulator',
    jurisdiction: 'GB',
    regime: 'UK GDPR',
    audience: 'regulator',
    triggers: 'any_personal_data',
    deadline: { kind: 'hours', hours: 72, from: 'discovery' },
    safeHarbour: 'none',
    requiredContent: [],
    authority: ICO,
    citation: 'UK GDPR Art. 33 (retained Regulation (EU) 2016/679; Data Protection Act 2018)',
    uncertain:
      'Not required where the breach is unlikely to result in a risk to people (Art. 33(1)); that judgement is the officer’s.',
    timeZone: 'Europe/London',
  },
  {
    id: 'GB.individuals',
    jurisdiction: 'GB',
    regime: 'UK GDPR',
    audience: 'individuals',
    electronicNotice: { kind: 'allowed', citation: 'UK GDPR Art. 34(1)–(2): no means prescribed' },
    triggers: HIGH_RISK,
    deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'without undue delay' },
    safeHarbour: 'encryption',
    requiredContent: ['gdpr_art34', 'dpo_contact'],
    authority: ICO,
    citation: 'UK GDPR Art. 34',
    uncertain: HIGH_RISK_NOTE,
    timeZone: 'Europe/London',
  },
];
