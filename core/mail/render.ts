import { createHash } from 'node:crypto';
import { DATA_CATEGORIES, normaliseCategories, type DataCategory } from '../domain/categories';
import {
  CONTENT_PARTS,
  type AuthorityContact,
  type CompanyContact,
  type ContentPart,
} from '../domain/content-parts';
import {
  ADVICE_TOPICS,
  ADVICE_TOPIC_FOR,
  LANGUAGES,
  interpolate,
  resolveLanguage,
  type AdviceTopic,
} from './i18n';
import {
  formatDate,
  formatDateTime,
  formatList,
  formatNumber,
  formattingLocale,
  safeTimeZone,
  sameDay,
} from './intl-format';
import type { NoticeRestriction } from '../law/types';
import type { Audience } from '../domain/model';
import { QUESTION_MAX_LENGTH } from '../domain/questions';
import { trustedHtml, type PageTemplateSet, type TemplateName, type TemplateSet } from './templates';
import { RenderInputError } from '../errors';
// Defined with every other domain error in core/errors.ts; re-exported for this module's callers.
export { RenderInputError };

/**
 * Pure rendering: input in, `{ subject, html, text }` out, from a compiled `TemplateSet`. No I/O,
 * no clock (callers pass `now` where a message speaks of time remaining), no compilation per
 * call. Sending is a separate step (the transport), so a render can be previewed, hashed for
 * approval, stored and retried without side effects.
 */

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
  /** The template language actually used (after fallback), e.g. 'es' for 'es-MX'. */
  locale: string;
}

export interface ExposedItem {
  category: DataCategory;
  /** A masked identifier such as the last four digits of a card ('4242'). At most 4 digits. */
  masked?: string;
}

/** Details of the identity-theft protection service, when `identity_theft_protection` applies. */
export interface IdentityProtection {
  provider: string;
  months: number;
  enrollUrl: string;
  enrollmentCode?: string | null;
  enrollBy?: Date | null;
}

/** What the officer wrote about an incident and when it happened: told to people and regulators alike. */
export interface IncidentAccount {
  title: string;
  whatHappened: string;
  whatWeAreDoing: string;
  discoveredAt: Date;
  occurredFrom: Date | null;
  occurredTo: Date | null;
}

export interface IndividualNoticeInput {
  locale: string;
  timeZone: string;
  recipient: {
    name: string;
    email: string;
    /** The recipient is the registered representative of the (deceased) affected person. */
    isRepresentative: boolean;
    /** The affected person's name; same as `name` unless a representative. */
    subjectName: string;
  };
  company: CompanyContact;
  incident: IncidentAccount & {
    /**
     * The free text in other languages, keyed by template language ('es', 'fr', 'de'). Without an
     * entry the text above is printed as written, inside a notice otherwise in the reader's language.
     */
    translations?: Partial<Record<string, { whatHappened: string; whatWeAreDoing: string }>>;
  };
  /** The union over every system the person appears in; duplicates are merged. */
  exposed: ExposedItem[];
  referenceCode: string;
  pageUrl: string;
  contentParts: ContentPart[];
  authorities: AuthorityContact[];
  /** The date of the notice (California requires it). Omitted from the letter when absent. */
  noticeDate?: Date | null;
  /** Whether a law-enforcement investigation delayed the notice; omitted when not known. */
  lawEnforcementDelay?: boolean | null;
  /** Enrolment details for `identity_theft_protection`; without them the notice points to the page. */
  identityProtection?: IdentityProtection | null;
  /**
   * What the law says the notice must leave out (from `requiredContentFor`). With
   * 'omit_nature_of_breach' (Massachusetts) `incident.whatHappened` is not printed at all.
   */
  restrictions?: NoticeRestriction[];
}

