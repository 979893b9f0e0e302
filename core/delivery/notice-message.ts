import type { Config } from '../config';
import type { Recipient } from '../db/affected';
import type { Incident } from '../db/incidents';
import type { Notice } from '../db/notices';
import { jurisdictionTimeZone, requiredContentFor } from '../law';
import { composeMessage } from '../mail/compose';
import type { RemediationOffer } from '../db/remediation-codes';
import type { IdentityProtection, IndividualNoticeInput } from '../mail/render';
import { WITHHELD_TOKEN } from './page-link';
import { recipientPageToken } from './page-token';

/*
 * What one person receives: the address it goes to, the renderer's input, and the MIME message.
 * Shared by the shard pass, the approval previews and the customer page, so what compliance sees is
 * what is sent.
 */

/** Composes the MIME message for one rendered notice (core/mail/compose.ts). */
export async function composeNotice(
  mail: { subject: string; text: string; html: string },
  envelope: { from: string; to: string; messageId: string; referenceCode: string },
): Promise<Buffer> {
  return composeMessage({
    from: envelope.from,
    to: envelope.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: envelope.messageId,
    headers: { 'X-Forthright-Reference': envelope.referenceCode, 'Auto-Submitted': 'auto-generated' },
  });
}

/**
 * Whether an address can be given to a relay at all: one @, no spaces, controls or characters that
 * would break the SMTP command. What a relay refuses (5xx) is decided by the relay.
 */
export function isUsableAddress(address: string): boolean {
  return (
    address.length <= 254 &&
    /^[^\s@<>()[\]\\,;:"\u0000-\u001f\u007f]+@[^\s@<>()[\]\\,;:"\u0000-\u001f\u007f]+$/.test(address)
  );
}

/**
 * A deceased customer's notice goes to their registered representative (customers with none are
 * `manual`). '' for a person without an email address: `isUsableAddress` refuses it, so were such a
 * person ever handed to email delivery (their channel keeps them out of it), they would be recorded
 * undeliverable, never sent to.
 */
export function recipientAddress(r: Recipient): string {
  return r.customerStatus === 'deceased' && r.representativeEmail ? r.representativeEmail : (r.email ?? '');
}

/**
 * The zone a customer's dates are shown in. The inventory has no per-customer zone, so the
 * jurisdiction's, as its law rules count days (core/law `jurisdictionTimeZone`).
 */
export function timeZoneFor(r: Pick<Recipient, 'region' | 'country'>): string {
  return jurisdictionTimeZone(r.region ?? '') ?? jurisdictionTimeZone(r.country) ?? 'UTC';
}

/**
 * What every notice of one approved version shares with the others of its variant (same
 * jurisdictions, categories and time zone): the renderer's input minus the person. Delivery stores
 * it once per variant (core/delivery/sent-copy.ts), so a sent notice can be rendered again exactly
 * as it was, whatever the incident's facts, the law rules or the configuration became since.
 */
export type NoticeContext = Omit<
  IndividualNoticeInput,
  'locale' | 'recipient' | 'exposed' | 'referenceCode' | 'pageUrl'
> & {
  /** The public base URL the page link was built on (`<pageBaseUrl>/n/<token>`). */
  pageBaseUrl: string;
};

/**
 * The contexts of one approved notice, one per variant, computed once each (the content parts per
 * jurisdiction and category set are the law engine's work). Shared by delivery, the approval
 * previews and the customer page, so compliance sees exactly what is sent.
 */
export function noticeContextBuilder(
  notice: Notice,
  incident: Incident,
  config: Readonly<Config>,
  sending: NoticeSending = {},
): (r: Recipient) => NoticeContext {
  const cache = new Map<string, NoticeContext>();
  const facts = {
    discoveredAt: incident.discoveredAt,
    encrypted: incident.encrypted,
    keyCompromised: incident.keyCompromised,
    materialityDeterminedAt: null,
    regimes: config.company.regimes,
  };
  return (r) => {
    // A person's records merged from other jurisdictions: the notice meets each one's content rules.
    const jurisdictions = r.noticeJurisdictions ?? [r.jurisdiction];
    const timeZone = timeZoneFor(r);
    const key = `${jurisdictions.join('+')}|${r.categories.join(',')}|${timeZone}`;
    let context = cache.get(key);
    if (!context) {
      const parts = requiredContentFor(jurisdictions, r.categories, facts);
      context = {
        timeZone,
        company: notice.content.company,
        incident: {
          title: notice.content.title,
          whatHappened: notice.content.whatHappened,
          whatWeAreDoing: notice.content.whatWeAreDoing,
          discoveredAt: incident.discoveredAt,
          occurredFrom: incident.occurredFrom,
          occurredTo: incident.occurredTo,
        },
        contentParts: parts.parts,
        authorities: parts.authorities,
        restrictions: parts.restrictions,
        pageBaseUrl: config.http.publicBaseUrl,
        // California's notice gives its date and whether a law-enforcement investigation delayed it
        // (Cal. Civ. Code § 1798.82(d)(2)(C), (D)); other notices as before, without either.
        ...(parts.parts.includes('us_ca_format')
          ? {
              ...(sending.noticeDate ? { noticeDate: sending.noticeDate } : {}),
              ...(sending.lawEnforcementDelay === undefined
                ? {}
                : { lawEnforcementDelay: sending.lawEnforcementDelay }),
            }
          : {}),
      };
      cache.set(key, context);
    }
    return context;
  };
}

