import type { Config } from '../config';
import * as affected from '../db/affected';
import * as audit from '../db/audit';
import * as determinations from '../db/determinations';
import type { Recipient } from '../db/affected';
import type { Determination } from '../db/determinations';
import * as filings from '../db/filings';
import type { Filing } from '../db/filings';
import * as incidents from '../db/incidents';
import type { Incident } from '../db/incidents';
import * as notices from '../db/notices';
import type { Notice, NoticeContent } from '../db/notices';
import * as obligations from '../db/obligations';
import type { Obligation } from '../db/obligations';
import * as packetsDb from '../db/packets';
import { noticeInputBuilder, withholdPageLink } from '../delivery';
import { packetPdf } from '../letters/packet-pdf';
import { renderIndividualNotice } from '../mail/render';
import type { Pool, Queryable } from '../db/pool';
import { inTransaction } from '../db/pool';
import type { DataCategory } from '../domain/categories';
import {
  ConflictError,
  ForbiddenError,
  IncidentNotFoundError,
  NotFoundError,
  ValidationError,
} from '../errors';
import { GDPR_STATES, RULES, groupsCountedBy, jurisdictionTimeZone } from '../law';
import type { Rule } from '../law';
import {
  PACKET_ELEMENT_KEYS,
  elementLabel,
  missingRequired,
  packetSpecFor,
  submissionFor,
} from '../law/packets';
import type { PacketContent, PacketElement, PacketElementKey, PacketKind } from '../law/packets';
import { ADVICE_TOPICS, ADVICE_TOPIC_FOR, interpolate } from '../mail/i18n';
import type { LanguageCatalog } from '../mail/i18n';
import { formatDate, formatDateTime, formatNumber } from '../mail/intl-format';
import { packetReference, renderFilingPacket } from '../mail/packets';
import type { TemplateCache } from '../mail/template-cache';
import type { RenderedParts } from '../mail/templates';
import { DEFAULT_WHAT_WE_ARE_DOING, applyDecisionIn, contentHash, recordDecisionIn } from './notices';
import type { AppliedDecision } from './notices';
import type { Actor } from './types';

/**
 * Filing packets (issue 15 item 1): what Forthright files with each authority other than the
 * individuals — a supervisory authority, an attorney general, HHS, the credit bureaus, the media, the
 * State Police — drafted from the incident with exactly the elements that law asks for
 * (core/law/packets.ts), each with its citation. A packet is a notice (audience `filing_packet`,
 * subject `<ruleId>@<jurisdiction>#<sequence>`), drafted from a template snapshot and approved
 * four-eyes through the same machinery as the customers' notice (core/use-cases/notices.ts
 * `recordDecisionIn`/`applyDecisionIn`), bound to its content hash — one way to approve a text.
 *
 * Values come from the incident, from the data (counts, categories, the individuals' notice) or from
 * compliance; a required element left empty holds approval back. A revision is a new version its
 * reviser may not approve. After the filing, a supplement (sequence 2, 3, …) adds to or corrects
 * it (GDPR Art. 33(4)). Proof of filing is core/use-cases/filings.ts.
 */

export interface PacketDeps {
  pool: Pool;
  templates: TemplateCache;
  config: Readonly<Config>;
}

/** A notice that is a filing packet: audience `filing_packet`, with its packet content. */
export type PacketNotice = Notice & {
  audience: 'filing_packet';
  content: NoticeContent & { packet: PacketContent };
};

/** Narrows a notice to a packet; null for any other notice. */
export function asPacket(notice: Notice | null | undefined): PacketNotice | null {
  return notice?.audience === 'filing_packet' && notice.content.packet ? (notice as PacketNotice) : null;
}

/** Which packet: one obligation's filing (sequence 1) or a supplement (2, 3, …). */
export interface PacketKey {
  incidentId: string;
  ruleId: string;
  jurisdiction: string;
  sequence: number;
}

/** A packet's notices.subject: `<ruleId>@<jurisdiction>#<sequence>`. */
export function packetSubject(key: Omit<PacketKey, 'incidentId'>): string {
  return `${key.ruleId}@${key.jurisdiction}#${key.sequence}`;
}

