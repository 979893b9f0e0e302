import type { Rule } from '../types';

/** SEC Form 8-K Item 1.05 (material cybersecurity incidents), for registrants (from configuration). */
export const SEC_RULES: readonly Rule[] = [
  {
    id: 'US-SEC.regulator',
    jurisdiction: 'US-SEC',
    regime: 'SEC Form 8-K Item 1.05',
    audience: 'regulator',
    triggers: 'any_personal_data',
    // Materiality, not the data, decides: once per incident, whoever is affected.
    scope: { kind: 'incident' },
    requiresRegime: 'secRegistrant',
    deadline: { kind: 'business_days', days: 4, from: 'materiality_determination' },
    safeHarbour: 'none',
    requiredContent: [],
    authority: {
      name: 'U.S. Securities and Exchange Commission (EDGAR filing)',
      website: 'https://www.sec.gov',
    },
    citation: 'Form 8-K General Instruction B.1 and Item 1.05; 17 CFR 229.106',
    effectiveFrom: '2023-12-18',
    uncertain:
      'Materiality must be determined without unreasonable delay after discovery; until it is recorded there is no due time. A filing is timely if made by 5:30 p.m. Eastern on the fourth business day; Forthright keeps the wall-clock time of the determination instead, which is later than 5:30 p.m. only for a determination made after 5:30 p.m. The Attorney General may authorise a delay on national-security grounds.',
    timeZone: 'America/New_York',
  },
];