export interface RegulatorNoticeInput {
  /** Zone for the dates in the letter. @default 'UTC' */
  timeZone?: string;
  authority: AuthorityContact;
  company: CompanyContact;
  /** Who the authority should contact. @default the DPO contact and support details of `company` */
  contact?: { name: string; role?: string | null; email: string; phone: string } | null;
  incident: IncidentAccount & {
    /** The incident's own reference, quoted in the subject. */
    reference: string;
    encrypted: boolean;
    keyCompromised: boolean;
    systems?: string[];
  };
  counts: {
    affectedIndividuals: number;
    /** Of those, how many fall under this authority. */
    inJurisdiction?: number | null;
    /** E.g. 'California' or 'France'. */
    jurisdiction?: string | null;
  };
  categories: DataCategory[];
  /** Free text; when absent the likely consequences are taken from the categories. */
  likelyConsequences?: string | null;
  /** When affected individuals were or will be notified; null when not yet scheduled. */
  individualsNotifiedAt?: Date | null;
  /** The date of this notification. */
  reportedAt: Date;
}

export const STAFF_ALERT_KINDS = [
  'reminder',
  'escalation',
  'overdue',
  'forecast_late',
  'codes_short',
] as const;
export type StaffAlertKind = (typeof STAFF_ALERT_KINDS)[number];

export interface StaffAlertInput {
  kind: StaffAlertKind;
  incidentTitle: string;
  /** The obligation's jurisdiction, e.g. 'US-CA', 'FR', 'US-HIPAA'. */
  jurisdiction: string;
  audience: Audience;
  /** Short name of the law, e.g. 'GDPR'. */
  regime: string;
  citation?: string | null;
  /** Null while the law engine cannot fix a deadline yet. */
  dueAt: Date | null;
  /** The obligation is blocked on the notice's approval: say so, it is the usual fix. */
  waitsOnApproval?: boolean;
  incidentUrl: string;
  recipientName?: string | null;
  /** The instant the alert is rendered for; with it the alert says how long is left or overdue. */
  now?: Date | null;
  /** For `forecast_late`: when the work is now expected to finish. */
  forecastAt?: Date | null;
  /**
   * For `forecast_late`: what the forecast comes from — the measured sending rate, or the relays'
   * quotas (core/delivery/quota-forecast.ts), known before sending starts. @default 'rate'
   */
  forecastBy?: 'rate' | 'quotas';
  /** The staff member's zone. @default 'UTC' */
  timeZone?: string;
  note?: string | null;
}

export interface FollowUpInput {
  locale: string;
  timeZone: string;
  recipient: { name: string; email: string; isRepresentative: boolean; subjectName: string };
  company: CompanyContact;
  incident: { title: string };
  /** What is new, in plain words; blank lines separate paragraphs. */
  update: string;
  /** `update` in other languages, keyed by template language; falls back to `update`. */
  updateTranslations?: Partial<Record<string, string>>;
  /** When the update was written; shown as a date. */
  updatedAt: Date;
  referenceCode: string;
  pageUrl: string;
  /**
   * A supplement's list of what of the person's data is now known to be involved (issue 17: an
   * amendment grew their exposure), worded as the notice words it (`exposureWording`). @default none
   */
  exposed?: ExposedItem[];
}

/** The part of an individual notice's input that decides its wording. */
export interface NoticeVariantInput {
  locale: string;
  contentParts: readonly ContentPart[];
  exposed: readonly { category: DataCategory }[];
  recipient: { isRepresentative: boolean };
  authorities?: readonly AuthorityContact[];
  restrictions?: readonly NoticeRestriction[];
}

/**
 * The variant a compliance officer approves: template language × content parts × category set ×
 * representative or not, plus the authorities named (two states with the same parts still name
 * different attorneys general) and any restrictions (Massachusetts leaves out what happened).
 * Customers with equal keys receive the same text apart from their own name, dates, masked
 * identifiers, reference code and page link. The language is the resolved template language, so
 * 'es-MX' and 'es-ES' share a variant.
 */