/** `packetSubject` read back; null for a subject that is not a packet's. */
export function parsePacketSubject(subject: string): Omit<PacketKey, 'incidentId'> | null {
  const match = /^(.+)@([^@#]+)#(\d+)$/.exec(subject);
  if (!match) return null;
  return { ruleId: match[1]!, jurisdiction: match[2]!, sequence: Number(match[3]) };
}

/** The approved version of a packet (the newest, should there be several), or null while none is. */
export async function approvedPacket(db: Queryable, key: PacketKey): Promise<PacketNotice | null> {
  const versions = await notices.listForIncident(db, key.incidentId, 'filing_packet', packetSubject(key));
  return asPacket(versions.find((n) => n.status === 'approved'));
}

/** Every version of one packet subject, newest first. */
async function versionsOf(db: Queryable, incidentId: string, subject: string): Promise<PacketNotice[]> {
  return (await notices.listForIncident(db, incidentId, 'filing_packet', subject)).flatMap(
    (n) => asPacket(n) ?? [],
  );
}

/**
 * The packet as an email to the authority — {subject, text, html} — rendered from the snapshot it
 * was drafted with, in its language: the same approved packet always renders the same message.
 */
export async function renderPacketMail(
  deps: { templates: TemplateCache },
  packet: Notice,
): Promise<RenderedParts> {
  if (packet.audience !== 'filing_packet')
    throw new ConflictError(`Notice ${packet.id} is not a filing packet`);
  return renderFilingPacket(await deps.templates.get(packet.templateVersion), packet);
}

const rulesById = new Map<string, Rule>(RULES.map((r) => [r.id, r]));

/** The rule an obligation rests on; an obligation of a rule no longer encoded gets a bare one. */
function ruleOf(o: Pick<Obligation, 'ruleId' | 'jurisdiction' | 'audience' | 'regime' | 'citation'>): Rule {
  return (
    rulesById.get(o.ruleId) ?? {
      id: o.ruleId,
      jurisdiction: o.jurisdiction,
      regime: o.regime,
      audience: o.audience,
      triggers: 'any_personal_data',
      deadline: { kind: 'without_unreasonable_delay', from: 'discovery' },
      safeHarbour: 'none',
      requiredContent: [],
      citation: o.citation,
      timeZone: 'UTC',
    }
  );
}

/** The frame words of computed values, in a packet's language. */
const WORDS: Record<
  string,
  Record<
    | 'discovered'
    | 'occurred'
    | 'unknown'
    | 'customers'
    | 'notified'
    | 'planned'
    | 'email'
    | 'letter'
    | 'both'
    | 'none'
    | 'unplanned'
    | 'phone'
    | 'copyOf',
    string
  >
> = {
  en: {
    discovered: 'Discovered',
    occurred: 'Occurred',
    unknown: 'not yet established',
    customers: 'Customers',
    notified: 'Notified from',
    planned: 'Planned for on or about',
    email: 'by email',
    letter: 'by letter',
    both: 'by email and letter',
    none: 'by substitute notice (no individual channel)',
    unplanned: 'channel not yet planned',
    phone: 'Phone',
    copyOf: 'Notice version',
  },
  de: {
    discovered: 'Entdeckt',
    occurred: 'Eingetreten',
    unknown: 'noch nicht festgestellt',
    customers: 'Kunden',
    notified: 'Benachrichtigt ab',
    planned: 'Geplant für etwa',
    email: 'per E-Mail',
    letter: 'per Brief',
    both: 'per E-Mail und Brief',
    none: 'durch öffentliche Bekanntmachung (kein individueller Weg)',
    unplanned: 'Weg noch nicht geplant',
    phone: 'Telefon',
    copyOf: 'Benachrichtigung, Fassung',
  },
  fr: {
    discovered: 'Découverte',
    occurred: 'Survenue',
    unknown: 'pas encore établi',
    customers: 'Clients',
    notified: 'Informées à partir du',
    planned: 'Prévue vers le',
    email: 'par courriel',
    letter: 'par courrier',
    both: 'par courriel et courrier',
    none: 'par communication publique (aucun moyen individuel)',
    unplanned: 'moyen pas encore planifié',
    phone: 'Téléphone',
    copyOf: 'Communication, version',
  },
  es: {
    discovered: 'Descubierta',
    occurred: 'Ocurrida',
    unknown: 'aún no determinado',
    customers: 'Clientes',
    notified: 'Notificados desde',
    planned: 'Prevista para el',
    email: 'por correo electrónico',
    letter: 'por carta',
    both: 'por correo electrónico y carta',
    none: 'por comunicación pública (sin medio individual)',
    unplanned: 'medio aún no planificado',
    phone: 'Teléfono',
    copyOf: 'Comunicación, versión',
  },
};
const wordsFor = (language: string) => WORDS[language] ?? WORDS.en!;

/** What is read of an incident once, however many packets are drafted from it. */
interface IncidentReads {
  incident: Incident;
  groups: affected.AffectedGroupRow[];
  byJurisdiction: packetsDb.JurisdictionCounts[];
  individualsNotice: Notice | null;
  current: Obligation[];
  decided: Determination[];
  /** Rendered samples of the customers' notice, by jurisdiction and categories. */
  samples: Map<string, Promise<string>>;
}

async function readIncident(db: Queryable, incident: Incident): Promise<IncidentReads> {
  const [groups, byJurisdiction, individuals, current, decided] = await Promise.all([
    affected.groupsByJurisdiction(db, incident.id),
    packetsDb.countsByJurisdiction(db, incident.id),
    notices.listForIncident(db, incident.id),
    obligations.current(db, incident.id),
    determinations.listForIncident(db, incident.id),
  ]);
  return {
    incident,
    groups,
    byJurisdiction,
    individualsNotice: individuals.find((n) => n.status === 'approved') ?? null,
    current,
    decided,
    samples: new Map(),
  };
}

/** Counts and the notices' distribution summed over the jurisdictions a statute counts (null: all). */
type Sums = Omit<packetsDb.JurisdictionCounts, 'jurisdiction' | 'people'>;

function sumOver(rows: readonly packetsDb.JurisdictionCounts[], where: readonly string[] | null): Sums {
  const sums: Sums = {
    records: 0,
    byChannel: {},
    notifiedDirectly: 0,
    emailsSent: 0,
    firstEmailAt: null,
    lettersPosted: 0,
    firstLetterOn: null,
  };
  for (const r of rows) {
    if (where && !where.includes(r.jurisdiction)) continue;
    sums.records += r.records;
    sums.notifiedDirectly += r.notifiedDirectly;
    sums.emailsSent += r.emailsSent;
    sums.lettersPosted += r.lettersPosted;
    for (const [channel, n] of Object.entries(r.byChannel))
      sums.byChannel[channel] = (sums.byChannel[channel] ?? 0) + n;
    if (r.firstEmailAt && (!sums.firstEmailAt || r.firstEmailAt < sums.firstEmailAt))
      sums.firstEmailAt = r.firstEmailAt;
    if (r.firstLetterOn && (!sums.firstLetterOn || r.firstLetterOn < sums.firstLetterOn))
      sums.firstLetterOn = r.firstLetterOn;
  }
  return sums;
}

/** What a packet's computed values are made from. */
interface DraftFacts {
  incident: Incident;
  obligation: Obligation;
  rule: Rule;
  counts: { people: number; records: number };
  categories: DataCategory[];
  distribution: Sums;
  /** The approved individuals' notice, if any. */
  individualsNotice: Notice | null;
  /** Earliest due time of the individuals' obligations in the same jurisdiction (the planned notice). */
  plannedNoticeAt: Date | null;
  /** The approved determination a follow-on duty reports (`onlyWhen: { determination }`), if any. */
  determination: Determination | null;
  /** The approved individuals' notice as this jurisdiction's residents read it, without any person. */
  noticeSample: string | null;
}

/**
 * The approved individuals' notice as the residents of `jurisdiction` whose `categories` were
 * exposed receive it, rendered from its own snapshot exactly as delivery does, for a placeholder
 * person: a "sample copy … excluding any personally identifiable information" (Cal. Civ. Code
 * § 1798.82(f)) and what the other statutes mean by a copy of the notice.
 */
async function noticeSample(
  deps: Pick<PacketDeps, 'templates' | 'config'>,
  notice: Notice,
  incident: Incident,
  jurisdiction: string,
  categories: DataCategory[],
): Promise<string> {
  const [country, region] = jurisdiction.split('-');
  const placeholder: Recipient = {
    customerId: 0,
    fullName: '[Name]',
    email: null,
    locale: 'en',
    country: country ?? jurisdiction,
    region: region ? jurisdiction : null,
    customerStatus: 'active',
    representativeName: null,
    representativeEmail: null,
    recipientVersion: 0,
    postalAddress: null,
    phone: null,
    electronicConsentAt: null,
    electronicConsentMethod: null,
    foundBy: 'system',
    jurisdiction,
    noticeJurisdictions: null,
    categories,
    maskedIdentifiers: {},
    referenceCode: '[REFERENCE]',
    pageSeed: null,
    pageTokenHash: null,
    remediation: null,
    deliveryId: null,
    deliveryStatus: null,
    attempts: 0,
  };
  const set = await deps.templates.get(notice.templateVersion);
  const input = noticeInputBuilder(notice, incident, deps.config)(placeholder);
  const mail = withholdPageLink(renderIndividualNotice(set, input));
  return `${mail.subject}\n\n${mail.text.trim()}`;
}

async function draftFacts(
  deps: Pick<PacketDeps, 'templates' | 'config'>,
  reads: IncidentReads,
  obligation: Obligation,
): Promise<DraftFacts> {
  const { incident, groups, current, decided, individualsNotice } = reads;
  const rule = ruleOf(obligation);
  const family = packetSpecFor(rule).family;
  // The lead supervisory authority (GDPR Art. 56) is told of every EU/EEA person, as its obligation
  // counts them (core/law assessObligations): its categories and records are theirs too.
  const leads =
    family === 'gdpr' &&
    decided.some(
      (d) =>
        d.status === 'approved' &&
        d.kind === 'lead_supervisory_authority' &&
        d.leadJurisdiction === obligation.jurisdiction,
    );
  const counted = leads
    ? groups.filter((g) => GDPR_STATES.includes(g.country))
    : rulesById.has(rule.id)
      ? groupsCountedBy(rule, obligation.jurisdiction, groups)
      : [];
  // Records and notices where the statute counts its people; everyone's where the rule is not known.
  const where = counted.length > 0 ? counted.map((g) => g.jurisdiction) : null;
  const distribution = sumOver(reads.byJurisdiction, where);
  const people = reads.byJurisdiction.reduce((n, r) => n + r.people, 0);
  const wanted = typeof rule.onlyWhen === 'object' ? rule.onlyWhen.determination : null;
  const covers = (d: Determination) =>
    (d.ruleIds.length === 0 && d.jurisdictions.length === 0) ||
    d.jurisdictions.includes(obligation.jurisdiction) ||
    d.ruleIds.some((id) => rulesById.get(id)?.jurisdiction === obligation.jurisdiction);
  const categories = [
    ...new Set((counted.length > 0 ? counted : groups).flatMap((g) => g.categories)),
  ] as DataCategory[];
  const planned = current
    .filter((o) => o.audience === 'individuals' && o.dueAt && o.status !== 'not_required')
    .filter((o) => o.jurisdiction === obligation.jurisdiction || counted.length === 0)
    .map((o) => o.dueAt!.getTime());
  // A pooled or incident-wide rule (HIPAA, SEC): the first counted jurisdiction's residents' notice.
  const sampleOf = counted[0]?.jurisdiction ?? obligation.jurisdiction;
  const sampleKey = `${sampleOf}:${categories.join(',')}`;
  if (individualsNotice && !reads.samples.has(sampleKey)) {
    reads.samples.set(sampleKey, noticeSample(deps, individualsNotice, incident, sampleOf, categories));
  }
  return {
    incident,
    obligation,
    rule,
    counts: { people, records: distribution.records },
    categories,
    distribution,
    individualsNotice,
    noticeSample: individualsNotice ? await reads.samples.get(sampleKey)! : null,
    plannedNoticeAt: planned.length > 0 ? new Date(Math.min(...planned)) : null,
    determination:
      decided.filter((d) => d.status === 'approved' && d.kind === wanted && covers(d)).at(-1) ?? null,
  };
}

/** The value an element takes from the incident and the data; '' for what compliance provides. */
function computedValue(
  key: PacketElementKey,
  facts: DraftFacts,
  config: Readonly<Config>,
  catalog: LanguageCatalog,
  language: string,
): string {
  const w = wordsFor(language);
  const zone = jurisdictionTimeZone(facts.obligation.jurisdiction) ?? 'UTC';
  const { incident, counts, distribution } = facts;
  const company = config.company;
  const num = (n: number) => formatNumber(n, language);
  const measures = facts.individualsNotice?.content.whatWeAreDoing ?? DEFAULT_WHAT_WE_ARE_DOING;
  /** The advice topics the incident's data categories touch, in ADVICE_TOPICS' order. */
  const adviceTopics = () => {
    const topics = new Set(facts.categories.map((c) => ADVICE_TOPIC_FOR[c]));
    return ADVICE_TOPICS.filter((t) => topics.has(t));
  };
  switch (key) {
    case 'controller':
      return `${company.name}\n${company.postalAddress}`;
    case 'dpo_contact':
      return company.dpoContact;
    case 'contact_person':
      return `${company.dpoContact}\n${company.postalAddress}\n${w.phone}: ${company.supportPhone}\n${company.supportEmail}`;
    case 'nature':
      return `${incident.title}\n\n${incident.description}`;
    case 'dates': {
      const on = (d: Date | null) => (d ? formatDate(d, language, zone) : null);
      // "from – to", "from –" or "– to"; unknown when neither end is recorded.
      const ends = [on(incident.occurredFrom), on(incident.occurredTo)];
      const occurred = ends.some(Boolean) ? [ends[0], '–', ends[1]].filter(Boolean).join(' ') : w.unknown;
      return `${w.discovered}: ${formatDateTime(incident.discoveredAt, language, zone)}\n${w.occurred}: ${occurred}`;
    }
    case 'data_subject_categories':
      return w.customers;
    case 'people_count':
      return num(facts.obligation.affectedCount);
    case 'record_count':
      return num(counts.records);
    case 'data_categories':
      return facts.categories.map((c) => catalog.categories[c] ?? c).join('\n');
    case 'likely_consequences':
      return adviceTopics()
        .map((t) => interpolate(catalog.risks[t] ?? '', { company: company.name, name: '' }))
        .join('\n');
    case 'individual_steps':
      return adviceTopics()
        .map((t) => interpolate(catalog.advice[t]?.self ?? '', { company: company.name, name: '' }))
        .filter(Boolean)
        .join('\n');
    case 'measures':
      return measures;
    case 'individual_notice': {
      const first = [
        distribution.firstEmailAt?.getTime(),
        distribution.firstLetterOn ? Date.parse(`${distribution.firstLetterOn}T12:00:00Z`) : undefined,
      ].filter((t): t is number => t !== undefined && !Number.isNaN(t));
      if (first.length > 0)
        return `${w.notified} ${formatDate(new Date(Math.min(...first)), language, zone)}`;
      return facts.plannedNoticeAt ? `${w.planned} ${formatDate(facts.plannedNoticeAt, language, zone)}` : '';
    }
    case 'distribution': {
      // What went out, once anything did; until then what is planned, by channel.
      if (distribution.emailsSent > 0 || distribution.lettersPosted > 0) {
        return [
          distribution.emailsSent > 0 ? `${num(distribution.emailsSent)} ${w.email}` : '',
          distribution.lettersPosted > 0 ? `${num(distribution.lettersPosted)} ${w.letter}` : '',
        ]
          .filter(Boolean)
          .join('\n');
      }
      const words: Record<string, string> = {
        email: w.email,
        letter: w.letter,
        email_and_letter: w.both,
        none: w.none,
        unplanned: w.unplanned,
      };
      return Object.entries(distribution.byChannel)
        .map(([channel, n]) => `${num(n)} ${words[channel] ?? channel}`)
        .join('\n');
    }
    case 'notice_copy': {
      const n = facts.individualsNotice;
      if (!n || facts.noticeSample === null) return '';
      return `${facts.noticeSample}\n\n(${w.copyOf} ${n.version}, sha256 ${n.contentHash.slice(0, 16)}…)`;
    }
    case 'people_notified':
      return num(distribution.notifiedDirectly);
    case 'determination': {
      const d = facts.determination;
      if (!d) return '';
      return [
        d.reason,
        ...d.facts.map((f) => `- ${f}`),
        d.decidedAt ? `(${formatDate(d.decidedAt, language, zone)})` : '',
      ]
        .filter(Boolean)
        .join('\n');
    }
    case 'delay_reasons':
    case 'measures_planned':
    case 'law_enforcement':
    case 'services_offered':
    case 'breach_type':
    case 'breach_location':
    case 'safeguards':
    case 'supplement_reason':
      return '';
  }
}

/** An element key from a caller, checked: a 400 naming `elements.<key>` otherwise. */
function elementKey(key: string): PacketElementKey {
  if (!(PACKET_ELEMENT_KEYS as readonly string[]).includes(key)) {
    throw new ValidationError(`Unknown packet element "${key}"`, `elements.${key}`);
  }
  return key as PacketElementKey;
}

/**
 * A packet's content: the rule's elements, each with the value given (a revision or a supplement),
 * else the previous version's, else computed. `refresh` recomputes the values computed from the
 * data (counts, the customers' notice, its distribution), so a packet drafted before the notice
 * was approved can quote it; what came from the incident or a person stays as the last version has it.
 */
async function packetContent(
  deps: PacketDeps,
  reads: IncidentReads,
  input: {
    obligation: Obligation;
    sequence: number;
    kind: PacketKind;
    previous: Notice | null;
    given: Partial<Record<PacketElementKey, string>>;
    phased?: boolean;
    refresh: boolean;
    templateVersion: string;
  },
): Promise<NoticeContent> {
  const facts = await draftFacts(deps, reads, input.obligation);
  const spec = packetSpecFor(facts.rule);
  const set = await deps.templates.get(input.templateVersion);
  const language = set.languages('filing-packet').includes(spec.language) ? spec.language : 'en';
  const catalog = set.catalog(language);
  const previous = input.previous?.content.packet;
  const specs =
    input.kind === 'supplement'
      ? [
          {
            key: 'supplement_reason' as const,
            citation: spec.phasing?.citation ?? facts.rule.citation,
            source: 'compliance' as const,
            required: true,
          },
          ...spec.elements,
        ]
      : spec.elements;
  for (const key of Object.keys(input.given)) {
    if (!specs.some((s) => s.key === key)) {
      throw new ValidationError(`This packet has no element "${key}"`, `elements.${key}`);
    }
  }
  const elements: PacketElement[] = specs.map((s) => {
    const given = input.given[s.key];
    const before = previous?.elements.find((e) => e.key === s.key)?.value;
    const value =
      given !== undefined
        ? given.trim()
        : before !== undefined && !(input.refresh && s.source === 'computed') && before !== ''
          ? before
          : computedValue(s.key, facts, deps.config, catalog, language);
    return { ...s, label: elementLabel(s.key, language), value };
  });
  const packet: PacketContent = {
    ruleId: input.obligation.ruleId,
    jurisdiction: input.obligation.jurisdiction,
    sequence: input.sequence,
    kind: input.kind,
    family: spec.family,
    audience: input.obligation.audience,
    regime: input.obligation.regime,
    citation: input.obligation.citation,
    authority: facts.rule.authority ?? { name: input.obligation.regime },
    submission: submissionFor(facts.rule, deps.config.filing.emails),
    language,
    counts: {
      statute: input.obligation.affectedCount,
      people: facts.counts.people,
      records: facts.counts.records,
    },
    phased: spec.phasing ? (input.phased ?? previous?.phased ?? false) : false,
    phasing: spec.phasing?.citation ?? null,
    elements,
    uncertain: [spec.uncertain, input.obligation.uncertain].filter(Boolean).join(' ') || null,
  };
  const { name, postalAddress, supportEmail, supportPhone, dpoContact } = deps.config.company;
  return {
    title: `${packet.authority.name} — ${reads.incident.title}`,
    whatHappened: elements.find((e) => e.key === 'nature')?.value ?? reads.incident.description,
    whatWeAreDoing: elements.find((e) => e.key === 'measures')?.value ?? DEFAULT_WHAT_WE_ARE_DOING,
    company: { name, postalAddress, supportEmail, supportPhone, dpoContact },
    packet,
  };
}

/** Writes a packet version and its audit entry in one transaction. */
async function saveDraft(
  deps: PacketDeps,
  input: {
    incidentId: string;
    subject: string;
    content: NoticeContent;
    templateVersion: string;
    afterVersion: number;
    actorId: string | null;
    action: 'filing_packet_drafted' | 'filing_packet_revised' | 'filing_supplement_drafted';
    detail?: Record<string, unknown>;
  },
): Promise<PacketNotice> {
  return inTransaction(deps.pool, async (tx) => {
    const notice = await notices.draft(tx, input.incidentId, {
      audience: 'filing_packet',
      subject: input.subject,
      content: input.content,
      templateVersion: input.templateVersion,
      contentHash: contentHash(input.templateVersion, input.content),
      afterVersion: input.afterVersion,
      revisedBy: input.actorId,
    });
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: input.actorId ?? 'system',
      action: input.action,
      detail: {
        noticeId: notice.id,
        subject: input.subject,
        version: notice.version,
        templateVersion: input.templateVersion,
        contentHash: notice.contentHash,
        ...input.detail,
      },
      dedupeKey: `${input.action}:${notice.id}`,
    });
    return notice as PacketNotice;
  });
}

