import MailComposer from 'nodemailer/lib/mail-composer';
import type { Config } from './config';
import * as affected from './db/affected';
import * as deliveries from './db/deliveries';
import * as incidents from './db/incidents';
import * as notices from './db/notices';
import type { Pool } from './db/pool';
import { noticeMessageId } from './ids';
import { requiredContentFor } from './law';
import type { Recipient } from './db/affected';
import type { Incident } from './db/incidents';
import type { Notice } from './db/notices';
import type { SmtpPool } from './mail/smtp-pool';
import { SmtpSendError } from './mail/smtp-pool';
import { renderIndividualNotice } from './mail/render';
import type { IndividualNoticeInput } from './mail/render';
import type { TemplateCache } from './mail/template-cache';

/**
 * Sends an incident's approved notice to one shard of its affected customers, page by page, with
 * claim-then-send so that no customer is ever sent two notices:
 *
 * 1. a page of customers still pending is read by keyset (never the whole list);
 * 2. a delivery row per customer is claimed (unique per incident and customer);
 * 3. each message is rendered from the approved template snapshot and handed to the SMTP pool;
 * 4. just before the relay takes a message, its row becomes `sending` (group-committed);
 * 5. accepted messages become `sent`, failures `retrying` or `undeliverable`.
 *
 * After a crash, rows left `sending` had reached the relay whole and are counted as sent; rows left
 * `claimed` never reached it and are sent again. See README "Exactly one notice per person".
 */
export interface DeliveryDeps {
  pool: Pool;
  smtp: SmtpPool;
  templates: TemplateCache;
  config: Readonly<Config>;
  rateLimiter: RateLimiter;
}

export interface DeliveryPage {
  incidentId: string;
  noticeId: string;
  shard: number;
  shards: number;
  /** Keyset cursor: the last customer id already handled in this shard. */
  after: number;
  /** Only customers whose last attempt failed temporarily (a retry pass). */
  onlyRetrying: boolean;
}

export interface PageResult {
  /** The cursor for the next page, or null when this shard has no more customers. */
  next: number | null;
  sent: number;
  retrying: number;
  undeliverable: number;
}

export async function deliverPage(deps: DeliveryDeps, page: DeliveryPage): Promise<PageResult> {
  const { pool, config } = deps;
  const notice = await notices.get(pool, page.noticeId);
  if (!notice || notice.status !== 'approved') throw new Error(`notice ${page.noticeId} is not approved`);
  const incident = await incidents.get(pool, page.incidentId);
  if (!incident) throw new Error(`incident ${page.incidentId} not found`);

  const recipients = await affected.pendingRecipients(pool, page.incidentId, {
    shard: page.shard,
    shards: page.shards,
    after: page.after,
    limit: config.delivery.batchSize,
    onlyRetrying: page.onlyRetrying,
  });
  const result: PageResult = { next: recipients.at(-1)?.customerId ?? null, sent: 0, retrying: 0, undeliverable: 0 };
  if (recipients.length === 0) return result;

  // A crash after the commit point left these `sending`: the relay had them whole.
  const interrupted = recipients.filter((r) => r.deliveryStatus === 'sending' || r.deliveryStatus === 'sent');
  await deliveries.markSent(pool, page.incidentId, interrupted.map((r) => r.deliveryId!), true);
  result.sent += interrupted.length;

  const senderDomain = addressOf(config.mail.from).split('@')[1] ?? 'localhost';
  const toSend = recipients.filter((r) => !interrupted.includes(r));
  const claims = await deliveries.claim(
    pool,
    page.incidentId,
    page.noticeId,
    toSend.map((r) => ({
      customerId: r.customerId,
      recipient: recipientAddress(r),
      messageId: noticeMessageId(page.incidentId, r.customerId, senderDomain),
    })),
  );

  const templates = await deps.templates.get(notice.templateVersion);
  const sending = new GroupCommit((ids) => deliveries.markSending(pool, ids));
  const sentIds: number[] = [];
  const failures: deliveries.Failure[] = [];
  const noticeInput = noticeInputBuilder(notice, incident, config);

  await forEachConcurrently(toSend, config.mail.poolSize * 2, async (r) => {
    const claimRow = claims.get(r.customerId);
    if (!claimRow || claimRow.status === 'sent' || claimRow.status === 'undeliverable') return;
    const to = recipientAddress(r);
    const mail = renderIndividualNotice(templates, noticeInput(r));
    const raw = await new MailComposer({
      from: config.mail.from,
      to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: noticeMessageId(page.incidentId, r.customerId, senderDomain),
      headers: { 'X-Forthright-Reference': r.referenceCode, 'Auto-Submitted': 'auto-generated' },
    })
      .compile()
      .build();
    await deps.rateLimiter.take();
    try {
      await deps.smtp.send({ from: addressOf(config.mail.from), to }, raw, () => sending.add(claimRow.id));
      sentIds.push(claimRow.id);
    } catch (err) {
      const e = err instanceof SmtpSendError ? err : new SmtpSendError(String(err), false, String(err), false);
      failures.push({ id: claimRow.id, customerId: r.customerId, permanent: e.permanent, reply: e.reply });
    }
  });

  await deliveries.markSent(pool, page.incidentId, sentIds);
  await deliveries.markFailed(pool, page.incidentId, failures);
  result.sent += sentIds.length;
  result.retrying = failures.filter((f) => !f.permanent).length;
  result.undeliverable = failures.length - result.retrying;
  return result;
}

