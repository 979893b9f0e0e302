import type { AuthorityContact } from '../domain/content-parts';
import type { Audience } from '../domain/model';
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
 * - `determination`: a written determination that harm is not likely, where a statute makes telling
 *   the authority the condition of relying on it (Alaska, Florida, New York, Vermont).
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
  /** How many of the people were sent their notice by mail or another direct means (Texas). */
  'people_notified',
  /** What is still to be done about the breach after this filing (Texas). */
  'measures_planned',
  /** Whether law enforcement is investigating (Texas). */
  'law_enforcement',
  /** A determination the filing reports (no likelihood of harm) and the reasons and facts for it. */
  'determination',
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
  'determination',
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
  /** Whom the obligation is to: a regulator, the consumer reporting agencies or the media. */
  audience: Audience;
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

/** Elements that all rest on one citation, each `[key, source]` or `[key, source, required]`. */
const under = (
  citation: string,
  rows: readonly (readonly [PacketElementKey, PacketElementSource, boolean?])[],
): PacketElementSpec[] => rows.map(([key, source, required]) => el(key, citation, source, required));

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
  return under(`${citation} (HHS breach portal form)`, [
    ['controller', 'incident'],
    ['contact_person', 'incident'],
    ['dates', 'incident'],
    ['breach_type', 'compliance'],
    ['breach_location', 'compliance'],
    ['people_count', 'computed'],
    ['data_categories', 'computed'],
    ['nature', 'incident'],
    ['safeguards', 'compliance'],
    ['individual_notice', 'computed'],
    ['measures', 'incident'],
  ]);
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
  return under(citation, [
    ['controller', 'incident'],
    ['nature', 'incident'],
    ['dates', 'incident'],
    ['people_count', 'computed'],
    ['data_categories', 'computed'],
    ['individual_notice', 'computed'],
    ['distribution', 'computed'],
    ['notice_copy', 'computed'],
    ['measures', 'incident'],
    ['services_offered', 'compliance', false],
    ['contact_person', 'incident'],
  ]);
}

