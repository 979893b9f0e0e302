import type { AuthorityContact } from '../domain/content-parts';
import type { Rule } from './types';

/**
 * What a filing packet holds (issue 15 item 1): for each obligation other than the individuals',
 * the elements the law asks the authority be told, each with the provision asking for it. Pure data
 * and pure functions, like the rules: core/use-cases/packets.ts fills the values from the incident
 * and freezes them in a notice (audience `filing_packet`) that is approved four-eyes.
 *
 * Families, by the law that shapes the content:
 * - `gdpr` / `uk_gdpr`: Art. 33(3)(a)–(d) — the nature of the breach with the categories and
 *   approximate numbers of data subjects and of records, the DPO's contact, the likely consequences,
 *   the measures taken or proposed — and Art. 33(4): information may follow in phases.
 * - `hhs`: 45 CFR 164.408 asks for notice "in the manner specified on the HHS Web site": the fields
 *   of the OCR breach portal.
 * - `hipaa_media`: 45 CFR 164.406(c): the content of 164.404(c)(1)(A)–(E).
 * - `us_state_ag`: a state attorney general or agency: the state's residents affected, a copy of the
 *   consumer notice, its timing and method; California, Florida and Maryland as their statutes word it.
 * - `us_state_police`: New Jersey's Division of State Police (N.J.S.A. 56:8-163(c)(1)), before any
 *   customer is told; New York's State Police.
 * - `credit_bureaus`: the state statutes' common formula, "the timing, distribution, and content of
 *   the notices".
 * - `general`: every other authority (SEC, NYDFS, FTC, NIS2, DORA, APAC regulators…): a general set,
 *   said to be one (`uncertain`), until their forms are encoded.
 */

/** Where an element's value comes from: the incident's record, computed from the data, or compliance. */
export const PACKET_ELEMENT_SOURCES = ['incident', 'computed', 'compliance'] as const;
export type PacketElementSource = (typeof PACKET_ELEMENT_SOURCES)[number];

/** Every element any packet may have; the use case knows how to fill each. */
export const PACKET_ELEMENT_KEYS = [
  /** The organisation: name and address. */
  'controller',
  /** The data protection officer or other contact point. */
  'dpo_contact',
  /** Who at the company answers the authority's questions: name, address, phone, email. */
  'contact_person',
  /** What happened: the nature of the breach, a synopsis of the events. */
  'nature',
  /** When it happened and when it was discovered. */
  'dates',
  /** Categories of people concerned (customers, patients, employees). */
  'data_subject_categories',
  /** The number of people the statute counts (approximate where the law says so). */
  'people_count',
  /** The categories of personal data (or types of PHI) involved. */
  'data_categories',
  /** The approximate number of records concerned. */
  'record_count',
  /** The likely consequences for the people. */
  'likely_consequences',
  /** What was done and is proposed: to stop, investigate, mitigate, prevent. */
  'measures',
  /** Why the notification comes later than the statute's period (GDPR Art. 33(1)). */
  'delay_reasons',
  /** When the individuals were or will be notified. */
  'individual_notice',
  /** How the individuals were notified and how many (the distribution of the notices). */
  'distribution',
  /** A copy of the notice sent to the individuals (without any person's data). */
  'notice_copy',
  /** Services offered to the people without charge (credit monitoring…), and how to use them. */
  'services_offered',
  /** HHS: the type of breach (hacking/IT incident, unauthorised access or disclosure, theft, loss…). */
  'breach_type',
  /** HHS: where the information was (network server, email, EHR, laptop, paper…). */
  'breach_location',
  /** HHS: the safeguards in place before the breach. */
  'safeguards',
  /** HIPAA media: the steps individuals should take to protect themselves. */
  'individual_steps',
  /** A supplement: what it adds or corrects, and why. */
  'supplement_reason',
] as const;
export type PacketElementKey = (typeof PACKET_ELEMENT_KEYS)[number];