/** The obligations a packet is filed for: everyone's but the individuals', still to be met. */
const needsPacket = (o: Obligation) =>
  o.audience !== 'individuals' && (o.status === 'pending' || o.status === 'overdue');

/**
 * Drafts a packet for every current obligation other than the individuals' that is pending or
 * overdue and has none yet (the workflow's activity `draftFilingPackets`, after the assessment; the
 * API after a re-assessment or a determination), and drafts again a system draft nobody has
 * touched whose values the data has changed. Idempotent: retried, it drafts nothing twice — equal
 * content makes no version, and two racing calls meet on the unique (incident, audience, subject,
 * version). Returns the number of packets drafted for the first time.
 */
export async function draftMissingPackets(
  deps: PacketDeps,
  incidentId: string,
): Promise<{ drafted: number }> {
  const incident = await incidents.get(deps.pool, incidentId);
  if (!incident) throw new IncidentNotFoundError(incidentId);
  const [reads, existing] = await Promise.all([
    readIncident(deps.pool, incident),
    notices.listForIncident(deps.pool, incidentId, 'filing_packet'),
  ]);
  // Newest first within each subject: the first seen is the latest version.
  const latest = new Map<string, Notice>();
  for (const n of existing) if (!latest.has(n.subject)) latest.set(n.subject, n);
  const open = reads.current.filter(needsPacket);
  if (open.length === 0) return { drafted: 0 };
  const { version: templateVersion } = await deps.templates.snapshotCurrent();
  let drafted = 0;
  for (const obligation of open) {
    const subject = packetSubject({ ...obligation, sequence: 1 });
    const before = latest.get(subject);
    // A filing nobody has touched yet follows the data (a re-assessment's counts, a lead authority,
    // the customers' notice approved): drafted again, but a new version only when a value changed,
    // so a retry changes nothing. One a person revised or decided on stays as it is.
    if (before && !(before.status === 'pending_approval' && before.revisedBy === null)) continue;
    const content = await packetContent(deps, reads, {
      obligation,
      sequence: 1,
      kind: 'filing',
      previous: null,
      given: {},
      refresh: true,
      templateVersion,
    });
    if (before && canonical(before.content) === canonical(content)) continue;
    const notice = await saveDraft(deps, {
      incidentId,
      subject,
      content,
      templateVersion,
      afterVersion: before?.version ?? 0,
      actorId: null,
      action: 'filing_packet_drafted',
      detail: {
        obligationId: obligation.id,
        ruleId: obligation.ruleId,
        jurisdiction: obligation.jurisdiction,
        ...(before ? { redraftOf: before.id } : {}),
      },
    });
    // A call racing this one may have drafted the same subject: counted by both, stored once.
    if (!before && notice.version === 1) drafted++;
  }
  return { drafted };
}