export function noticeVariantKey(input: NoticeVariantInput): string {
  const language = resolveLanguage(input.locale, LANGUAGES);
  const parts = normaliseParts(input.contentParts);
  const categories = normaliseCategories(input.exposed.map((e) => e.category));
  const authorities = [...new Set((input.authorities ?? []).map((a) => a.name.trim()))].sort();
  const restrictions = [...new Set(input.restrictions ?? [])].sort();
  return [
    language,
    `parts=${parts.join(',')}`,
    `categories=${categories.join(',')}`,
    input.recipient.isRepresentative ? 'representative' : 'self',
    ...(authorities.length > 0 ? [`authorities=${authorities.join(';')}`] : []),
    ...(restrictions.length > 0 ? [`restrictions=${restrictions.join(',')}`] : []),
  ].join('|');
}

/** sha256 (hex) of a rendered mail, for recording exactly what was approved or sent. */
export function renderedMailHash(mail: Pick<RenderedMail, 'subject' | 'html' | 'text'>): string {
  return createHash('sha256')
    .update(mail.subject)
    .update('\0')
    .update(mail.html)
    .update('\0')
    .update(mail.text)
    .digest('hex');
}

export function renderIndividualNotice(set: TemplateSet, input: IndividualNoticeInput): RenderedMail {
  const language = pickLanguage(set, 'individual-notice', input.locale);
  const locale = formattingLocale(input.locale, language);
  const tz = safeTimeZone(input.timeZone);
  const parts = partFlags(input.contentParts);
  const { exposed, advice, risks } = exposureWording(set, language, input);

  const needsAuthorities = parts.state_regulator_contact || parts.supervisory_authority_contact;
  if (needsAuthorities && input.authorities.length === 0) {
    throw new RenderInputError(
      'state_regulator_contact / supervisory_authority_contact need at least one authority',
    );
  }
  const ip = input.identityProtection ?? null;
  const translated = input.incident.translations?.[language];

  const view = {
    lang: language,
    parts,
    showBureaus: parts.credit_bureaus || parts.credit_freeze || parts.fraud_alert,
    showDpo: parts.dpo_contact || parts.gdpr_art34,
    showAuthorities: needsAuthorities,
    omitNature: (input.restrictions ?? []).includes('omit_nature_of_breach'),
    recipient: recipientView(input.recipient),
    company: companyView(input.company),
    incident: {
      title: input.incident.title,
      whatHappened: translated?.whatHappened ?? input.incident.whatHappened,
      whatWeAreDoing: translated?.whatWeAreDoing ?? input.incident.whatWeAreDoing,
      discoveredOn: formatDate(input.incident.discoveredAt, locale, tz),
      ...occurredView(input.incident.occurredFrom, input.incident.occurredTo, locale, tz),
    },
    noticeDate: input.noticeDate ? formatDate(input.noticeDate, locale, tz) : null,
    lawEnforcementDelay: input.lawEnforcementDelay ?? null,
    exposed,
    advice,
    risks,
    identityProtection: ip
      ? {
          provider: ip.provider,
          months: ip.months,
          enrollUrl: ip.enrollUrl,
          enrollHref: httpHref(ip.enrollUrl),
          enrollmentCode: ip.enrollmentCode ?? null,
          enrollBy: ip.enrollBy ? formatDate(ip.enrollBy, locale, tz) : null,
        }
      : null,
    referenceCode: input.referenceCode,
    pageUrl: input.pageUrl,
    pageHref: httpHref(input.pageUrl),
    authorities: input.authorities.map(authorityView),
  };
  return { ...set.render('individual-notice', language, view), locale: language };
}

/** What of a person's data was involved and what follows from it, in one language's approved words. */
export interface ExposureWording {
  /** Each category, with its masked identifiers: "Payment card number (ending in 4242)". */
  exposed: string[];
  /** The steps to take, one per advice topic, in the reader's voice (self or representative). */
  advice: string[];
  /** Likely consequences, one per advice topic. */
  risks: string[];
}