export const PACKET_FAMILIES = [
  'gdpr',
  'uk_gdpr',
  'hhs',
  'hipaa_media',
  'us_state_ag',
  'us_state_police',
  'credit_bureaus',
  'general',
] as const;
export type PacketFamily = (typeof PACKET_FAMILIES)[number];

/** A filing is the first packet of an obligation; a supplement adds to or corrects it (GDPR Art. 33(4)). */
export const PACKET_KINDS = ['filing', 'supplement'] as const;
export type PacketKind = (typeof PACKET_KINDS)[number];

/** How the authority takes a filing (the channels of H2b's proof of filing, less fax and other). */
export const SUBMISSION_CHANNELS = ['email', 'portal', 'post'] as const;
export type SubmissionChannel = (typeof SUBMISSION_CHANNELS)[number];

export interface Submission {
  channel: SubmissionChannel;
  /** The email address, the portal's URL or the postal address; null when nobody knows it yet. */
  address: string | null;
  /** The address to email the packet to (channel `email`), else null: what sending reads. */
  email: string | null;
  /** Where the channel came from, shown beside it. */
  note: string;
}

/** One element of a packet as the law asks for it. */
export interface PacketElementSpec {
  key: PacketElementKey;
  /** The provision asking for it. */
  citation: string;
  source: PacketElementSource;
  /** Approval is refused while a required element is empty. */
  required: boolean;
}

/** One element of a drafted packet: the spec, its label in the packet's language, and its value. */
export interface PacketElement extends PacketElementSpec {
  label: string;
  value: string;
}

export interface PacketSpec {
  family: PacketFamily;
  elements: PacketElementSpec[];
  /** The language the packet is written in (a template language: en, de, fr, es). */
  language: string;
  /** Whether the law lets information follow in phases (GDPR Art. 33(4)). */
  phasing: { citation: string } | null;
  /** What a lawyer should check about this packet's content. */
  uncertain: string | null;
}

/**
 * A packet as frozen in its notice (core/db/notices.ts NoticeContent.packet): the elements with
 * their values, whom it is for, the counts it quotes, and whether more information is to follow.
 */
export interface PacketContent {
  ruleId: string;
  jurisdiction: string;
  /** 1: the filing; 2, 3, …: supplements. */
  sequence: number;
  kind: PacketKind;
  family: PacketFamily;
  regime: string;
  /** The provision the obligation rests on. */
  citation: string;
  authority: AuthorityContact;
  submission: Submission;
  language: string;
  counts: {
    /** The people the statute counts for this obligation (the obligation's affectedCount). */
    statute: number;
    /** Everyone affected by the incident (people, after merging records of one person). */
    people: number;
    /** Records concerned (before merging) where the statute counts its people. */
    records: number;
  };
  /** GDPR Art. 33(4): more information will follow (set by compliance, shown in the packet). */
  phased: boolean;
  /** The provision allowing information in phases, or null where the law has none. */
  phasing: string | null;
  elements: PacketElement[];
  uncertain: string | null;
}

const el = (
  key: PacketElementKey,
  citation: string,
  source: PacketElementSource,
  required = true,
): PacketElementSpec => ({ key, citation, source, required });

/** GDPR Art. 33(3)(a)–(d), with the prefix of the regulation ('GDPR' or 'UK GDPR'). */
function art33(law: 'GDPR' | 'UK GDPR'): PacketElementSpec[] {
  const a = `${law} Art. 33(3)(a)`;
  return [
    el('controller', `${law} Art. 33(1)`, 'incident'),
    el('nature', a, 'incident'),
    el('dates', a, 'incident'),
    el('data_subject_categories', a, 'compliance'),
    el('people_count', a, 'computed'),
    el('data_categories', a, 'computed'),
    el('record_count', a, 'computed'),
    el('dpo_contact', `${law} Art. 33(3)(b)`, 'incident'),
    el('likely_consequences', `${law} Art. 33(3)(c)`, 'computed'),
    el('measures', `${law} Art. 33(3)(d)`, 'incident'),
    el('delay_reasons', `${law} Art. 33(1), second subparagraph`, 'compliance', false),
  ];
}

