import type { DataCategory } from '../../domain/categories';
import type { AuthorityContact } from '../../domain/content-parts';
import type { GroupFilter, Rule } from '../types';

/**
 * HIPAA Breach Notification Rule, 45 CFR 164.400–414, for covered entities (from configuration).
 * Individuals and HHS are counted over every US resident affected; media per state.
 */

const PHI: readonly DataCategory[] = ['medical', 'health_insurance', 'genetic'];
const US: GroupFilter = { countries: ['US'] };

const HHS: AuthorityContact = {
  name: 'U.S. Department of Health and Human Services, Office for Civil Rights',
  website: 'https://ocrportal.hhs.gov/ocr/breach',
};

const COMMON = {
  jurisdiction: 'US-HIPAA',
  regime: 'HIPAA',
  triggers: PHI,
  requiresRegime: 'hipaaCoveredEntity',
  // Encrypted PHI under HHS guidance is "secured": the rule covers unsecured PHI only (164.402).
  safeHarbour: 'encryption',
  timeZone: 'America/New_York',
  timeZoneNote: 'HHS is in Washington, DC; calendar days are counted in Eastern time.',
} as const;

export const HIPAA_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'US-HIPAA.individuals',
    audience: 'individuals',
    electronicNotice: { kind: 'agreement', citation: '45 CFR 164.404(d)(1)(i)' },
    scope: { kind: 'pooled', where: US },
    deadline: { kind: 'without_unreasonable_delay', outerLimitDays: 60, from: 'discovery' },
    requiredContent: ['hipaa_contact'],
    authority: HHS,
    citation: '45 CFR 164.404',
    uncertain:
      'Data categories stand in for protected health information; whether the data is PHI held as a covered entity (not, say, employment records) is for the officer to confirm. A business associate notifies the covered entity instead (164.410).',
  },
  {
    ...COMMON,
    id: 'US-HIPAA.regulator',
    audience: 'regulator',
    scope: { kind: 'pooled', where: US },
    threshold: { minAffected: 500 },
    deadline: {
      kind: 'without_unreasonable_delay',
      outerLimitDays: 60,
      from: 'discovery',
      wording: 'contemporaneously with notice to individuals',
    },
    requiredContent: [],
    authority: HHS,
    citation: '45 CFR 164.408(b)',
  },
  {
    ...COMMON,
    id: 'US-HIPAA.regulator.annual-log',
    audience: 'regulator',
    scope: { kind: 'pooled', where: US },
    threshold: { minAffected: 1, maxAffected: 499 },
    deadline: { kind: 'after_year_end', days: 60 },
    requiredContent: [],
    authority: HHS,
    citation: '45 CFR 164.408(c)',
  },
  {
    ...COMMON,
    id: 'US-HIPAA.media',
    audience: 'media',
    // "More than 500 residents of a State or jurisdiction": one notice per state.
    scope: { kind: 'per_jurisdiction', where: US },
    threshold: { minAffected: 501 },
    deadline: { kind: 'without_unreasonable_delay', outerLimitDays: 60, from: 'discovery' },
    requiredContent: ['hipaa_contact'],
    authority: { name: 'Prominent media outlets serving the state' },
    citation: '45 CFR 164.406',
  },
];