/**
 * The exposed-data wording of one notice, from the set's catalog for `language`: what the letter
 * lists and what the customer's page repeats beside it, so the two can never say different things.
 * Refuses input that would make the text itself a leak (a masked value showing more than
 * MASKED_MAX_DIGITS digits) or that names no category.
 */
export function exposureWording(
  set: TemplateSet,
  language: string,
  input: Pick<IndividualNoticeInput, 'exposed' | 'recipient' | 'company'>,
): ExposureWording {
  const catalog = set.catalog(language);
  const grouped = groupExposed(input.exposed);
  if (grouped.size === 0) throw new RenderInputError('a notice needs at least one exposed category');
  const values = { company: input.company.name, name: input.recipient.subjectName };
  const voice = input.recipient.isRepresentative ? 'representative' : 'self';
  const topics = topicsOf(grouped.keys());
  return {
    exposed: [...grouped].map(([category, masked]) =>
      masked.length === 0
        ? catalog.categories[category]
        : `${catalog.categories[category]} (${interpolate(catalog.endingIn, { masked: formatList(masked, language) })})`,
    ),
    advice: topics.map((t) => interpolate(catalog.advice[t][voice], values)),
    risks: topics.map((t) => interpolate(catalog.risks[t], values)),
  };
}

export function renderCustomerFollowUp(set: TemplateSet, input: FollowUpInput): RenderedMail {
  const language = pickLanguage(set, 'customer-follow-up', input.locale);
  const locale = formattingLocale(input.locale, language);
  const view = {
    lang: language,
    recipient: recipientView(input.recipient),
    company: companyView(input.company),
    incident: { title: input.incident.title },
    update: input.updateTranslations?.[language] ?? input.update,
    updatedOn: formatDate(input.updatedAt, locale, safeTimeZone(input.timeZone)),
    referenceCode: input.referenceCode,
    pageUrl: input.pageUrl,
    pageHref: httpHref(input.pageUrl),
    exposed: input.exposed?.length
      ? exposureWording(set, language, {
          exposed: input.exposed,
          recipient: input.recipient,
          company: input.company,
        }).exposed
      : null,
  };
  return { ...set.render('customer-follow-up', language, view), locale: language };
}

const REGULATOR_LOCALE = 'en-GB';

export function renderRegulatorNotice(set: TemplateSet, input: RegulatorNoticeInput): RenderedMail {
  const language = pickLanguage(set, 'regulator-notice', 'en');
  const catalog = set.catalog(set.languages('individual-notice').includes(language) ? language : 'en');
  const tz = safeTimeZone(input.timeZone);
  const categories = normaliseCategories(input.categories);
  const contact = input.contact ?? null;
  const view = {
    lang: language,
    authority: authorityView(input.authority),
    company: companyView(input.company),
    contact: contact
      ? { name: contact.name, role: contact.role ?? null, email: contact.email, phone: contact.phone }
      : null,
    incident: {
      reference: input.incident.reference,
      title: input.incident.title,
      whatHappened: input.incident.whatHappened,
      whatWeAreDoing: input.incident.whatWeAreDoing,
      discoveredAt: formatDateTime(input.incident.discoveredAt, REGULATOR_LOCALE, tz),
      ...occurredView(input.incident.occurredFrom, input.incident.occurredTo, REGULATOR_LOCALE, tz),
      encrypted: input.incident.encrypted,
      keyCompromised: input.incident.keyCompromised,
      systems: input.incident.systems ?? [],
    },
    counts: {
      affected: formatNumber(input.counts.affectedIndividuals, REGULATOR_LOCALE),
      inJurisdiction:
        input.counts.inJurisdiction === undefined || input.counts.inJurisdiction === null
          ? null
          : formatNumber(input.counts.inJurisdiction, REGULATOR_LOCALE),
      jurisdiction: input.counts.jurisdiction ?? null,
    },
    categories: categories.map((c) => catalog.categories[c]),
    likelyConsequences: input.likelyConsequences ?? null,
    risks: topicsOf(categories).map((t) => catalog.risks[t]),
    individuals: individualsView(input.individualsNotifiedAt ?? null, input.reportedAt, tz),
    reportedOn: formatDate(input.reportedAt, REGULATOR_LOCALE, tz),
  };
  return { ...set.render('regulator-notice', language, view), locale: language };
}