/**
 * 45 CFR 164.408(b)–(c): "in the manner specified on the HHS Web site", i.e. the OCR breach portal's
 * form. The fields are the portal's, not the regulation's words.
 */
function hhs(citation: string): PacketElementSpec[] {
  const portal = `${citation} (HHS breach portal form)`;
  return [
    el('controller', portal, 'incident'),
    el('contact_person', portal, 'incident'),
    el('dates', portal, 'incident'),
    el('breach_type', portal, 'compliance'),
    el('breach_location', portal, 'compliance'),
    el('people_count', portal, 'computed'),
    el('data_categories', portal, 'computed'),
    el('nature', portal, 'incident'),
    el('safeguards', portal, 'compliance'),
    el('individual_notice', portal, 'computed'),
    el('measures', portal, 'incident'),
  ];
}

/** 45 CFR 164.406(c): the media notice has the content of 164.404(c)(1)(A)–(E). */
const HIPAA_MEDIA: PacketElementSpec[] = [
  el('nature', '45 CFR 164.406(c); 164.404(c)(1)(A)', 'incident'),
  el('dates', '45 CFR 164.406(c); 164.404(c)(1)(A)', 'incident'),
  el('data_categories', '45 CFR 164.406(c); 164.404(c)(1)(B)', 'computed'),
  el('individual_steps', '45 CFR 164.406(c); 164.404(c)(1)(C)', 'computed'),
  el('measures', '45 CFR 164.406(c); 164.404(c)(1)(D)', 'incident'),
  el('contact_person', '45 CFR 164.406(c); 164.404(c)(1)(E)', 'incident'),
  el('people_count', '45 CFR 164.406(a)', 'computed', false),
];

/** A state attorney general or agency: what AG forms ask, under the rule's own citation. */
function stateAg(citation: string): PacketElementSpec[] {
  return [
    el('controller', citation, 'incident'),
    el('nature', citation, 'incident'),
    el('dates', citation, 'incident'),
    el('people_count', citation, 'computed'),
    el('data_categories', citation, 'computed'),
    el('individual_notice', citation, 'computed'),
    el('distribution', citation, 'computed'),
    el('notice_copy', citation, 'computed'),
    el('measures', citation, 'incident'),
    el('services_offered', citation, 'compliance', false),
    el('contact_person', citation, 'incident'),
  ];
}

/** Cal. Civ. Code § 1798.82(f): "a single sample copy of that security breach notification". */
function california(citation: string): PacketElementSpec[] {
  return [
    el('notice_copy', citation, 'computed'),
    el('controller', `${citation} (the Attorney General's submission form)`, 'incident'),
    el('people_count', `${citation} (the Attorney General's submission form)`, 'computed', false),
    el('dates', `${citation} (the Attorney General's submission form)`, 'incident', false),
    el('individual_notice', `${citation} (the Attorney General's submission form)`, 'computed', false),
    el('contact_person', `${citation} (the Attorney General's submission form)`, 'incident', false),
  ];
}

/** Fla. Stat. § 501.171(3)(b)1.–5. */
const FLORIDA: PacketElementSpec[] = [
  el('controller', 'Fla. Stat. § 501.171(3)(a)', 'incident'),
  el('nature', 'Fla. Stat. § 501.171(3)(b)1.', 'incident'),
  el('dates', 'Fla. Stat. § 501.171(3)(b)1.', 'incident'),
  el('people_count', 'Fla. Stat. § 501.171(3)(b)2.', 'computed'),
  el('services_offered', 'Fla. Stat. § 501.171(3)(b)3.', 'compliance'),
  el('notice_copy', 'Fla. Stat. § 501.171(3)(b)4.', 'computed'),
  el('contact_person', 'Fla. Stat. § 501.171(3)(b)5.', 'incident'),
  el('data_categories', 'Fla. Stat. § 501.171(3)(b)1.', 'computed', false),
  el('measures', 'Fla. Stat. § 501.171(3)(c)', 'incident', false),
];

