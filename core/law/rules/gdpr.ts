import type { AuthorityContact } from '../../domain/content-parts';
import type { Rule } from '../types';
import { HIGH_RISK, HIGH_RISK_NOTE } from './common';

/**
 * GDPR (Regulation (EU) 2016/679), one pair of rules per EU/EEA member state, each naming that
 * state's supervisory authority. Iceland, Liechtenstein and Norway apply the GDPR through the EEA
 * Agreement.
 */

interface MemberState {
  code: string;
  timeZone: string;
  authority: AuthorityContact;
  timeZoneNote?: string;
  note?: string;
}

const MEMBER_STATES: readonly MemberState[] = [
  {
    code: 'AT',
    timeZone: 'Europe/Vienna',
    authority: { name: 'Österreichische Datenschutzbehörde', website: 'https://www.dsb.gv.at' },
  },
  {
    code: 'BE',
    timeZone: 'Europe/Brussels',
    authority: {
      name: 'Autorité de protection des données / Gegevensbeschermingsautoriteit',
      website: 'https://www.dataprotectionauthority.be',
    },
  },
  {
    code: 'BG',
    timeZone: 'Europe/Sofia',
    authority: { name: 'Commission for Personal Data Protection', website: 'https://www.cpdp.bg' },
  },
  {
    code: 'CY',
    timeZone: 'Asia/Nicosia',
    authority: {
      name: 'Commissioner for Personal Data Protection',
      website: 'https://www.dataprotection.gov.cy',
    },
  },
  {
    code: 'CZ',
    timeZone: 'Europe/Prague',
    authority: { name: 'Úřad pro ochranu osobních údajů', website: 'https://www.uoou.cz' },
  },
  {
    code: 'DE',
    timeZone: 'Europe/Berlin',
    authority: {
      name: 'The data protection authority of the Land where the controller is established (Landesdatenschutzbehörde)',
    },
    note: 'In Germany the competent authority for private companies is the Land authority of the controller’s establishment (the BfDI only for telecoms and postal services); the officer must name it.',
  },
  {
    code: 'DK',
    timeZone: 'Europe/Copenhagen',
    authority: { name: 'Datatilsynet', website: 'https://www.datatilsynet.dk' },
  },
  {
    code: 'EE',
    timeZone: 'Europe/Tallinn',
    authority: { name: 'Andmekaitse Inspektsioon', website: 'https://www.aki.ee' },
  },
  {
    code: 'ES',
    timeZone: 'Europe/Madrid',
    authority: { name: 'Agencia Española de Protección de Datos (AEPD)', website: 'https://www.aepd.es' },
    timeZoneNote: 'Peninsular time; the Canary Islands are an hour behind (hour deadlines are unaffected).',
  },
  {
    code: 'FI',
    timeZone: 'Europe/Helsinki',
    authority: {
      name: 'Office of the Data Protection Ombudsman (Tietosuojavaltuutetun toimisto)',
      website: 'https://tietosuoja.fi',
    },
  },
  {
    code: 'FR',
    timeZone: 'Europe/Paris',
    authority: {
      name: 'Commission nationale de l’informatique et des libertés (CNIL)',
      website: 'https://www.cnil.fr',
    },
  },
  {
    code: 'GR',
    timeZone: 'Europe/Athens',
    authority: { name: 'Hellenic Data Protection Authority', website: 'https://www.dpa.gr' },
  },
  {
    code: 'HR',
    timeZone: 'Europe/Zagreb',
    authority: { name: 'Agencija za zaštitu osobnih podataka (AZOP)', website: 'https://azop.hr' },
  },
  {
    code: 'HU',
    timeZone: 'Europe/Budapest',
    authority: {
      name: 'Nemzeti Adatvédelmi és Információszabadság Hatóság (NAIH)',
      website: 'https://naih.hu',
    },
  },
  {
    code: 'IE',
    timeZone: 'Europe/Dublin',
    authority: { name: 'Data Protection Commission', website: 'https://www.dataprotection.ie' },
  },
  {
    code: 'IS',
    timeZone: 'Atlantic/Reykjavik',
    authority: { name: 'Persónuvernd', website: 'https://www.personuvernd.is' },
  },
  {
    code: 'IT',
    timeZone: 'Europe/Rome',
    authority: {
      name: 'Garante per la protezione dei dati personali',
      website: 'https://www.garanteprivacy.it',
    },
  },
  {
    code: 'LI',
    timeZone: 'Europe/Vaduz',
    authority: { name: 'Datenschutzstelle Liechtenstein', website: 'https://www.datenschutzstelle.li' },
  },
  {
    code: 'LT',
    timeZone: 'Europe/Vilnius',
    authority: { name: 'Valstybinė duomenų apsaugos inspekcija', website: 'https://vdai.lrv.lt' },
  },
  {
    code: 'LU',
    timeZone: 'Europe/Luxembourg',
    authority: {
      name: 'Commission nationale pour la protection des données (CNPD)',
      website: 'https://cnpd.public.lu',
    },
  },
  {
    code: 'LV',
    timeZone: 'Europe/Riga',
    authority: { name: 'Datu valsts inspekcija', website: 'https://www.dvi.gov.lv' },
  },
  {
    code: 'MT',
    timeZone: 'Europe/Malta',
    authority: { name: 'Information and Data Protection Commissioner', website: 'https://idpc.org.mt' },
  },
  {
    code: 'NL',
    timeZone: 'Europe/Amsterdam',
    authority: { name: 'Autoriteit Persoonsgegevens', website: 'https://www.autoriteitpersoonsgegevens.nl' },
  },
  {
    code: 'NO',
    timeZone: 'Europe/Oslo',
    authority: { name: 'Datatilsynet', website: 'https://www.datatilsynet.no' },
  },
  {
    code: 'PL',
    timeZone: 'Europe/Warsaw',
    authority: { name: 'Prezes Urzędu Ochrony Danych Osobowych (UODO)', website: 'https://uodo.gov.pl' },
  },
  {
    code: 'PT',
    timeZone: 'Europe/Lisbon',
    authority: { name: 'Comissão Nacional de Proteção de Dados (CNPD)', website: 'https://www.cnpd.pt' },
    timeZoneNote: 'Mainland time; the Azores are an hour behind (hour deadlines are unaffected).',
  },
  {
    code: 'RO',
    timeZone: 'Europe/Bucharest',
    authority: {
      name: 'Autoritatea Națională de Supraveghere a Prelucrării Datelor cu Caracter Personal (ANSPDCP)',
      website: 'https://www.dataprotection.ro',
    },
  },
  {
    code: 'SE',
    timeZone: 'Europe/Stockholm',
    authority: { name: 'Integritetsskyddsmyndigheten (IMY)', website: 'https://www.imy.se' },
  },
  {
    code: 'SI',
    timeZone: 'Europe/Ljubljana',
    authority: { name: 'Informacijski pooblaščenec', website: 'https://www.ip-rs.si' },
  },
  {
    code: 'SK',
    timeZone: 'Europe/Bratislava',
    authority: {
      name: 'Úrad na ochranu osobných údajov Slovenskej republiky',
      website: 'https://dataprotection.gov.sk',
    },
  },
];