const AUDIENCE_WORDS: Readonly<Record<Audience, string>> = {
  individuals: 'Notify affected individuals',
  regulator: 'Notify the regulator',
  consumer_reporting_agencies: 'Notify the consumer reporting agencies',
  media: 'Notify the media',
};

export function renderStaffAlert(set: TemplateSet, input: StaffAlertInput): RenderedMail {
  const language = pickLanguage(set, 'staff-alert', 'en');
  const tz = safeTimeZone(input.timeZone);
  const due = input.dueAt;
  const remaining = due && input.now ? due.getTime() - input.now.getTime() : null;
  const view = {
    lang: language,
    kind: input.kind,
    isReminder: input.kind === 'reminder',
    isEscalation: input.kind === 'escalation',
    isOverdue: input.kind === 'overdue',
    isForecastLate: input.kind === 'forecast_late',
    isCodesShort: input.kind === 'codes_short',
    recipientName: input.recipientName ?? null,
    incidentTitle: input.incidentTitle,
    obligation: `${AUDIENCE_WORDS[input.audience] ?? input.audience} (${input.jurisdiction}, ${input.regime})`,
    citation: input.citation ?? null,
    due: due ? formatDateTime(due, REGULATOR_LOCALE, tz) : null,
    timeLeft: remaining !== null && remaining >= 0 ? humanDuration(remaining) : null,
    overdueBy: remaining !== null && remaining < 0 ? humanDuration(-remaining) : null,
    forecast: input.forecastAt ? formatDateTime(input.forecastAt, REGULATOR_LOCALE, tz) : null,
    forecastByQuotas: input.forecastBy === 'quotas',
    forecastLateBy:
      input.forecastAt && due && input.forecastAt > due
        ? humanDuration(input.forecastAt.getTime() - due.getTime())
        : null,
    waitsOnApproval: input.waitsOnApproval ?? false,
    link: input.incidentUrl,
    linkHref: httpHref(input.incidentUrl),
    note: input.note ?? null,
  };
  return { ...set.render('staff-alert', language, view), locale: language };
}

export interface CustomerPageInput {
  /** The notice's input, exactly as delivery builds it (`noticeInputBuilder`). */
  notice: IndividualNoticeInput;
  /** When the customer said they had read the notice; null until then. */
  acknowledgedAt: Date | null;
  /** Where the page's "I have read this" form posts. */
  acknowledgeAction: string;
  /**
   * The "do not send me reminders" form (issue 17; core/use-cases/mailings.ts): where it posts, and
   * when the person asked (null: not yet). @default no form
   */
  reminders?: { action: string; optedOutAt: Date | null };
  /**
   * The question form (plain HTML, no script): where it posts, the hidden token that binds it to
   * this page (core/use-cases/questions.ts `questionFormToken`), and after a refused post, the text
   * sent and why it was refused. @default no form
   */
  questionForm?: { action: string; formToken: string; draft: string; error: QuestionFormError | null };
  /** The questions this person asked here, oldest first. @default none */
  questions?: readonly {
    body: string;
    askedAt: Date;
    answer: string | null;
    answeredAt: Date | null;
    /** How it was answered: email | phone | post; null while waiting. */
    channel: string | null;
  }[];
}