/** Md. Code, Com. Law § 14-3504(h), as amended in 2022: at a minimum (i)–(iv). */
const MARYLAND: PacketElementSpec[] = [
  el('controller', 'Md. Code, Com. Law § 14-3504(h)', 'incident'),
  el('people_count', 'Md. Code, Com. Law § 14-3504(h)(2)(i)', 'computed'),
  el('nature', 'Md. Code, Com. Law § 14-3504(h)(2)(ii)', 'incident'),
  el('dates', 'Md. Code, Com. Law § 14-3504(h)(2)(ii)', 'incident'),
  el('measures', 'Md. Code, Com. Law § 14-3504(h)(2)(iii)', 'incident'),
  el('distribution', 'Md. Code, Com. Law § 14-3504(h)(2)(iv)', 'computed'),
  el('notice_copy', 'Md. Code, Com. Law § 14-3504(h)(2)(iv)', 'computed'),
  el('individual_notice', 'Md. Code, Com. Law § 14-3504(h)', 'computed'),
  el('contact_person', 'Md. Code, Com. Law § 14-3504(h)', 'incident'),
];

/** "Report the breach of security and any information pertaining to the breach" (N.J.S.A. 56:8-163(c)(1)). */
function statePolice(citation: string): PacketElementSpec[] {
  return [
    el('controller', citation, 'incident'),
    el('nature', citation, 'incident'),
    el('dates', citation, 'incident'),
    el('data_categories', citation, 'computed'),
    el('people_count', citation, 'computed'),
    el('measures', citation, 'incident', false),
    el('contact_person', citation, 'incident'),
  ];
}

/** "The timing, distribution, and content of the notices" (e.g. Md. § 14-3506(a), Fla. § 501.171(5)). */
function creditBureaus(citation: string): PacketElementSpec[] {
  return [
    el('controller', citation, 'incident'),
    el('individual_notice', `${citation} (timing)`, 'computed'),
    el('distribution', `${citation} (distribution)`, 'computed'),
    el('notice_copy', `${citation} (content)`, 'computed'),
    el('people_count', citation, 'computed'),
    el('contact_person', citation, 'incident'),
  ];
}

function general(citation: string): PacketElementSpec[] {
  return [
    el('controller', citation, 'incident'),
    el('nature', citation, 'incident'),
    el('dates', citation, 'incident'),
    el('people_count', citation, 'computed'),
    el('data_categories', citation, 'computed'),
    el('likely_consequences', citation, 'computed', false),
    el('measures', citation, 'incident'),
    el('contact_person', citation, 'incident'),
  ];
}

/**
 * The language an authority reads a filing in, where its procedural law names one. Unlisted
 * authorities get English (an EU authority may accept it, but none is obliged to).
 */
const AUTHORITY_LANGUAGE: Readonly<Record<string, { language: string; citation: string }>> = {
  DE: { language: 'de', citation: '§ 23(1) VwVfG (German is the official language of the authorities)' },
  AT: { language: 'de', citation: 'Art. 8(1) B-VG (German is the official language of the Republic)' },
  LI: { language: 'de', citation: 'Art. 6 of the Constitution of Liechtenstein (German is the official language)' },
  FR: { language: 'fr', citation: 'Art. 2 of the Constitution; Loi n° 94-665 (Toubon)' },
  LU: { language: 'fr', citation: 'Loi du 24 février 1984 sur le régime des langues (French, German or Luxembourgish)' },
  ES: { language: 'es', citation: 'Ley 39/2015, art. 15 (procedures before the State administration are in Spanish)' },
};

const GDPR_PHASING = (law: 'GDPR' | 'UK GDPR') => ({ citation: `${law} Art. 33(4)` });