/** JSON with sorted keys: content read back from jsonb compared with content just built. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/** A packet version of the incident, or NotFoundError. */
async function packetOf(db: Queryable, incidentId: string, packetId: string): Promise<PacketNotice> {
  if (!(await incidents.get(db, incidentId))) throw new IncidentNotFoundError(incidentId);
  const notice = asPacket(await notices.get(db, packetId));
  if (!notice || notice.incidentId !== incidentId) {
    throw new NotFoundError(`No filing packet ${packetId} in this incident`);
  }
  return notice;
}

/** The obligation a packet belongs to now (a re-assessment replaces obligation rows, not keys). */
async function obligationOfPacket(db: Queryable, packet: Notice): Promise<Obligation> {
  const key = parsePacketSubject(packet.subject);
  const obligation = (await obligations.current(db, packet.incidentId)).find(
    (o) => o.ruleId === key?.ruleId && o.jurisdiction === key.jurisdiction,
  );
  if (!obligation) {
    throw new ConflictError('The obligation this packet was drafted for is no longer part of the incident');
  }
  return obligation;
}

/** What an officer or compliance user changes in a packet. */
export interface PacketRevision {
  incidentId: string;
  packetId: string;
  /** Element key → its new value ('' empties it). */
  elements?: Record<string, string>;
  /** GDPR Art. 33(4): more information will follow. */
  phased?: boolean;
  /** Recompute the values the data gives (counts, the customers' notice and its distribution) where not given. */
  refresh?: boolean;
}