/** The EU/EEA member states the GDPR rules cover. */
export const GDPR_STATES: readonly string[] = MEMBER_STATES.map((s) => s.code);

const EEA_ONLY = new Set(['IS', 'LI', 'NO']);

const ONE_STOP_SHOP_NOTE =
  'Art. 33 notice goes to the competent supervisory authority — for cross-border processing, the lead authority of the main establishment (Art. 56) — not to every member state where affected people live. Forthright lists each state’s authority so none is missed; the officer decides which are due. Not required where the breach is unlikely to result in a risk to people (Art. 33(1)).';

function gdprRules(state: MemberState): Rule[] {
  const regulation = EEA_ONLY.has(state.code)
    ? 'Regulation (EU) 2016/679 as incorporated into the EEA Agreement'
    : 'Regulation (EU) 2016/679';
  const common = {
    jurisdiction: state.code,
    regime: 'GDPR',
    timeZone: state.timeZone,
    authority: state.authority,
    ...(state.timeZoneNote ? { timeZoneNote: state.timeZoneNote } : {}),
  };
  const stateNote = state.note ? ` ${state.note}` : '';
  return [
    {
      ...common,
      id: `${state.code}.regulator`,
      audience: 'regulator',
      triggers: 'any_personal_data',
      deadline: { kind: 'hours', hours: 72, from: 'discovery' },
      // Art. 33 has no encryption exemption: encryption only bears on whether there is a risk at all.
      safeHarbour: 'none',
      requiredContent: [],
      citation: `${regulation}, Art. 33`,
      uncertain: ONE_STOP_SHOP_NOTE + stateNote,
    },
    {
      ...common,
      id: `${state.code}.individuals`,
      audience: 'individuals',
      electronicNotice: {
        kind: 'allowed',
        citation:
          'GDPR Art. 34(1)–(2): no means prescribed; direct messaging such as email is named by the EDPB (Guidelines 9/2022)',
      },
      triggers: HIGH_RISK,
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery', wording: 'without undue delay' },
      // Art. 34(3)(a): not required where the data was unintelligible to anyone not authorised, e.g. encrypted.
      safeHarbour: 'encryption',
      requiredContent: ['gdpr_art34', 'dpo_contact'],
      citation: `${regulation}, Art. 34`,
      uncertain: HIGH_RISK_NOTE + stateNote,
    },
  ];
}

export const GDPR_RULES: readonly Rule[] = MEMBER_STATES.flatMap(gdprRules);