/** The family whose content a rule's filing takes. */
export function packetFamily(rule: Pick<Rule, 'id' | 'regime' | 'audience' | 'jurisdiction'>): PacketFamily {
  if (rule.audience === 'consumer_reporting_agencies') return 'credit_bureaus';
  if (rule.regime === 'GDPR') return 'gdpr';
  if (rule.regime === 'UK GDPR') return 'uk_gdpr';
  if (rule.id === 'US-HIPAA.regulator' || rule.id === 'US-HIPAA.regulator.annual-log') return 'hhs';
  if (rule.id === 'US-HIPAA.media') return 'hipaa_media';
  if (rule.id === 'US-NJ.regulator' || rule.id === 'US-NY.regulator.state-police') return 'us_state_police';
  if (/^US-[A-Z]{2}$/.test(rule.jurisdiction) && rule.audience === 'regulator') return 'us_state_ag';
  return 'general';
}

/** Which elements a rule's packet has, in which language, and whether it may be phased. */
export function packetSpecFor(rule: Rule): PacketSpec {
  const family = packetFamily(rule);
  const lang = AUTHORITY_LANGUAGE[rule.jurisdiction];
  switch (family) {
    case 'gdpr':
      return {
        family,
        elements: art33('GDPR'),
        language: lang?.language ?? 'en',
        phasing: GDPR_PHASING('GDPR'),
        uncertain: lang
          ? `Written in ${lang.language} because ${lang.citation}; GDPR itself names no language. National forms may ask for more (check the authority's form).`
          : "GDPR names no language for a notification; English is used unless the authority asks otherwise. National forms may ask for more (check the authority's form).",
      };
    case 'uk_gdpr':
      return {
        family,
        elements: art33('UK GDPR'),
        language: 'en',
        phasing: GDPR_PHASING('UK GDPR'),
        uncertain: "The ICO's online form asks for more than Art. 33(3) (e.g. cyber incident details); check the form.",
      };
    case 'hhs':
      return {
        family,
        elements: hhs(rule.citation),
        language: 'en',
        phasing: null,
        uncertain:
          'The fields are those of the OCR breach portal (ocrportal.hhs.gov) as we know them, not words of the regulation; check the portal. An addendum may be filed later through the portal.',
      };
    case 'hipaa_media':
      return { family, elements: HIPAA_MEDIA, language: 'en', phasing: null, uncertain: null };
    case 'us_state_police':
      return {
        family,
        elements: statePolice(rule.citation),
        language: 'en',
        phasing: null,
        uncertain:
          'The statute asks for "any information pertaining to the breach" without a list; the elements are a working set. New Jersey takes reports through the NJCCIC portal as we understand it; check.',
      };
    case 'credit_bureaus':
      return {
        family,
        elements: creditBureaus(rule.citation),
        language: 'en',
        phasing: null,
        uncertain:
          'The common statutory formula is "the timing, distribution, and content of the notices"; a few states word it differently. Check the rule\'s own section.',
      };
    case 'us_state_ag': {
      if (rule.jurisdiction === 'US-CA') {
        return {
          family,
          elements: california(rule.citation),
          language: 'en',
          phasing: null,
          uncertain:
            'The statute asks only for a sample copy of the notice, without personal information, submitted electronically; the other fields are those of the Attorney General\'s online form.',
        };
      }
      if (rule.jurisdiction === 'US-FL') {
        return {
          family,
          elements: FLORIDA,
          language: 'en',
          phasing: null,
          uncertain:
            'Paragraph numbers of § 501.171(3)(b) and (c) as we read the statute; not checked against the official text in this session. (3)(c) material (police report, policies) is provided on the Department\'s request.',
        };
      }
      if (rule.jurisdiction === 'US-MD') {
        return {
          family,
          elements: MARYLAND,
          language: 'en',
          phasing: null,
          uncertain:
            'The minimum content (number of Maryland residents, description incl. when and how, steps taken or planned, form of notice and a sample) is from the 2022 amendment (HB 962) as we recall it; not checked against the official text in this session.',
        };
      }
      return {
        family,
        elements: stateAg(rule.citation),
        language: 'en',
        phasing: null,
        uncertain:
          "The statute asks for notice to the authority; the elements are those most state forms ask for (residents affected, a copy of the consumer notice, its timing and method). Check the state's form.",
      };
    }
    case 'general':
      return {
        family,
        elements: general(rule.citation),
        language: 'en',
        phasing: null,
        uncertain: `The content ${rule.regime} asks for is not encoded element by element; this is a general set. Check the authority's form.`,
      };
  }
}