/** Why the page's question form was refused: the page says it in its own language. */
export type QuestionFormError = 'empty' | 'too_long' | 'too_many' | 'expired_form';

/**
 * The customer's page at /n/<token>: the notice exactly as sent (rendered again from the approved
 * snapshot, as delivery renders it), framed by the page's own wording in the letter's language, with
 * what of theirs was involved and the steps to take from `exposureWording`, the same words and the
 * same guard as the letter.
 */
export function renderCustomerPage(
  pages: PageTemplateSet,
  set: TemplateSet,
  input: CustomerPageInput,
): string {
  const notice = input.notice;
  const mail = renderIndividualNotice(set, notice);
  const language = pages.languages.includes(mail.locale) ? mail.locale : 'en';
  const { exposed, advice } = exposureWording(set, language, notice);
  const locale = formattingLocale(notice.locale, language);
  return pages.page(language, {
    lang: language,
    title: mail.subject,
    company: {
      name: notice.company.name,
      supportEmail: notice.company.supportEmail,
      supportPhone: notice.company.supportPhone,
      postalAddress: notice.company.postalAddress,
    },
    referenceCode: notice.referenceCode,
    isRepresentative: notice.recipient.isRepresentative,
    subjectName: notice.recipient.subjectName,
    exposed,
    advice,
    notice: trustedHtml(letterOf(mail)),
    acknowledgedOn: input.acknowledgedAt
      ? formatDateTime(input.acknowledgedAt, locale, notice.timeZone)
      : null,
    acknowledgeAction: input.acknowledgeAction,
    reminders: input.reminders
      ? {
          action: input.reminders.action,
          optedOutOn: input.reminders.optedOutAt
            ? formatDateTime(input.reminders.optedOutAt, locale, notice.timeZone)
            : null,
        }
      : null,
    // Their remediation code and how to enrol (issue 17), where the notice offers the service.
    protection: protectionView(notice, locale),
    ask: input.questionForm
      ? {
          action: input.questionForm.action,
          formToken: input.questionForm.formToken,
          maxLength: QUESTION_MAX_LENGTH,
          draft: input.questionForm.draft,
          error: input.questionForm.error,
          errorEmpty: input.questionForm.error === 'empty',
          errorTooLong: input.questionForm.error === 'too_long',
          errorTooMany: input.questionForm.error === 'too_many',
          errorExpired: input.questionForm.error === 'expired_form',
        }
      : null,
    asked: (input.questions ?? []).map((q) => ({
      body: q.body,
      askedOn: formatDateTime(q.askedAt, locale, notice.timeZone),
      answer: q.answer,
      answeredOn: q.answeredAt ? formatDateTime(q.answeredAt, locale, notice.timeZone) : null,
      byEmail: q.channel === 'email',
      byPhone: q.channel === 'phone',
      byPost: q.channel === 'post',
    })),
  });
}

export interface SupportAnswerInput {
  /** The customer's locale and the language their question was asked in (the page's). */
  locale: string;
  language: string;
  timeZone: string;
  recipient: { name: string; isRepresentative: boolean; subjectName: string };
  company: CompanyContact;
  incident: { title: string };
  referenceCode: string;
  question: { body: string; askedAt: Date };
  /** What support wrote; blank lines separate paragraphs. */
  answer: string;
}

/**
 * Support's answer to a question asked on the customer's page (core/use-cases/questions.ts), in the
 * language the page was in: their question quoted, the answer, their reference code. Nothing in it
 * comes from anyone but this case's record and what support wrote for it.
 */
export function renderSupportAnswer(set: TemplateSet, input: SupportAnswerInput): RenderedMail {
  const language = set.languages('support-answer').includes(input.language)
    ? input.language
    : pickLanguage(set, 'support-answer', input.locale);
  const locale = formattingLocale(input.locale, language);
  const view = {
    lang: language,
    recipient: {
      name: input.recipient.name,
      isRepresentative: input.recipient.isRepresentative,
      subjectName: input.recipient.subjectName,
    },
    company: companyView(input.company),
    incident: { title: input.incident.title },
    referenceCode: input.referenceCode,
    askedOn: formatDateTime(input.question.askedAt, locale, safeTimeZone(input.timeZone)),
    question: input.question.body,
    answer: input.answer,
  };
  return { ...set.render('support-answer', language, view), locale: language };
}