/**
 * Fills in or changes a packet's elements: a new version (after the newest of its subject), which
 * its reviser may not approve. A filed packet is not changed: a supplement adds to it.
 */
export async function revisePacket(
  deps: PacketDeps,
  actor: Actor,
  input: PacketRevision,
): Promise<PacketNotice> {
  const packet = await packetOf(deps.pool, input.incidentId, input.packetId);
  const key = parsePacketSubject(packet.subject)!;
  if ((await filedFor(deps.pool, { incidentId: input.incidentId, ...key })) !== null) {
    throw new ConflictError('This packet is filed: add to or correct it with a supplement');
  }
  const given: Partial<Record<PacketElementKey, string>> = {};
  for (const [k, v] of Object.entries(input.elements ?? {})) given[elementKey(k)] = v;
  const latest = (await versionsOf(deps.pool, input.incidentId, packet.subject))[0]!;
  const incident = (await incidents.get(deps.pool, input.incidentId))!;
  const obligation = await obligationOfPacket(deps.pool, packet);
  const { version: templateVersion } = await deps.templates.snapshotCurrent();
  const content = await packetContent(deps, await readIncident(deps.pool, incident), {
    obligation,
    sequence: key.sequence,
    kind: latest.content.packet?.kind ?? 'filing',
    previous: latest,
    given,
    phased: input.phased,
    refresh: input.refresh ?? false,
    templateVersion,
  });
  return saveDraft(deps, {
    incidentId: input.incidentId,
    subject: packet.subject,
    content,
    templateVersion,
    afterVersion: latest.version,
    actorId: actor.id,
    action: 'filing_packet_revised',
    detail: { elements: Object.keys(given), phased: content.packet?.phased },
  });
}