/**
 * How the authority takes the filing: an email address configured for the rule (FILING_EMAILS) or
 * in the rule; else its portal where one is known; else post to its address; else its website.
 */
export function submissionFor(
  rule: Pick<Rule, 'id' | 'authority'>,
  configuredEmails: Readonly<Record<string, string>> = {},
): Submission {
  const by = (channel: SubmissionChannel, address: string | null, note: string): Submission => ({
    channel,
    address,
    email: channel === 'email' ? address : null,
    note,
  });
  const configured = configuredEmails[rule.id];
  if (configured) return by('email', configured, 'FILING_EMAILS');
  const authority = rule.authority;
  if (authority?.email) return by('email', authority.email, 'the rule');
  const portal = PORTALS[rule.id];
  if (portal) return by('portal', portal, 'the authority’s reporting portal');
  if (authority?.postalAddress) return by('post', authority.postalAddress, 'the rule');
  return by('portal', authority?.website ?? null, 'the authority’s website: find its reporting form there');
}

/** Reporting portals we know of, by rule. */
const PORTALS: Readonly<Record<string, string>> = {
  'US-HIPAA.regulator': 'https://ocrportal.hhs.gov/ocr/breach',
  'US-HIPAA.regulator.annual-log': 'https://ocrportal.hhs.gov/ocr/breach',
  'US-CA.regulator': 'https://oag.ca.gov/privacy/databreach/reporting',
  'US-CA.regulator.pre-2026': 'https://oag.ca.gov/privacy/databreach/reporting',
  'GB.regulator': 'https://ico.org.uk/for-organisations/report-a-breach/',
};

/** An element's label in the packet's language (English where no translation exists). */
export function elementLabel(key: PacketElementKey, language: string): string {
  const labels = LABELS[key];
  return (labels as Record<string, string | undefined>)[language] ?? labels.en;
}