export const PAGE_STATUSES = ['not_found', 'expired', 'too_many', 'failed'] as const;
export type PageStatus = (typeof PAGE_STATUSES)[number];

const PAGE_STATUS_TITLES: Readonly<Record<PageStatus, string>> = {
  not_found: 'Page not found',
  expired: 'This link has expired',
  too_many: 'Too many requests',
  failed: 'Something went wrong',
};

/**
 * What /n/… shows when there is no page: the same for every wrong link, in every language at once
 * (a wrong link says nothing about whom it was meant for), with the company's support contact.
 */
export function renderStatusPage(
  pages: PageTemplateSet,
  status: PageStatus,
  company: Pick<CompanyContact, 'name' | 'supportEmail' | 'supportPhone'>,
): string {
  return pages.status({
    lang: 'en',
    title: PAGE_STATUS_TITLES[status],
    notFound: status === 'not_found',
    expired: status === 'expired',
    tooMany: status === 'too_many',
    failed: status === 'failed',
    company: { name: company.name, supportEmail: company.supportEmail, supportPhone: company.supportPhone },
  });
}

// --- helpers -------------------------------------------------------------------------------

/**
 * The page's "how to enrol" section: the product, its term, the code, where and by when. Null
 * where the notice offers no service; `pending` where it does and the person holds no code yet.
 */
function protectionView(notice: IndividualNoticeInput, locale: string) {
  if (!notice.contentParts.includes('identity_theft_protection') || notice.recipient.isRepresentative)
    return null;
  const ip = notice.identityProtection;
  // Offered, but no code for them yet: the page says so and how to reach a person who can help.
  if (!ip) return { pending: true };
  return {
    pending: false,
    provider: ip.provider,
    months: ip.months,
    code: ip.enrollmentCode ?? null,
    enrollUrl: ip.enrollUrl,
    enrollHref: httpHref(ip.enrollUrl),
    enrollBy: ip.enrollBy ? formatDate(ip.enrollBy, locale, safeTimeZone(notice.timeZone)) : null,
  };
}

/**
 * The letter's HTML without its document shell (the page has its own). The notice templates
 * escape everything they print, so this is safe HTML; without a body, the text part is shown.
 */
function letterOf(mail: Pick<RenderedMail, 'html' | 'text'>): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(mail.html)?.[1];
  return body?.trim() || `<pre class="letter">${escapeHtml(mail.text)}</pre>`;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;',
};
/** Handlebars' own escaping, so text reads the same wherever it is printed. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => HTML_ESCAPES[c] ?? c);
}

function pickLanguage(set: TemplateSet, name: TemplateName, locale: string): string {
  const available = set.languages(name);
  return resolveLanguage(locale, available, available[0] ?? 'en');
}

function normaliseParts(parts: readonly ContentPart[]): ContentPart[] {
  const unique = new Set(parts);
  return CONTENT_PARTS.filter((p) => unique.has(p));
}

/** Every part present as a key (templates compile in strict mode, so a typo throws). */
function partFlags(parts: readonly ContentPart[]): Record<ContentPart, boolean> {
  const flags = Object.fromEntries(CONTENT_PARTS.map((p) => [p, false])) as Record<ContentPart, boolean>;
  for (const p of parts) {
    if (!(p in flags)) throw new RenderInputError(`unknown content part "${String(p)}"`);
    flags[p] = true;
  }
  return flags;
}

const MASKED_MAX_DIGITS = 4;
const MASKED_MAX_LENGTH = 32;

