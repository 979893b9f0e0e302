import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';

/**
 * NIS2, Directive (EU) 2022/2555 Art. 23, for essential and important entities (the company
 * profile): significant incidents go to the national CSIRT or competent authority in three steps.
 * Transposed by each member state; the directive's own time limits are encoded.
 */
const CSIRT: AuthorityContact = {
  name: 'The national CSIRT or competent authority of the member state where the entity is established (NIS2 Art. 23)',
};

const COMMON = {
  jurisdiction: 'EU-NIS2',
  regime: 'NIS2 (Directive (EU) 2022/2555)',
  audience: 'regulator',
  // A significant incident is about the service, not the data: any affected person anywhere, once per incident.
  triggers: 'any_personal_data',
  scope: { kind: 'pooled', where: { anywhere: true } },
  requiresRegime: 'nis2Entity',
  safeHarbour: 'none',
  requiredContent: [],
  authority: CSIRT,
  effectiveFrom: '2024-10-18',
  timeZone: 'Europe/Brussels',
  timeZoneNote: 'Hours need no zone; the month is counted in Brussels time.',
} as const;

const NIS2_NOTE =
  'Only a significant incident (severe operational disruption or financial loss, or considerable damage to others, Art. 23(3)) is reported; the officer decides. The time limits run from becoming aware of it; Forthright counts from discovery. National transpositions may differ (and some were late): check the member state’s law.';

export const NIS2_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'EU-NIS2.regulator.early-warning',
    deadline: { kind: 'hours', hours: 24, from: 'discovery' },
    citation: 'Directive (EU) 2022/2555 Art. 23(4)(a)',
    uncertain: `Early warning: whether the incident is suspected of being caused by unlawful or malicious acts or could have a cross-border impact. ${NIS2_NOTE}`,
  },
  {
    ...COMMON,
    id: 'EU-NIS2.regulator.notification',
    deadline: { kind: 'hours', hours: 72, from: 'discovery' },
    citation: 'Directive (EU) 2022/2555 Art. 23(4)(b)',
    uncertain: `Incident notification: an initial assessment, its severity and impact, and indicators of compromise. ${NIS2_NOTE}`,
  },
  {
    ...COMMON,
    id: 'EU-NIS2.regulator.final-report',
    deadline: { kind: 'calendar_months', months: 1, from: 'discovery' },
    citation: 'Directive (EU) 2022/2555 Art. 23(4)(d)',
    uncertain: `Final report no later than one month after the incident notification; Forthright counts the month from discovery, which is never later. An intermediate report may be requested (Art. 23(4)(c)); a progress report is due instead if the incident is still ongoing (Art. 23(4)(e)). ${NIS2_NOTE}`,
  },
];