const LABELS: Readonly<Record<PacketElementKey, { en: string; de: string; fr: string; es: string }>> = {
  controller: {
    en: 'The organisation',
    de: 'Verantwortlicher',
    fr: 'Responsable du traitement',
    es: 'Responsable del tratamiento',
  },
  dpo_contact: {
    en: 'Data protection officer or other contact point',
    de: 'Datenschutzbeauftragter oder sonstige Anlaufstelle',
    fr: 'Délégué à la protection des données ou autre point de contact',
    es: 'Delegado de protección de datos u otro punto de contacto',
  },
  contact_person: {
    en: 'Contact for further information',
    de: 'Ansprechpartner für weitere Informationen',
    fr: 'Contact pour plus d’informations',
    es: 'Contacto para más información',
  },
  nature: {
    en: 'Nature of the breach',
    de: 'Art der Verletzung',
    fr: 'Nature de la violation',
    es: 'Naturaleza de la violación',
  },
  dates: {
    en: 'Dates of the breach and of its discovery',
    de: 'Zeitpunkt der Verletzung und ihrer Entdeckung',
    fr: 'Dates de la violation et de sa découverte',
    es: 'Fechas de la violación y de su descubrimiento',
  },
  data_subject_categories: {
    en: 'Categories of people concerned',
    de: 'Kategorien betroffener Personen',
    fr: 'Catégories de personnes concernées',
    es: 'Categorías de interesados',
  },
  people_count: {
    en: 'Number of people concerned',
    de: 'Ungefähre Zahl der betroffenen Personen',
    fr: 'Nombre approximatif de personnes concernées',
    es: 'Número aproximado de interesados',
  },
  data_categories: {
    en: 'Categories of personal data',
    de: 'Kategorien personenbezogener Daten',
    fr: 'Catégories de données à caractère personnel',
    es: 'Categorías de datos personales',
  },
  record_count: {
    en: 'Approximate number of records concerned',
    de: 'Ungefähre Zahl der betroffenen Datensätze',
    fr: 'Nombre approximatif d’enregistrements concernés',
    es: 'Número aproximado de registros afectados',
  },
  likely_consequences: {
    en: 'Likely consequences',
    de: 'Wahrscheinliche Folgen',
    fr: 'Conséquences probables',
    es: 'Consecuencias probables',
  },
  measures: {
    en: 'Measures taken or proposed',
    de: 'Ergriffene oder vorgeschlagene Maßnahmen',
    fr: 'Mesures prises ou envisagées',
    es: 'Medidas adoptadas o propuestas',
  },
  delay_reasons: {
    en: 'Reasons for the delay',
    de: 'Gründe für die Verzögerung',
    fr: 'Motifs du retard',
    es: 'Motivos de la dilación',
  },
  individual_notice: {
    en: 'Notice to the individuals: when',
    de: 'Benachrichtigung der Betroffenen: Zeitpunkt',
    fr: 'Communication aux personnes concernées : date',
    es: 'Comunicación a los interesados: fecha',
  },
  distribution: {
    en: 'Notice to the individuals: how, and to how many',
    de: 'Benachrichtigung der Betroffenen: Weg und Anzahl',
    fr: 'Communication aux personnes concernées : moyen et nombre',
    es: 'Comunicación a los interesados: medio y número',
  },
  notice_copy: {
    en: 'Copy of the notice to the individuals',
    de: 'Kopie der Benachrichtigung der Betroffenen',
    fr: 'Copie de la communication aux personnes concernées',
    es: 'Copia de la comunicación a los interesados',
  },
  services_offered: {
    en: 'Services offered without charge, and how to use them',
    de: 'Kostenlos angebotene Leistungen und ihre Nutzung',
    fr: 'Services offerts gratuitement et leur utilisation',
    es: 'Servicios ofrecidos gratuitamente y cómo usarlos',
  },
  breach_type: {
    en: 'Type of breach',
    de: 'Art des Vorfalls',
    fr: 'Type de violation',
    es: 'Tipo de violación',
  },
  breach_location: {
    en: 'Location of the breached information',
    de: 'Ort der betroffenen Informationen',
    fr: 'Emplacement des informations concernées',
    es: 'Ubicación de la información afectada',
  },
  safeguards: {
    en: 'Safeguards in place before the breach',
    de: 'Vor der Verletzung bestehende Schutzmaßnahmen',
    fr: 'Mesures de sécurité en place avant la violation',
    es: 'Salvaguardias existentes antes de la violación',
  },
  individual_steps: {
    en: 'Steps individuals should take to protect themselves',
    de: 'Was Betroffene zu ihrem Schutz tun sollten',
    fr: 'Mesures que les personnes devraient prendre pour se protéger',
    es: 'Medidas que los interesados deberían tomar para protegerse',
  },
  supplement_reason: {
    en: 'What this supplement adds or corrects',
    de: 'Was diese Nachmeldung ergänzt oder berichtigt',
    fr: 'Ce que ce complément ajoute ou corrige',
    es: 'Qué añade o corrige esta información complementaria',
  },
};

/** The required elements of a packet still empty: approval waits for them. */
export function missingRequired(elements: readonly PacketElement[]): PacketElement[] {
  return elements.filter((e) => e.required && e.value.trim() === '');
}