/** Category → distinct masked identifiers, in the canonical category order. */
function groupExposed(items: readonly ExposedItem[]): Map<DataCategory, string[]> {
  const map = new Map<DataCategory, string[]>();
  for (const category of normaliseCategories(items.map((i) => i.category))) map.set(category, []);
  for (const item of items) {
    if (!(DATA_CATEGORIES as readonly string[]).includes(item.category)) {
      throw new RenderInputError(`unknown data category "${String(item.category)}"`);
    }
    const masked = item.masked?.trim();
    if (!masked) continue;
    // A notice must never become the leak: refuse anything that looks like a full identifier.
    if (
      masked.length > MASKED_MAX_LENGTH ||
      /[\r\n]/.test(masked) ||
      (masked.match(/\d/g)?.length ?? 0) > MASKED_MAX_DIGITS
    ) {
      throw new RenderInputError(
        `masked value for ${item.category} reveals too much (at most ${MASKED_MAX_DIGITS} digits)`,
      );
    }
    const list = map.get(item.category);
    if (list && !list.includes(masked)) list.push(masked);
  }
  return map;
}

function topicsOf(categories: Iterable<DataCategory>): AdviceTopic[] {
  const wanted = new Set([...categories].map((c) => ADVICE_TOPIC_FOR[c]));
  return ADVICE_TOPICS.filter((t) => wanted.has(t));
}

function occurredView(from: Date | null, to: Date | null, locale: string, tz: string) {
  const kind =
    from && to ? (sameDay(from, to, tz) ? 'day' : 'range') : from ? 'from' : to ? 'until' : 'unknown';
  return {
    occurred: kind,
    occurredIsDay: kind === 'day',
    occurredIsRange: kind === 'range',
    occurredIsFrom: kind === 'from',
    occurredIsUntil: kind === 'until',
    occurredFrom: from ? formatDate(from, locale, tz) : null,
    occurredTo: to ? formatDate(to, locale, tz) : null,
  };
}

function individualsView(at: Date | null, reportedAt: Date, tz: string) {
  if (!at) return { notified: false, scheduled: false, on: null };
  const on = formatDate(at, REGULATOR_LOCALE, tz);
  return at <= reportedAt
    ? { notified: true, scheduled: false, on }
    : { notified: false, scheduled: true, on };
}

// The person is named as the subject only where a representative receives the notice for them.
function recipientView(r: IndividualNoticeInput['recipient']) {
  return {
    name: r.name,
    email: r.email,
    isRepresentative: r.isRepresentative,
    subjectName: r.isRepresentative ? r.subjectName : r.name,
  };
}

function companyView(c: CompanyContact) {
  return {
    name: c.name,
    postalAddress: c.postalAddress,
    supportEmail: c.supportEmail,
    supportPhone: c.supportPhone,
    dpoContact: c.dpoContact,
  };
}

function authorityView(a: AuthorityContact) {
  return {
    name: a.name,
    website: a.website ?? null,
    websiteHref: a.website ? httpHref(a.website) : null,
    phone: a.phone ?? null,
    postalAddress: a.postalAddress ?? null,
  };
}

/**
 * A link target only for http(s) addresses ('oag.ca.gov' becomes https://oag.ca.gov); anything
 * else (javascript:, data:) is shown as text and never linked.
 */
function httpHref(value: string): string | null {
  const v = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(v) ? v : `https://${v}`;
  try {
    const url = new URL(withScheme);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** '2 days 3 hours', '45 minutes': coarse on purpose; the exact instant is printed beside it. */
function humanDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (days > 0) return hours > 0 ? `${unit(days, 'day')} ${unit(hours, 'hour')}` : unit(days, 'day');
  if (hours > 0) return mins > 0 ? `${unit(hours, 'hour')} ${unit(mins, 'minute')}` : unit(hours, 'hour');
  return unit(mins, 'minute');
}
