import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';
import { HIGH_RISK } from './common';

/** Singapore: PDPA Part 6A (ss 26A–26E) and the PDP (Notification of Data Breaches) Regulations 2021. */

const PDPC: AuthorityContact = {
  name: 'Personal Data Protection Commission (PDPC)',
  website: 'https://www.pdpc.gov.sg',
};

const COMMON = {
  jurisdiction: 'SG',
  regime: 'PDPA',
  authority: PDPC,
  effectiveFrom: '2021-02-01',
  timeZone: 'Asia/Singapore',
} as const;

export const SINGAPORE_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'SG.regulator',
    audience: 'regulator',
    // Notifiable if significant harm (prescribed classes of data) or significant scale (500 or more).
    triggers: HIGH_RISK,
    orWhenAffectedAtLeast: 500,
    deadline: { kind: 'calendar_days', days: 3, from: 'notifiable_assessment' },
    safeHarbour: 'none',
    requiredContent: [],
    citation: 'PDPA s 26D(1); PDP (Notification of Data Breaches) Regulations 2021, regs 3–5',
    uncertain:
      'Due as soon as practicable and no later than 3 calendar days after the day the breach is assessed notifiable; the assessment itself is due within 30 days of suspicion (s 26C). Until the assessment is recorded Forthright counts from discovery. The prescribed classes of significant-harm data are approximated by the high-risk categories.',
  },
  {
    ...COMMON,
    id: 'SG.individuals',
    audience: 'individuals',
    electronicNotice: { kind: 'allowed', citation: 'PDPA s 26D(2): no means prescribed' },
    // Individuals only for significant harm, not for scale alone.
    triggers: HIGH_RISK,
    deadline: {
      kind: 'without_unreasonable_delay',
      from: 'discovery',
      wording: 'as soon as practicable, at the same time as or after notifying the PDPC',
    },
    // s 26D(5)(b): no notice to individuals where a technological measure (encryption) makes harm unlikely.
    safeHarbour: 'encryption',
    requiredContent: ['dpo_contact'],
    citation: 'PDPA s 26D(2), (5)',
    uncertain:
      'The prescribed classes of significant-harm data are approximated by the high-risk categories.',
  },
];
