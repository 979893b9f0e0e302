import type { DataCategory } from '../../domain/categories';
import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';

/** Brazil: LGPD Art. 48 and ANPD Resolution CD/ANPD No. 15/2024 (Regulamento de Comunicação de Incidente de Segurança). */

const ANPD: AuthorityContact = {
  name: 'Autoridade Nacional de Proteção de Dados (ANPD)',
  website: 'https://www.gov.br/anpd',
};

// Res. 15/2024 Art. 5: relevant risk involves sensitive, financial or authentication data (among others).
const RELEVANT_RISK: readonly DataCategory[] = [
  'medical',
  'health_insurance',
  'biometric',
  'genetic',
  'financial_account',
  'payment_card',
  'account_credentials',
  'ssn',
  'tax_id',
  'passport',
  'drivers_license',
];

const LGPD_NOTE =
  'Notice is due for incidents that may cause relevant risk or damage (Res. 15/2024 Art. 5): sensitive, financial, authentication or secret-protected data, data of children, adolescents or the elderly, or large scale. Forthright triggers on the categories only; "large scale" and age are for the officer. Encryption is a factor in that assessment (LGPD Art. 48 §3), not an express exemption, so Forthright keeps the obligations pending and the officer decides. Business days skip Brazil’s national holidays but not Carnival or Corpus Christi (ponto facultativo); state and municipal holidays are not counted.';

const COMMON = {
  jurisdiction: 'BR',
  regime: 'LGPD / Res. CD/ANPD 15/2024',
  triggers: RELEVANT_RISK,
  safeHarbour: 'none',
  authority: ANPD,
  effectiveFrom: '2024-04-26',
  uncertain: LGPD_NOTE,
  timeZone: 'America/Sao_Paulo',
  timeZoneNote: 'Brasília time; Brazil spans four zones.',
} as const;

export const BRAZIL_RULES: readonly Rule[] = [
  {
    ...COMMON,
    id: 'BR.regulator',
    audience: 'regulator',
    deadline: { kind: 'business_days', days: 3, from: 'discovery' },
    requiredContent: [],
    citation: 'Lei 13.709/2018 (LGPD) Art. 48; Resolução CD/ANPD nº 15/2024, Art. 6',
  },
  {
    ...COMMON,
    id: 'BR.individuals',
    audience: 'individuals',
    electronicNotice: { kind: 'allowed', citation: 'Resolução CD/ANPD nº 15/2024, Art. 9' },
    deadline: { kind: 'business_days', days: 3, from: 'discovery' },
    requiredContent: ['dpo_contact'],
    citation: 'Lei 13.709/2018 (LGPD) Art. 48; Resolução CD/ANPD nº 15/2024, Art. 9',
  },
];
