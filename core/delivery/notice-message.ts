import type { Config } from '../config';
import type { Recipient } from '../db/affected';
import type { Incident } from '../db/incidents';
import type { Notice } from '../db/notices';
import { jurisdictionTimeZone, requiredContentFor } from '../law';
import { composeMessage } from '../mail/compose';
import type { IndividualNoticeInput } from '../mail/render';

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

/** A deceased customer's notice goes to their registered representative (customers with none are `manual`). */
export function recipientAddress(r: Recipient): string {
  return r.customerStatus === 'deceased' && r.representativeEmail ? r.representativeEmail : r.email;
}

/**
 * The zone a customer's dates are shown in. The inventory has no per-customer zone, so the
 * jurisdiction's, as its law rules count days (core/law `jurisdictionTimeZone`).
 */
function timeZoneFor(r: Recipient): string {
  return jurisdictionTimeZone(r.region ?? '') ?? jurisdictionTimeZone(r.country) ?? 'UTC';
}

/**
 * Turns a recipient into the renderer's input for one approved notice. Shared by delivery and the
 * approval previews, so compliance sees exactly what is sent. Content parts are computed once per
 * jurisdiction and category set.
 */
export function noticeInputBuilder(notice: Notice, incident: Incident, config: Readonly<Config>) {
  const cache = new Map<string, ReturnType<typeof requiredContentFor>>();
  const facts = {
    discoveredAt: incident.discoveredAt,
    encrypted: incident.encrypted,
    keyCompromised: incident.keyCompromised,
    materialityDeterminedAt: null,
    regimes: config.company.regimes,
  };
  return (r: Recipient): IndividualNoticeInput => {
    // A person's records merged from other jurisdictions: the notice meets each one's content rules.
    const jurisdictions = r.noticeJurisdictions ?? [r.jurisdiction];
    const key = `${jurisdictions.join('+')}|${r.categories.join(',')}`;
    let parts = cache.get(key);
    if (!parts) {
      parts = requiredContentFor(jurisdictions, r.categories, facts);
      cache.set(key, parts);
    }
    const representative = r.customerStatus === 'deceased';
    return {
      locale: r.locale,
      timeZone: timeZoneFor(r),
      recipient: {
        name: representative ? (r.representativeName ?? r.fullName) : r.fullName,
        email: recipientAddress(r),
        isRepresentative: representative,
        subjectName: r.fullName,
      },
      company: notice.content.company,
      incident: {
        title: notice.content.title,
        whatHappened: notice.content.whatHappened,
        whatWeAreDoing: notice.content.whatWeAreDoing,
        discoveredAt: incident.discoveredAt,
        occurredFrom: incident.occurredFrom,
        occurredTo: incident.occurredTo,
      },
      exposed: r.categories.flatMap((category) => {
        const masked = r.maskedIdentifiers[category];
        return Array.isArray(masked) ? masked.map((m) => ({ category, masked: m })) : [{ category, masked }];
      }),
      referenceCode: r.referenceCode,
      pageUrl: `${config.http.publicBaseUrl}/n/${r.pageToken}`,
      contentParts: parts.parts,
      authorities: parts.authorities,
      restrictions: parts.restrictions,
    };
  };
}

/** The bare address of a From header that may read `Name <address>`. */
export function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}