/**
 * What the sending adds to every notice of a pass (California's date and law-enforcement statement),
 * given where known: previews and pages of notices not sent leave them out.
 */
export interface NoticeSending {
  /** The date the notice goes out (the pass's start: a pass lasts minutes). */
  noticeDate?: Date;
  /** Whether a law-enforcement hold delayed the incident's notices (core/db/obligations `everHeld`). */
  lawEnforcementDelay?: boolean;
}

/**
 * Whether a person's notice offers identity-theft protection, so that they are given a remediation
 * code with the claim of their notice (core/db/deliveries.ts `claim`): the law requires the part for
 * their jurisdictions and categories (core/law), and they read it themselves — a representative of
 * a deceased person is told to contact the company instead.
 */
export function needsRemediationCode(context: NoticeContext, r: Recipient): boolean {
  return context.contentParts.includes('identity_theft_protection') && r.customerStatus !== 'deceased';
}

/**
 * The notice's enrolment details from a person's code: the product, its term, where and by when to
 * enrol. The vendor's enrol-by date is a calendar day; it is passed as noon UTC of that day, which
 * formats as the same day in every zone from UTC−11 to UTC+11 (core/mail formats dates in the
 * reader's zone).
 */
export function identityProtectionOf(offer: RemediationOffer): IdentityProtection {
  return {
    provider: offer.provider,
    months: offer.months,
    enrollUrl: offer.enrollUrl,
    enrollmentCode: offer.code,
    enrollBy: new Date(`${offer.enrollBy}T12:00:00Z`),
  };
}

/**
 * The renderer's input for one person: their variant's context plus who they are, read from the
 * values frozen on their record at identification (never the live customer row), and their page
 * token, which is not on the record (core/delivery/page-token.ts): the caller computes it.
 */
export function personalise(context: NoticeContext, r: Recipient, pageToken: string): IndividualNoticeInput {
  const { pageBaseUrl, ...shared } = context;
  const representative = r.customerStatus === 'deceased';
  return {
    ...shared,
    locale: r.locale,
    recipient: {
      name: representative ? (r.representativeName ?? r.fullName) : r.fullName,
      email: recipientAddress(r),
      isRepresentative: representative,
      subjectName: r.fullName,
    },
    exposed: r.categories.flatMap((category) => {
      const masked = r.maskedIdentifiers[category];
      return Array.isArray(masked) ? masked.map((m) => ({ category, masked: m })) : [{ category, masked }];
    }),
    referenceCode: r.referenceCode,
    pageUrl: `${pageBaseUrl}/n/${pageToken}`,
    // Their remediation code (issue 17), where their notice offers the service and they hold one.
    ...(r.remediation && needsRemediationCode(context, r)
      ? { identityProtection: identityProtectionOf(r.remediation) }
      : {}),
  };
}

/**
 * Turns a recipient into the renderer's input for one approved notice. Shared by delivery and the
 * approval previews, so compliance sees exactly what is sent. Content parts are computed once per
 * jurisdiction and category set. The page token is the record's (computed from its random value),
 * or `pageToken` when the caller holds it; a record from before migration 013 without one gets a
 * link that plainly does not work.
 */
export function noticeInputBuilder(
  notice: Notice,
  incident: Incident,
  config: Readonly<Config>,
  sending: NoticeSending = {},
) {
  const contextFor = noticeContextBuilder(notice, incident, config, sending);
  return (r: Recipient, pageToken?: string): IndividualNoticeInput =>
    personalise(contextFor(r), r, pageToken ?? recipientPageToken(config, r) ?? WITHHELD_TOKEN);
}

/** The bare address of a From header that may read `Name <address>`. */
export function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}