/** A deceased customer's notice goes to their registered representative (customers with none are `manual`). */
export function recipientAddress(r: Recipient): string {
  return r.customerStatus === 'deceased' && r.representativeEmail ? r.representativeEmail : r.email;
}

/**
 * The zone a customer's dates are shown in. The inventory has no per-customer zone, so the
 * jurisdiction's main zone is used (see core/law).
 */
function timeZoneFor(r: Recipient): string {
  return ZONES[r.region ?? ''] ?? ZONES[r.country] ?? 'UTC';
}

const ZONES: Record<string, string> = {
  'US-CA': 'America/Los_Angeles', 'US-WA': 'America/Los_Angeles', 'US-OR': 'America/Los_Angeles',
  'US-NV': 'America/Los_Angeles', 'US-TX': 'America/Chicago', 'US-IL': 'America/Chicago',
  'US-CO': 'America/Denver', 'US-AZ': 'America/Phoenix', 'US-HI': 'Pacific/Honolulu', 'US-AK': 'America/Anchorage',
  US: 'America/New_York', CA: 'America/Toronto', BR: 'America/Sao_Paulo', GB: 'Europe/London', IE: 'Europe/Dublin',
  DE: 'Europe/Berlin', FR: 'Europe/Paris', ES: 'Europe/Madrid', IT: 'Europe/Rome', NL: 'Europe/Amsterdam',
  BE: 'Europe/Brussels', AT: 'Europe/Vienna', PL: 'Europe/Warsaw', SE: 'Europe/Stockholm', PT: 'Europe/Lisbon',
  AU: 'Australia/Sydney', SG: 'Asia/Singapore', JP: 'Asia/Tokyo', KR: 'Asia/Seoul', IN: 'Asia/Kolkata',
  CN: 'Asia/Shanghai',
};

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
    const key = `${r.jurisdiction}|${r.categories.join(',')}`;
    let parts = cache.get(key);
    if (!parts) {
      parts = requiredContentFor(r.jurisdiction, r.categories, facts);
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
      exposed: r.categories.map((category) => ({ category, masked: r.maskedIdentifiers[category] })),
      referenceCode: r.referenceCode,
      pageUrl: `${config.http.publicBaseUrl}/n/${r.pageToken}`,
      contentParts: parts.parts,
      authorities: parts.authorities,
      restrictions: parts.restrictions,
    };
  };
}

export function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

/** Batches concurrent `add` calls made in the same tick into one database write. */
class GroupCommit {
  private ids: number[] = [];
  private waiting: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  constructor(private readonly write: (ids: number[]) => Promise<void>) {}

  add(id: number): Promise<void> {
    this.ids.push(id);
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    return done;
  }

  private async flush(): Promise<void> {
    const ids = this.ids;
    const waiting = this.waiting;
    this.ids = [];
    this.waiting = [];
    this.scheduled = false;
    try {
      await this.write(ids);
      for (const w of waiting) w.resolve();
    } catch (err) {
      for (const w of waiting) w.reject(err);
    }
  }
}

async function forEachConcurrently<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(runners);
}

/** Paces sends to at most `perSecond` messages a second across the worker (0 = unlimited). */
export class RateLimiter {
  private nextSlot = 0;
  constructor(private readonly perSecond: number) {}

  async take(): Promise<void> {
    if (this.perSecond <= 0) return;
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.perSecond;
    if (slot > now) await new Promise((r) => setTimeout(r, slot - now));
  }
}

export type { Notice };
