import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';

/** NYDFS Cybersecurity Regulation, 23 NYCRR Part 500, for covered entities (the company profile). */
const DFS: AuthorityContact = {
  name: 'New York State Department of Financial Services (Superintendent)',
  website: 'https://portal.dfs.ny.gov',
};

/** 500.17(c): an extortion payment in connection with a cybersecurity event, wherever the people live. */
const EXTORTION = {
  jurisdiction: 'US-NYDFS',
  regime: '23 NYCRR 500.17(c)',
  audience: 'regulator',
  triggers: 'any_personal_data',
  scope: { kind: 'pooled', where: { anywhere: true } },
  requiresRegime: 'nydfsCoveredEntity',
  onlyWhen: 'extortion_payment',
  safeHarbour: 'none',
  requiredContent: [],
  authority: DFS,
  timeZone: 'America/New_York',
} as const;

export const NYDFS_RULES: readonly Rule[] = [
  {
    id: 'US-NYDFS.regulator',
    jurisdiction: 'US-NYDFS',
    regime: '23 NYCRR 500.17',
    audience: 'regulator',
    triggers: 'any_personal_data',
    // 500.17(a) turns on the incident at the covered entity, not on where the people live.
    scope: { kind: 'pooled', where: { anywhere: true } },
    requiresRegime: 'nydfsCoveredEntity',
    deadline: { kind: 'hours', hours: 72, from: 'discovery' },
    safeHarbour: 'none',
    requiredContent: [],
    authority: DFS,
    citation: '23 NYCRR 500.17(a)(1)',
    uncertain:
      'The 72 hours run from determining that a cybersecurity incident occurred that must be reported (500.17(a)(1)); Forthright counts from discovery, and raises it for any incident affecting people wherever they live. No law-enforcement delay is provided. Whether the incident qualifies (notice to another government body required, reasonable likelihood of material harm, or ransomware deployed) is for the officer.',
    timeZone: 'America/New_York',
  },
  {
    ...EXTORTION,
    id: 'US-NYDFS.regulator.extortion',
    deadline: { kind: 'hours', hours: 24, from: 'extortion_payment' },
    citation: '23 NYCRR 500.17(c)(1)',
    uncertain: 'Notice of the extortion payment itself, within 24 hours of making it.',
  },
  {
    ...EXTORTION,
    id: 'US-NYDFS.regulator.extortion-explanation',
    deadline: { kind: 'calendar_days', days: 30, from: 'extortion_payment' },
    citation: '23 NYCRR 500.17(c)(2)',
    uncertain:
      'A written description of why the payment was necessary, the alternatives considered, all diligence performed to find alternatives, and to ensure compliance with applicable rules including those of the Office of Foreign Assets Control.',
  },
];