/** Cal. Civ. Code § 1798.82(f): "a single sample copy of that security breach notification". */
function california(citation: string): PacketElementSpec[] {
  return [
    el('notice_copy', citation, 'computed'),
    ...under(`${citation} (the Attorney General's submission form)`, [
      ['controller', 'incident'],
      ['people_count', 'computed', false],
      ['dates', 'incident', false],
      ['individual_notice', 'computed', false],
      ['data_categories', 'computed', false],
      ['contact_person', 'incident', false],
    ]),
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

/**
 * "Report the breach of security and any information pertaining to the breach" (N.J.S.A.
 * 56:8-163(c)(1)); the NJCCIC, which takes the reports for the State Police, asks for how the breach
 * occurred, how many New Jersey residents are affected and a sample notification letter.
 */
function statePolice(citation: string): PacketElementSpec[] {
  const njccic = `${citation} (what the NJCCIC asks for)`;
  return [
    el('controller', citation, 'incident'),
    el('nature', njccic, 'incident'),
    el('dates', citation, 'incident'),
    el('people_count', njccic, 'computed'),
    el('notice_copy', njccic, 'computed', false),
    el('data_categories', citation, 'computed'),
    el('measures', citation, 'incident', false),
    el('contact_person', citation, 'incident'),
  ];
}

/** Tex. Bus. & Com. Code § 521.053(i)(1)–(6), as amended by SB 768 (2023). */
const TEXAS: PacketElementSpec[] = [
  el('controller', 'Tex. Bus. & Com. Code § 521.053(i)', 'incident'),
  el('nature', 'Tex. Bus. & Com. Code § 521.053(i)(1)', 'incident'),
  el('dates', 'Tex. Bus. & Com. Code § 521.053(i)(1)', 'incident', false),
  el('data_categories', 'Tex. Bus. & Com. Code § 521.053(i)(1)', 'computed'),
  el('people_count', 'Tex. Bus. & Com. Code § 521.053(i)(2)', 'computed'),
  el('people_notified', 'Tex. Bus. & Com. Code § 521.053(i)(3)', 'computed'),
  el('measures', 'Tex. Bus. & Com. Code § 521.053(i)(4)', 'incident'),
  el('measures_planned', 'Tex. Bus. & Com. Code § 521.053(i)(5)', 'compliance'),
  el('law_enforcement', 'Tex. Bus. & Com. Code § 521.053(i)(6)', 'compliance'),
  el('contact_person', 'Tex. Bus. & Com. Code § 521.053(i)', 'incident'),
];

/** N.Y. Gen. Bus. Law § 899-aa(8)(a): "the timing, content and distribution of the notices and approximate number of affected persons". */
function newYork(citation: string): PacketElementSpec[] {
  return [
    el('controller', citation, 'incident'),
    el('individual_notice', `${citation} (timing)`, 'computed'),
    el('notice_copy', `${citation} (content)`, 'computed'),
    el('distribution', `${citation} (distribution)`, 'computed'),
    el('people_count', `${citation} (approximate number of affected persons)`, 'computed'),
    el('nature', citation, 'incident', false),
    el('contact_person', citation, 'incident'),
  ];
}

/** Ala. Code § 8-38-6(b)(1)–(4); (c): supplemental or updated information at any time. */
const ALABAMA: PacketElementSpec[] = [
  el('controller', 'Ala. Code § 8-38-6(a)', 'incident'),
  el('nature', 'Ala. Code § 8-38-6(b)(1)', 'incident'),
  el('people_count', 'Ala. Code § 8-38-6(b)(2)', 'computed'),
  el('services_offered', 'Ala. Code § 8-38-6(b)(3)', 'compliance'),
  el('contact_person', 'Ala. Code § 8-38-6(b)(4)', 'incident'),
];

/** A written determination that harm is not likely, told to the authority (the rule's citation). */
function determination(citation: string): PacketElementSpec[] {
  return under(citation, [
    ['controller', 'incident'],
    ['determination', 'computed'],
    ['nature', 'incident'],
    ['dates', 'incident'],
    ['people_count', 'computed'],
    ['data_categories', 'computed'],
    ['measures', 'incident', false],
    ['contact_person', 'incident'],
  ]);
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
  return under(citation, [
    ['controller', 'incident'],
    ['nature', 'incident'],
    ['dates', 'incident'],
    ['people_count', 'computed'],
    ['data_categories', 'computed'],
    ['likely_consequences', 'computed', false],
    ['measures', 'incident'],
    ['contact_person', 'incident'],
  ]);
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
export function packetFamily(
  rule: Pick<Rule, 'id' | 'regime' | 'audience' | 'jurisdiction' | 'onlyWhen'>,
): PacketFamily {
  if (rule.audience === 'consumer_reporting_agencies') return 'credit_bureaus';
  if (typeof rule.onlyWhen === 'object') return 'determination';
  if (rule.regime === 'GDPR') return 'gdpr';
  if (rule.regime === 'UK GDPR') return 'uk_gdpr';
  if (rule.id === 'US-HIPAA.regulator' || rule.id === 'US-HIPAA.regulator.annual-log') return 'hhs';
  if (rule.id === 'US-HIPAA.media') return 'hipaa_media';
  if (rule.id === 'US-NJ.regulator') return 'us_state_police';
  if (/^US-[A-Z]{2}$/.test(rule.jurisdiction) && rule.audience === 'regulator') return 'us_state_ag';
  return 'general';
}

/** A packet in English: how every family but GDPR's is written. */
const english = (
  family: PacketFamily,
  elements: PacketElementSpec[],
  uncertain: string | null,
  phasing: PacketSpec['phasing'] = null,
): PacketSpec => ({ family, elements, language: 'en', phasing, uncertain });

/** The states whose attorney general's packet their statute words itself; others take `stateAg`. */
const STATE_AG: Readonly<Record<string, (citation: string) => PacketSpec>> = {
  'US-CA': (citation) =>
    english(
      'us_state_ag',
      california(citation),
      'The statute asks only for a single sample copy of the notice, without personal information, submitted electronically (checked against oag.ca.gov); the form takes the sample as a PDF and asks for the dates of the breach, its discovery and the notice, and the type of information — optional here.',
    ),
  'US-TX': () =>
    english(
      'us_state_ag',
      TEXAS,
      'Elements (1)–(6) checked against the text of SB 768 (2023) amending § 521.053(i); the report must be made on the Attorney General\'s electronic form.',
    ),
  'US-NY': (citation) =>
    english(
      'us_state_ag',
      newYork(citation),
      'The wording of § 899-aa(8)(a) as we read it; not checked against the official text in this session. The Attorney General, the Department of State and the State Police each take a copy (the Attorney General\'s online form reaches all three, as we understand it).',
    ),
  'US-AL': () => english('us_state_ag', ALABAMA, null, { citation: 'Ala. Code § 8-38-6(c)' }),
  'US-FL': () =>
    english(
      'us_state_ag',
      FLORIDA,
      'The content (a synopsis of the events, the number of Florida residents, services offered, a copy of the notice, a contact) checked against secondary summaries only; the paragraph numbers of § 501.171(3)(b) are as we read the statute, not checked against the official text. A police report, incident or forensics report and policies are provided on the Department\'s request ((3)(c)).',
    ),
  'US-MD': () =>
    english(
      'us_state_ag',
      MARYLAND,
      'The minimum content (number of Maryland residents; a description incl. when and how it occurred; steps taken or planned; the form of notice and a sample) is checked against a law firm\'s summary and the Attorney General\'s page (in force since 1 October 2022), not the official text; the numbering (h)(2)(i)–(iv) is as we read it.',
    ),
};

/** Which elements a rule's packet has, in which language, and whether it may be phased. */
export function packetSpecFor(rule: Rule): PacketSpec {
  const family = packetFamily(rule);
  switch (family) {
    case 'gdpr': {
      const lang = AUTHORITY_LANGUAGE[rule.jurisdiction];
      return {
        family,
        elements: art33('GDPR'),
        language: lang?.language ?? 'en',
        phasing: GDPR_PHASING('GDPR'),
        uncertain: lang
          ? `Written in ${lang.language} because ${lang.citation}; GDPR itself names no language. National forms may ask for more (check the authority's form).`
          : "GDPR names no language for a notification; English is used unless the authority asks otherwise. National forms may ask for more (check the authority's form).",
      };
    }
    case 'uk_gdpr':
      return english(
        family,
        art33('UK GDPR'),
        "The ICO's online form asks for more than Art. 33(3) (e.g. cyber incident details); check the form.",
        GDPR_PHASING('UK GDPR'),
      );
    case 'hhs':
      return english(
        family,
        hhs(rule.citation),
        'The fields are those of the OCR breach portal form (covered entity and contact, breach dates, type and location, description, safeguards in place before, notices given, actions taken) as published by OCR, not words of the regulation; check the portal before filing.',
        // HHS's instructions: more information found later is filed as an addendum to the report.
        { citation: `${rule.citation} (HHS breach portal: addendum to a previous report)` },
      );
    case 'hipaa_media':
      return english(family, HIPAA_MEDIA, null);
    case 'us_state_police':
      return english(
        family,
        statePolice(rule.citation),
        'The statute asks for "any information pertaining to the breach" without a list; the NJCCIC (cyber.nj.gov/data-breach-notifications), which processes the reports for the State Police, asks for how it occurred, the number of New Jersey residents and a sample letter, by email to databreach@cyber.nj.gov. Check that page before filing.',
      );
    case 'determination':
      return english(
        family,
        determination(rule.citation),
        'The statute asks for the written determination (and, in Vermont, a detailed explanation); the other elements give the authority the context. Check the statute for what else it asks.',
      );
    case 'credit_bureaus':
      return english(
        family,
        creditBureaus(rule.citation),
        'The common statutory formula is "the timing, distribution, and content of the notices"; a few states word it differently. Check the rule\'s own section.',
      );
    case 'us_state_ag':
      return (
        STATE_AG[rule.jurisdiction]?.(rule.citation) ??
        english(
          family,
          stateAg(rule.citation),
          "The statute asks for notice to the authority; the elements are those most state forms ask for (residents affected, a copy of the consumer notice, its timing and method). Check the state's form.",
        )
      );
    case 'general':
      return english(
        family,
        general(rule.citation),
        `The content ${rule.regime} asks for is not encoded element by element; this is a general set. Check the authority's form.`,
      );
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
  const known = KNOWN_EMAILS[rule.id];
  if (known) return by('email', known.address, known.source);
  const portal = PORTALS[rule.id];
  if (portal) return by('portal', portal, 'the authority’s reporting portal');
  if (authority?.postalAddress) return by('post', authority.postalAddress, 'the rule');
  return by('portal', authority?.website ?? null, 'the authority’s website: find its reporting form there');
}

/** Addresses an authority publishes for filings, by rule (FILING_EMAILS overrides them). */
const KNOWN_EMAILS: Readonly<Record<string, { address: string; source: string }>> = {
  'US-NJ.regulator': {
    address: 'databreach@cyber.nj.gov',
    source: 'the NJCCIC’s page for the State Police (cyber.nj.gov/data-breach-notifications)',
  },
};

/** Reporting portals we know of, by rule. */
const PORTALS: Readonly<Record<string, string>> = {
  'US-HIPAA.regulator': 'https://ocrportal.hhs.gov/ocr/breach',
  'US-HIPAA.regulator.annual-log': 'https://ocrportal.hhs.gov/ocr/breach',
  'US-CA.regulator': 'https://oag.ca.gov/privacy/databreach/report-a-breach',
  'US-CA.regulator.pre-2026': 'https://oag.ca.gov/privacy/databreach/report-a-breach',
  'US-TX.regulator': 'https://www.texasattorneygeneral.gov/consumer-protection/data-breach-reporting',
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
  people_notified: {
    en: 'People sent their notice by mail or other direct means',
    de: 'Direkt (per Post o. Ä.) benachrichtigte Personen',
    fr: 'Personnes informées par courrier ou autre moyen direct',
    es: 'Personas notificadas por correo u otro medio directo',
  },
  measures_planned: {
    en: 'Measures still to be taken',
    de: 'Noch geplante Maßnahmen',
    fr: 'Mesures encore prévues',
    es: 'Medidas aún previstas',
  },
  law_enforcement: {
    en: 'Law enforcement investigation',
    de: 'Ermittlungen der Strafverfolgungsbehörden',
    fr: 'Enquête des autorités répressives',
    es: 'Investigación policial',
  },
  determination: {
    en: 'Determination and its reasons',
    de: 'Feststellung und ihre Gründe',
    fr: 'Constatation et ses motifs',
    es: 'Determinación y sus motivos',
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
