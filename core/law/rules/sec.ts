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
    // Reg. S-T Rule 13(a)(4): a filing submitted after 5:30 p.m. Eastern is deemed filed the next business day.
    deadline: { kind: 'business_days', days: 4, from: 'materiality_determination', cutoffLocalTime: '17:30' },
    safeHarbour: 'none',
    requiredContent: [],
    authority: {
      name: 'U.S. Securities and Exchange Commission (EDGAR filing)',
      website: 'https://www.sec.gov',
    },
    citation: 'Form 8-K General Instruction B.1 and Item 1.05; 17 CFR 229.106',
    effectiveFrom: '2023-12-18',
    uncertain:
      'Materiality must be determined without unreasonable delay after discovery; until it is recorded there is no due time. The filing is due by 5:30 p.m. Eastern on the fourth business day after the determination (a later submission is dated the next business day, 17 CFR 232.13(a)(4)); Forthright keeps the wall-clock time of the determination, moved back to 5:30 p.m. when it was made later in the day. A delay is possible only where the US Attorney General determines that disclosure poses a substantial risk to national security or public safety and tells the SEC in writing (Item 1.05(c)).',
    timeZone: 'America/New_York',
  },
];
