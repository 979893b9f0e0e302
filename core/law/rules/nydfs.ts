import type { Rule } from '../types';

/** NYDFS Cybersecurity Regulation, 23 NYCRR Part 500, for covered entities (from configuration). */
export const NYDFS_RULES: readonly Rule[] = [
  {
    id: 'US-NYDFS.regulator',
    jurisdiction: 'US-NYDFS',
    regime: '23 NYCRR 500.17',
    audience: 'regulator',
    triggers: 'any_personal_data',
    scope: { kind: 'pooled', where: { jurisdictions: ['US-NY'] } },
    requiresRegime: 'nydfsCoveredEntity',
    deadline: { kind: 'hours', hours: 72, from: 'discovery' },
    safeHarbour: 'none',
    requiredContent: [],
    authority: {
      name: 'New York State Department of Financial Services (Superintendent)',
      website: 'https://portal.dfs.ny.gov',
    },
    citation: '23 NYCRR 500.17(a)',
    uncertain:
      'The 72 hours run from determining that a reportable cybersecurity incident occurred; Forthright counts from discovery. Section 500.17 does not depend on where the affected people live: Forthright raises it when New York residents are affected, but a covered entity must report any qualifying incident. Extortion payments have a separate 24-hour notice (500.17(c)), not modelled.',
    timeZone: 'America/New_York',
  },
];