/** What a compliance user decides on a packet, naming the content hash they reviewed. */
export interface PacketDecisionInput {
  incidentId: string;
  packetId: string;
  contentHash: string;
  decision: 'approve' | 'reject';
  comment: string | null;
}

/**
 * A compliance decision on a packet, by the same four-eyes rules as the customers' notice (not
 * the incident's opener, not the version's reviser, a second approver where the quorum asks),
 * bound to the content hash, recorded and applied in one transaction. Approval is refused while a
 * required element is empty (409 naming the elements).
 */
export async function decidePacket(
  deps: Pick<PacketDeps, 'pool' | 'config'>,
  actor: Actor,
  input: PacketDecisionInput,
): Promise<Exclude<AppliedDecision, { outcome: 'refused' }>> {
  return inTransaction(deps.pool, async (tx) => {
    const packet = await packetOf(tx, input.incidentId, input.packetId);
    if (input.decision === 'approve' && packet.contentHash === input.contentHash) {
      const missing = missingRequired(packet.content.packet?.elements ?? []);
      if (missing.length > 0) {
        throw new ConflictError(
          `A required element is empty: ${missing.map((e) => `${e.key} (${e.label}, ${e.citation})`).join('; ')}`,
        );
      }
    }
    const decision = { ...input, noticeId: input.packetId };
    const { decisionId } = await recordDecisionIn(tx, actor, decision, 'filing_packet');
    const applied = await applyDecisionIn(
      tx,
      deps.config.policy.approvalQuorum,
      { incidentId: input.incidentId, noticeId: input.packetId, decisionId },
      'filing_packet',
    );
    if (applied.outcome === 'refused') {
      throw applied.refusal === 'forbidden'
        ? new ForbiddenError(applied.message)
        : new ConflictError(applied.message);
    }
    return applied;
  });
}

