import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';

/**
 * DORA, Regulation (EU) 2022/2554 Art. 19, for financial entities (the company profile): a major
 * ICT-related incident goes to the competent authority in three reports, with the time limits of
 * Commission Delegated Regulation (EU) 2025/301 Art. 5.
 */
const AUTHORITY: AuthorityContact = {
  name: 'The financial entity’s competent authority under DORA Art. 46 (e.g. the national central bank or financial supervisor)',
};

const COMMON = {
  jurisdiction: 'EU-DORA',
  regime: 'DORA (Regulation (EU) 2022/2554)',
  audience: 'regulator',
  triggers: 'any_personal_data',
  scope: { kind: 'pooled', where: { anywhere: true } },
  requiresRegime: 'doraFinancialEntity',
  safeHarbour: 'none',
  requiredContent: [],
  authority: AUTHORITY,
  effectiveFrom: '2025-01-17',
  timeZone: 'Europe/Brussels',
  timeZoneNote: 'Hours need no zone; the month is counted in Brussels time.',
} as const;

const DORA_NOTE =
  'Only a major ICT-related incident (classified under Delegated Regulation (EU) 2024/1772) is reported; the officer decides. Forthright counts every report from discovery, which is never later than the law’s own anchors.';

export const DORA_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'EU-DORA.regulator.initial',
    deadline: { kind: 'hours', hours: 24, from: 'discovery' },
    citation: 'Regulation (EU) 2022/2554 Art. 19(4)(a); Delegated Regulation (EU) 2025/301 Art. 5(1)',
    uncertain: `Initial notification within 4 hours of classifying the incident as major and no later than 24 hours after becoming aware of it. ${DORA_NOTE}`,
  },
  {
    ...COMMON,
    id: 'EU-DORA.regulator.intermediate',
    deadline: { kind: 'hours', hours: 72, from: 'discovery' },
    citation: 'Regulation (EU) 2022/2554 Art. 19(4)(b); Delegated Regulation (EU) 2025/301 Art. 5(2)',
    uncertain: `Intermediate report within 72 hours of the initial notification. ${DORA_NOTE}`,
  },
  {
    ...COMMON,
    id: 'EU-DORA.regulator.final',
    deadline: { kind: 'calendar_months', months: 1, from: 'discovery' },
    citation: 'Regulation (EU) 2022/2554 Art. 19(4)(c); Delegated Regulation (EU) 2025/301 Art. 5(3)',
    uncertain: `Final report within one month of the latest updated intermediate report. ${DORA_NOTE}`,
  },
];
