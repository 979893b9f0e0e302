import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';

/** China: Personal Information Protection Law Art. 57, and the CAC's cybersecurity incident reporting measures. */

const CAC: AuthorityContact = {
  name: 'Cyberspace Administration of China (provincial office) and other departments with personal information protection duties',
  website: 'https://www.cac.gov.cn',
};

const COMMON = {
  jurisdiction: 'CN',
  authority: CAC,
  timeZone: 'Asia/Shanghai',
} as const;

export const CHINA_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'CN.regulator',
    regime: 'PIPL',
    audience: 'regulator',
    triggers: 'any_personal_data',
    deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'immediately' },
    safeHarbour: 'none',
    requiredContent: [],
    citation: 'Personal Information Protection Law of the PRC, Art. 57(1)',
    uncertain:
      'PIPL sets no number of hours and does not name a single regulator; which departments to notify, and how, is unsettled in practice. Applies to leaks, tampering or loss that has occurred or may occur.',
  },
  {
    ...COMMON,
    id: 'CN.regulator.incident-report',
    regime: 'National Cybersecurity Incident Reporting Measures',
    audience: 'regulator',
    triggers: 'any_personal_data',
    threshold: { minAffected: 1_000_000 },
    deadline: { kind: 'hours', hours: 4, from: 'discovery' },
    safeHarbour: 'none',
    requiredContent: [],
    citation: 'Administrative Measures for National Cybersecurity Incident Reporting (CAC, 2025), Art. 7',
    effectiveFrom: '2025-11-01',
    uncertain:
      'Applies to incidents graded "relatively major" or above, which include a leak of the personal information of 1 million or more people; critical information infrastructure operators have 1 hour. The grading and threshold are our reading of the classification guide and should be checked.',
  },
  {
    ...COMMON,
    id: 'CN.individuals',
    regime: 'PIPL',
    audience: 'individuals',
    electronicNotice: { kind: 'allowed', citation: 'PIPL Art. 57: no means prescribed' },
    triggers: 'any_personal_data',
    deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'immediately' },
    // Art. 57(2): individuals need not be told where measures effectively avoid harm (unless a regulator requires it).
    safeHarbour: 'encryption',
    requiredContent: ['dpo_contact'],
    citation: 'Personal Information Protection Law of the PRC, Art. 57(1)–(2)',
    uncertain:
      'Treating encryption with an uncompromised key as "measures that effectively avoid harm" is our reading; a regulator may still require notice.',
  },
];