/**
 * Drafts a supplement to an obligation's filing (GDPR Art. 33(4) phasing, a correction): the next
 * sequence, with the reason as its first element and any values given; its drafter may not approve
 * it. Only once the filing itself is approved (before that, revise the filing).
 */
export async function draftSupplement(
  deps: PacketDeps,
  actor: Actor,
  input: {
    incidentId: string;
    obligationId: string;
    reason: string;
    elements?: Record<string, string> | undefined;
    /** More information still to follow after this supplement (GDPR Art. 33(4)); the filing's by default. */
    phased?: boolean | undefined;
  },
): Promise<PacketNotice> {
  const incident = await incidents.get(deps.pool, input.incidentId);
  if (!incident) throw new IncidentNotFoundError(input.incidentId);
  const obligation = await obligations.get(deps.pool, input.obligationId);
  if (!obligation || obligation.incidentId !== input.incidentId) {
    throw new NotFoundError(`No obligation ${input.obligationId} in this incident`);
  }
  if (obligation.audience === 'individuals') {
    throw new ConflictError('The individuals are told through their notice, not by a filing packet');
  }
  if (!input.reason.trim()) throw new ValidationError('A supplement needs a reason', 'reason');
  const filing = await approvedPacket(deps.pool, {
    ...obligation,
    incidentId: input.incidentId,
    sequence: 1,
  });
  if (!filing) {
    throw new ConflictError('The filing is not approved yet: revise it instead of adding a supplement');
  }
  const all = await notices.listForIncident(deps.pool, input.incidentId, 'filing_packet');
  const prefix = `${obligation.ruleId}@${obligation.jurisdiction}#`;
  const sequences = all
    .filter((n) => n.subject.startsWith(prefix))
    .map((n) => parsePacketSubject(n.subject)!.sequence);
  const sequence = Math.max(1, ...sequences) + 1;
  const given: Partial<Record<PacketElementKey, string>> = { supplement_reason: input.reason };
  for (const [k, v] of Object.entries(input.elements ?? {})) given[elementKey(k)] = v;
  const { version: templateVersion } = await deps.templates.snapshotCurrent();
  const content = await packetContent(deps, await readIncident(deps.pool, incident), {
    obligation,
    sequence,
    kind: 'supplement',
    previous: filing,
    given,
    phased: input.phased,
    refresh: true,
    templateVersion,
  });
  return saveDraft(deps, {
    incidentId: input.incidentId,
    subject: packetSubject({ ...obligation, sequence }),
    content,
    templateVersion,
    afterVersion: 0,
    actorId: actor.id,
    action: 'filing_supplement_drafted',
    detail: { obligationId: obligation.id, sequence, reason: input.reason },
  });
}

/** Where a packet stands, as the console shows it. */
export const PACKET_STATES = ['draft', 'awaiting_approval', 'approved', 'filed', 'supplement_due'] as const;
export type PacketState = (typeof PACKET_STATES)[number];

/** A proof of filing (core/db/filings.ts) that counts: the relay accepted it, or a person recorded it. */
const isProof = (f: Filing) => f.status === 'sent' || f.status === 'recorded';

async function filedFor(db: Queryable, key: PacketKey): Promise<Filing | null> {
  const all = await filings.listForIncident(db, key.incidentId);
  return (
    all.find(
      (f) =>
        f.ruleId === key.ruleId &&
        f.jurisdiction === key.jurisdiction &&
        f.sequence === key.sequence &&
        isProof(f),
    ) ?? null
  );
}

/** One packet (its newest version) as listed: the notice, whom it is for, its state. */
export interface PacketListItem extends PacketNotice {
  ruleId: string;
  jurisdiction: string;
  sequence: number;
  kind: PacketKind;
  /** The obligation's audience (regulator, consumer_reporting_agencies, media). */
  obligationAudience: string | null;
  obligationId: string | null;
  obligationStatus: string | null;
  dueAt: Date | null;
  citation: string;
  state: PacketState;
  /** Required elements still empty. */
  missing: PacketElementKey[];
  /** The approved version's id, if any (what is sent or filed). */
  approvedId: string | null;
  /** The latest filing of this packet (any status), from core/db/filings.ts. */
  filing: Filing | null;
}

function stateOf(latest: PacketNotice, filed: boolean, laterSequence: boolean): PacketState {
  if (filed) return latest.content.packet?.phased && !laterSequence ? 'supplement_due' : 'filed';
  if (latest.status === 'approved') return 'approved';
  if (
    latest.status === 'pending_approval' &&
    missingRequired(latest.content.packet?.elements ?? []).length === 0
  )
    return 'awaiting_approval';
  return 'draft';
}

/**
 * Every packet of an incident, its newest version each, with its state: `draft` (a required element
 * empty, or rejected), `awaiting_approval`, `approved`, `filed` (proof recorded), `supplement_due`
 * (filed in phases under GDPR Art. 33(4), no supplement yet). Filings first by due time. A packet
 * whose obligation is no longer required and that was never approved nor filed is left out unless
 * `setAside` (its versions stay, for the dossier).
 */
export async function listPackets(
  deps: { pool: Pool },
  incidentId: string,
  options: {
    /**
     * Also the packets set aside: drafted for an obligation a later assessment no longer requires (a
     * determination, a lead authority elsewhere) and never approved or filed. @default false
     */
    setAside?: boolean;
  } = {},
): Promise<PacketListItem[]> {
  if (!(await incidents.get(deps.pool, incidentId))) throw new IncidentNotFoundError(incidentId);
  const [all, current, filed] = await Promise.all([
    notices.listForIncident(deps.pool, incidentId, 'filing_packet'),
    obligations.current(deps.pool, incidentId),
    filings.listForIncident(deps.pool, incidentId),
  ]);
  const versions = all.flatMap((n) => asPacket(n) ?? []);
  const bySubject = new Map<string, PacketNotice[]>();
  for (const n of versions) bySubject.set(n.subject, [...(bySubject.get(n.subject) ?? []), n]);
  const items: PacketListItem[] = [];
  for (const [subject, list] of bySubject) {
    const key = parsePacketSubject(subject);
    if (!key) continue;
    const latest = list[0]!;
    const approved = list.find((n) => n.status === 'approved') ?? null;
    const obligation =
      current.find((o) => o.ruleId === key.ruleId && o.jurisdiction === key.jurisdiction) ?? null;
    const ofKey = filed
      .filter(
        (f) => f.ruleId === key.ruleId && f.jurisdiction === key.jurisdiction && f.sequence === key.sequence,
      )
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
    const proof = ofKey.find(isProof) ?? null;
    const needed = obligation !== null && obligation.status !== 'not_required';
    if (!needed && !approved && ofKey.length === 0 && !options.setAside) continue;
    const later = [...bySubject.keys()].some((s) => {
      const k = parsePacketSubject(s);
      return k?.ruleId === key.ruleId && k.jurisdiction === key.jurisdiction && k.sequence > key.sequence;
    });
    items.push({
      ...latest,
      ...key,
      kind: latest.content.packet?.kind ?? (key.sequence > 1 ? 'supplement' : 'filing'),
      obligationAudience: obligation?.audience ?? null,
      obligationId: obligation?.id ?? null,
      obligationStatus: obligation?.status ?? null,
      dueAt: key.sequence === 1 ? (obligation?.dueAt ?? null) : null,
      citation: latest.content.packet?.citation ?? obligation?.citation ?? '',
      state: stateOf(latest, proof !== null, later),
      missing: missingRequired(latest.content.packet?.elements ?? []).map((e) => e.key),
      approvedId: approved?.id ?? null,
      filing: proof ?? ofKey[0] ?? null,
    });
  }
  return items.sort(
    (a, b) =>
      (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity) ||
      a.jurisdiction.localeCompare(b.jurisdiction) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.sequence - b.sequence,
  );
}

/** One packet version with its rendering, every version of its subject, and its listing. */
export async function showPacket(
  deps: Pick<PacketDeps, 'pool' | 'templates'>,
  incidentId: string,
  packetId: string,
): Promise<{
  packet: PacketNotice;
  rendered: RenderedParts;
  versions: PacketNotice[];
  item: PacketListItem | null;
}> {
  const packet = await packetOf(deps.pool, incidentId, packetId);
  const [versions, items] = await Promise.all([
    versionsOf(deps.pool, incidentId, packet.subject),
    listPackets(deps, incidentId, { setAside: true }),
  ]);
  return {
    packet,
    rendered: await renderPacketMail(deps, packet),
    versions,
    item: items.find((i) => i.subject === packet.subject) ?? null,
  };
}

/** A packet exported for a portal (JSON, to copy from) or for reading and post (PDF). */
export interface PacketExport {
  filename: string;
  contentType: string;
  body: Buffer;
}

/** The JSON export: the elements with their citations and values, and what identifies the version. */
export async function exportPacketJson(
  deps: Pick<PacketDeps, 'pool'>,
  incidentId: string,
  packetId: string,
): Promise<PacketExport> {
  const packet = await packetOf(deps.pool, incidentId, packetId);
  const body = {
    reference: packetReference(packet),
    packetId: packet.id,
    subject: packet.subject,
    version: packet.version,
    status: packet.status,
    approved: packet.status === 'approved',
    decidedAt: packet.decidedAt,
    decidedByName: packet.decidedByName,
    templateVersion: packet.templateVersion,
    contentHash: packet.contentHash,
    company: packet.content.company,
    packet: packet.content.packet,
  };
  return {
    filename: `${exportName(packet)}.json`,
    contentType: 'application/json; charset=utf-8',
    body: Buffer.from(`${JSON.stringify(body, null, 2)}\n`),
  };
}

/** The PDF export: the packet as the authority reads it, each element with its citation. */
export async function exportPacketPdf(
  deps: Pick<PacketDeps, 'pool'>,
  incidentId: string,
  packetId: string,
): Promise<PacketExport> {
  const packet = await packetOf(deps.pool, incidentId, packetId);
  return {
    filename: `${exportName(packet)}.pdf`,
    contentType: 'application/pdf',
    body: await packetPdf(packet, packetReference(packet)),
  };
}

const exportName = (p: Notice) =>
  `filing-${p.subject.replace(/[^A-Za-z0-9.-]+/g, '_')}-v${p.version}${p.status === 'approved' ? '' : '-draft'}`;
