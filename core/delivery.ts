import { randomUUID } from 'node:crypto';
import type { Config } from './config';
import * as affected from './db/affected';
import * as audit from './db/audit';
import * as deliveries from './db/deliveries';
import * as incidents from './db/incidents';
import * as notices from './db/notices';
import * as obligations from './db/obligations';
import type { Obligation } from './db/obligations';
import type { Pool, Queryable } from './db/pool';
import { inTransaction } from './db/pool';
import * as users from './db/users';
import { noticeMessageId } from './domain/ids';
import { requiredContentFor } from './law';
import type { Recipient } from './db/affected';
import type { Incident } from './db/incidents';
import type { Notice } from './db/notices';
import { composeMessage } from './mail/compose';
import type { SmtpPool } from './mail/smtp-pool';
import { SmtpSendError, toSendError } from './mail/smtp-pool';
import { renderIndividualNotice } from './mail/render';
import type { IndividualNoticeInput } from './mail/render';
import type { StaffAlert, StaffMailer } from './mail/staff-mailer';
import type { TemplateCache } from './mail/template-cache';

/*
 * Delivery of an incident's approved notice: exactly one notice per affected person.
 *
 * ## How a shard is sent
 * Affected customers are split into shards by customer id modulo DELIVERY_SHARDS; each shard is a
 * child workflow that calls `deliverBatch` (activities/index.ts) again and again, and each call
 * runs `deliverShardPass` below for up to a time budget:
 *
 * 1. pages of customers still pending are read by keyset (customer id > cursor, never the whole
 *    list), one page ahead of the sending;
 * 2. a delivery row per customer is claimed for this attempt (unique per incident and customer,
 *    with a stable Message-ID), in one statement per page;
 * 3. each message is rendered from the approved template snapshot (compiled once per version),
 *    composed, and handed to the SMTP pool, several at a time;
 * 4. when the relay holds a message's whole body, its row becomes `sending` — the commit point —
 *    and only then is the final "." written (group-committed: one UPDATE for all messages that
 *    reached the point together);
 * 5. accepted messages become `sent` (their customer `notified`), failures `retrying` or
 *    `undeliverable`, written in batches behind the sending;
 * 6. the cursor up to which every customer is settled is reported (heartbeat); a retried attempt
 *    resumes from it.
 *
 * ## Exactly one notice per person: what holds, and why
 * A message is completed (its final "." written) only after its `sending` mark is committed, and a
 * delivery row leaves `claimed`/`retrying` only by that mark. So after any crash of the worker:
 * - a row still `claimed` or `retrying` never had its "." written: the relay discarded the
 *   unfinished transaction, and sending it again is safe;
 * - a row `sending` had its whole message at the relay with the commit recorded: it is counted as
 *   sent ("accepted before an interruption") and never sent again.
 * Two attempts never both send a row: each attempt claims with a lease of its own, a later attempt
 * takes over rows still `claimed`/`retrying`, and the commit (`markSending`) only succeeds for the
 * lease that holds the row — an attempt that lost it abandons the message.
 * What does not hold, and cannot without the relay's help: a crash in the microseconds between
 * the commit and the write of "." loses that message (counted sent, never completed — lost, not
 * duplicated); a relay that refuses a message only after its "." (a reply after the commit point)
 * while the worker crashes before recording the refusal leaves it counted sent. The stable
 * Message-ID lets a relay or mailbox that de-duplicates recognise a resend anyway.
 */

export interface DeliveryDeps {
  pool: Pool;
  smtp: SmtpPool;
  templates: TemplateCache;
  config: Readonly<Config>;
}

/** One pass over one shard, from a keyset cursor. */
export interface DeliveryPage {
  incidentId: string;
  noticeId: string;
  shard: number;
  shards: number;
  /** Keyset cursor: the last customer id already handled in this shard (0 to start). */
  after: number;
  /** A retry pass (for the record: every pass reads everyone still pending, see `pendingRecipients`). */
  onlyRetrying: boolean;
}

export interface ShardPassOptions {
  /** Stop reading new pages after this many milliseconds; pages already read are finished. */
  budgetMs: number;
  /**
   * Called with the cursor up to which every customer of the shard is settled (sent, failed or
   * handed to another attempt, and recorded) whenever it moves: what a retry resumes from.
   */
  onProgress?: (cursor: number) => void;
  /** Stops reading new pages (activity cancellation, worker shutdown). */
  signal?: AbortSignal;
  /** This attempt's lease on the rows it claims. @default a new random id */
  lease?: string;
}

export interface ShardPassResult {
  /** The cursor for the next call, or null when the shard has nobody left in this pass. */
  next: number | null;
  sent: number;
  /** Found `sending` after an interruption and counted as sent. */
  recovered: number;
  retrying: number;
  undeliverable: number;
}

/** Thrown when another attempt has taken this attempt's claims over: this one is stale and stops. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/** Pages read ahead of the sending, so reading and claiming never stall the SMTP connections. */
const READ_AHEAD = 1;
/** Outcomes are written once this many are waiting, or after FLUSH_MS. */
const FLUSH_MS = 200;

/**
 * Sends the notice to one shard, page after page, until the shard is done or the budget is spent;
 * see the comment at the top of this file. Safe to call again with the same arguments at any time
 * (and concurrently with a stale attempt): nobody is sent two notices.
 */
export async function deliverShardPass(
  deps: DeliveryDeps,
  page: DeliveryPage,
  options: ShardPassOptions,
): Promise<ShardPassResult> {
  const { pool, config } = deps;
  const lease = options.lease ?? randomUUID();
  const started = Date.now();
  const notice = await notices.get(pool, page.noticeId);
  if (!notice || notice.status !== 'approved') throw new Error(`notice ${page.noticeId} is not approved`);
  const incident = await incidents.get(pool, page.incidentId);
  if (!incident) throw new Error(`incident ${page.incidentId} not found`);
  const templates = await deps.templates.get(notice.templateVersion);
  const inputFor = noticeInputBuilder(notice, incident, config);
  const from = addressOf(config.mail.from);
  const senderDomain = from.split('@')[1] ?? 'localhost';
  const messageIdFor = (customerId: number) => noticeMessageId(page.incidentId, customerId, senderDomain);

  // The configured rate is the total across shards (and so across workers): each shard takes its share.
  const limiter = new RateLimiter(config.mail.ratePerSecond / page.shards);
  // With a rate limit, a page is never more than ~10 s of sending, so heartbeats and budgets hold.
  const pageSize =
    config.mail.ratePerSecond > 0
      ? Math.max(
          1,
          Math.min(config.delivery.batchSize, Math.ceil((config.mail.ratePerSecond / page.shards) * 10)),
        )
      : config.delivery.batchSize;

  const result: ShardPassResult = { next: page.after, sent: 0, recovered: 0, retrying: 0, undeliverable: 0 };
  let fatal: unknown;
  const fail = (err: unknown) => {
    fatal ??= err;
  };

  const sending = new GroupCommit<number, boolean>(async (ids) => {
    const held = await deliveries.markSending(pool, lease, ids);
    return ids.map((id) => held.has(id));
  });
  const outcomes = new OutcomeWriter(pool, page.incidentId, lease, config.delivery.batchSize);

  // Pages in customer order; the settled cursor moves over a page once all of it is recorded.
  interface PageState {
    lastId: number;
    outstanding: number;
    recorded: Promise<void> | null;
  }
  const pages: PageState[] = [];
  let settledCursor = page.after;
  const advance = () => {
    while (pages.length > 0 && pages[0]!.outstanding === 0 && pages[0]!.recorded === null) {
      settledCursor = pages.shift()!.lastId;
      options.onProgress?.(settledCursor);
    }
  };
  const settle = (state: PageState) => {
    state.outstanding--;
    if (state.outstanding > 0) return;
    // Settled once the outcomes written so far (this page's included) are committed.
    state.recorded = outcomes.flush().then(() => {
      state.recorded = null;
      advance();
    }, fail);
  };

  // Reading: one page ahead of the sending.
  let exhausted = false;
  let cursor = page.after;
  const readPage = async (): Promise<{ state: PageState; items: Outgoing[] } | null> => {
    const recipients = await affected.pendingRecipients(pool, page.incidentId, {
      shard: page.shard,
      shards: page.shards,
      after: cursor,
      limit: pageSize,
      onlyRetrying: page.onlyRetrying,
    });
    if (recipients.length < pageSize) exhausted = true;
    if (recipients.length === 0) return null;
    cursor = recipients.at(-1)!.customerId;

    // A crash after the commit point left these `sending`: the relay had them whole.
    const interrupted = recipients.filter(
      (r) => r.deliveryStatus === 'sending' || r.deliveryStatus === 'sent',
    );
    await deliveries.markSent(
      pool,
      page.incidentId,
      interrupted.map((r) => r.deliveryId!),
      true,
    );
    result.recovered += interrupted.length;

    const rest = recipients.filter((r) => r.deliveryStatus !== 'sending' && r.deliveryStatus !== 'sent');
    const claims = await deliveries.claim(
      pool,
      page.incidentId,
      page.noticeId,
      lease,
      rest.map((r) => ({
        customerId: r.customerId,
        recipient: recipientAddress(r),
        messageId: messageIdFor(r.customerId),
      })),
    );
    const items: Outgoing[] = [];
    for (const r of rest) {
      const claimed = claims.get(r.customerId);
      if (claimed?.mine) items.push({ recipient: r, deliveryId: claimed.id });
      // Not mine: past the commit point in another attempt, or finished; that attempt records it.
    }
    const state: PageState = { lastId: cursor, outstanding: items.length + 1, recorded: null };
    pages.push(state);
    return { state, items };
  };

  // Rendering and composing are the CPU work; they happen one message per turn of the event loop
  // (so SMTP replies and commits are handled between two messages, not after a burst of them) and
  // only as far ahead as the connections can take (sendConcurrency below).
  const prepare = (item: Outgoing): Promise<Buffer> | null => {
    const r = item.recipient;
    const to = recipientAddress(r);
    if (!isUsableAddress(to)) {
      outcomes.failed({
        id: item.deliveryId,
        customerId: r.customerId,
        permanent: true,
        reply: 'invalid recipient address',
      });
      result.undeliverable++;
      return null;
    }
    try {
      return composeNotice(renderIndividualNotice(templates, inputFor(r)), {
        from: config.mail.from,
        to,
        messageId: messageIdFor(r.customerId),
        referenceCode: r.referenceCode,
      });
    } catch (err) {
      // A notice that cannot be rendered for this person is not sent; it is listed for substitute notice.
      outcomes.failed({
        id: item.deliveryId,
        customerId: r.customerId,
        permanent: true,
        reply: `not rendered: ${String(err)}`,
      });
      result.undeliverable++;
      return null;
    }
  };

  const send = async (item: Outgoing, raw: Buffer, state: PageState): Promise<void> => {
    const r = item.recipient;
    try {
      await limiter.take();
      await deps.smtp.send({ from, to: recipientAddress(r) }, raw, async () => {
        if (!(await sending.add(item.deliveryId)))
          throw new LeaseLostError(`delivery ${item.deliveryId} was taken over`);
      });
      outcomes.sent(item.deliveryId);
      result.sent++;
    } catch (err) {
      if (err instanceof LeaseLostError) return fail(err);
      // The commit itself failed (the database): the message was abandoned, its row is still ours
      // and `claimed`; the attempt stops and its retry sends it.
      if (isCommitError(err)) return fail(err);
      const e = err instanceof SmtpSendError ? err : toSendError(err, false);
      outcomes.failed({
        id: item.deliveryId,
        customerId: r.customerId,
        permanent: e.permanent,
        reply: e.reply,
      });
      if (e.permanent) result.undeliverable++;
      else result.retrying++;
    } finally {
      settle(state);
    }
  };

  // Messages handed to the pool at once: enough to queue one behind each busy connection.
  const sendConcurrency = Math.max(2, config.mail.poolSize * 2);
  const inFlight = new Set<Promise<void>>();
  const ahead: Promise<{ state: PageState; items: Outgoing[] } | null>[] = [];
  const wantMore = () =>
    !exhausted && fatal === undefined && !options.signal?.aborted && Date.now() - started < options.budgetMs;
  try {
    const fill = () => {
      while (ahead.length < READ_AHEAD && wantMore()) {
        // Reads are chained: each starts from the cursor the previous one left.
        const previous = ahead.at(-1) ?? Promise.resolve(null);
        ahead.push(previous.then(() => (wantMore() ? readPage() : null)));
      }
    };
    fill();
    while (ahead.length > 0) {
      const next = await ahead.shift()!;
      fill();
      if (!next) continue;
      for (const item of next.items) {
        while (inFlight.size >= sendConcurrency) await Promise.race(inFlight);
        if (fatal !== undefined) break;
        const raw = prepare(item);
        if (raw === null) {
          settle(next.state);
        } else {
          const state = next.state;
          const p = raw
            .then(
              (b) => send(item, b, state),
              (err: unknown) => {
                outcomes.failed({
                  id: item.deliveryId,
                  customerId: item.recipient.customerId,
                  permanent: true,
                  reply: `not composed: ${String(err)}`,
                });
                result.undeliverable++;
                settle(state);
              },
            )
            .catch(fail);
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
        }
        // One message per turn: replies and commits waiting in the poll phase go first.
        await yieldToIo();
      }
      settle(next.state); // the page's own share: it is fully handed out
      if (fatal !== undefined) break;
    }
  } catch (err) {
    fail(err);
  }
  // Reads still running are awaited so that nothing touches the database after we return.
  await Promise.allSettled(ahead);
  await Promise.allSettled(inFlight);
  await outcomes.flush().catch(fail);
  await Promise.allSettled(pages.map((p) => p.recorded));
  advance();
  if (fatal !== undefined) throw fatal;
  result.next = exhausted && pages.length === 0 && settledCursor === cursor ? null : settledCursor;
  return result;
}

interface Outgoing {
  recipient: Recipient;
  deliveryId: number;
}

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An error from the `sending` commit (the database), as opposed to the relay. */
function isCommitError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'severity' in err && 'code' in err;
}

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
 * jurisdiction's main zone is used (see core/law).
 */
function timeZoneFor(r: Recipient): string {
  return ZONES[r.region ?? ''] ?? ZONES[r.country] ?? 'UTC';
}

// prettier-ignore
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

export function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

// --- Rate and forecast ------------------------------------------------------------------------------

/** How fast an incident's notices are going out, and when the last one is expected to. */
export interface DeliveryProgress {
  /** Notices recorded sent over the last minute (or since sending began, if later) per second. */
  ratePerSecond: number;
  /** Notices recorded sent in that window. */
  sentLastMinute: number;
  /** Affected customers still waiting for a notice (pending, including those retrying). */
  remaining: number;
  /**
   * When the last notice is expected to go out at the current rate: `measuredAt` when none remain,
   * null while nothing is being sent (not started, waiting for a retry pass, or stopped).
   */
  forecastAt: Date | null;
  /** The window the rate was measured over, in seconds: 60, or less when sending began later. */
  windowSeconds: number;
  /** The database clock at the measurement. */
  measuredAt: Date;
}

/**
 * The current sending rate and the forecast of the last notice, from deliveries' sent_at over the
 * last minute. Two index scans; cheap enough to call on every page view or progress poll.
 */
export async function deliveryProgress(db: Queryable, incidentId: string): Promise<DeliveryProgress> {
  const r = await deliveries.sendingRate(db, incidentId);
  const ratePerSecond = r.windowSeconds > 0 ? r.sent / r.windowSeconds : 0;
  const forecastAt =
    r.remaining === 0
      ? r.at
      : ratePerSecond > 0
        ? new Date(r.at.getTime() + (r.remaining / ratePerSecond) * 1000)
        : null;
  return {
    ratePerSecond,
    sentLastMinute: r.sent,
    remaining: r.remaining,
    forecastAt,
    windowSeconds: r.windowSeconds,
    measuredAt: r.at,
  };
}

/** A forecast from less sending than this is not trusted enough to raise an alarm. */
const MIN_FORECAST_WINDOW_SECONDS = 10;

/**
 * Warns once when the forecast of the last notice passes the earliest pending deadline for
 * notifying individuals: an audit entry `delivery_forecast_late` and a `forecast_late` alert to
 * compliance and the officer who opened the incident. Idempotent per obligation and deadline (a
 * deadline moved by a hold can warn again); shards checking at once take turns (advisory lock).
 * Returns whether it warned now.
 */
export async function warnIfForecastLate(
  deps: { pool: Pool; staffMailer: StaffMailer },
  incidentId: string,
): Promise<boolean> {
  const { pool } = deps;
  const progress = await deliveryProgress(pool, incidentId);
  if (progress.forecastAt === null || progress.remaining === 0) return false;
  if (progress.windowSeconds < MIN_FORECAST_WINDOW_SECONDS) return false;
  const due = earliestIndividualsDeadline(await obligations.current(pool, incidentId));
  if (!due || progress.forecastAt.getTime() <= due.dueAt.getTime()) return false;
  const key = `delivery_forecast_late:${due.id}:${due.dueAt.getTime()}`;
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`,
      [key],
    );
    if (!rows[0]!.locked || (await audit.exists(tx, key))) return false;
    const incident = await incidents.get(tx, incidentId);
    if (!incident) return false;
    const compliance = await users.listByRole(tx, 'compliance');
    const officer = await users.findById(tx, incident.openedBy);
    const to = [...new Set([...compliance, ...(officer ? [officer] : [])].map((u) => u.email))];
    // forecastAt travels with the alert for the template's "expected to finish" line.
    const alert: StaffAlert & { forecastAt: Date } = {
      kind: 'forecast_late',
      incident,
      obligation: due,
      waitsOnApproval: false,
      forecastAt: progress.forecastAt!,
    };
    await deps.staffMailer.sendOnce(key, to, alert);
    await audit.append(tx, {
      incidentId,
      actor: 'system',
      action: 'delivery_forecast_late',
      detail: {
        obligationId: due.id,
        jurisdiction: due.jurisdiction,
        dueAt: due.dueAt,
        forecastAt: progress.forecastAt,
        ratePerSecond: Math.round(progress.ratePerSecond * 10) / 10,
        remaining: progress.remaining,
        recipients: to.length,
      },
      dedupeKey: key,
    });
    return true;
  });
}

function earliestIndividualsDeadline(list: Obligation[]): (Obligation & { dueAt: Date }) | undefined {
  return list
    .filter(
      (o): o is Obligation & { dueAt: Date } =>
        o.audience === 'individuals' && o.status === 'pending' && o.dueAt !== null && o.heldSince === null,
    )
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())[0];
}

// --- Plumbing -------------------------------------------------------------------------------------

/**
 * Group commit: `add` calls made in the same turn of the event loop are written by one statement,
 * and while MAX_WRITES statements are in flight further calls wait and are written together by the
 * next; so the number of statements adapts to the database's latency instead of growing with the
 * rate, and a message waits about one round trip, not two.
 */
class GroupCommit<K, R> {
  private static readonly MAX_WRITES = 3;
  private keys: K[] = [];
  private waiting: { resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private inFlight = 0;
  constructor(private readonly write: (keys: K[]) => Promise<R[]>) {}

  add(key: K): Promise<R> {
    this.keys.push(key);
    const done = new Promise<R>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.schedule();
    return done;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= GroupCommit.MAX_WRITES || this.keys.length === 0) return;
    this.scheduled = true;
    // Let the other messages that reached the point in this turn join.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.keys.length === 0) return;
    const keys = this.keys;
    const waiting = this.waiting;
    this.keys = [];
    this.waiting = [];
    this.inFlight++;
    try {
      const results = await this.write(keys);
      waiting.forEach((w, i) => w.resolve(results[i]!));
    } catch (err) {
      for (const w of waiting) w.reject(err);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}

/**
 * Outcomes (sent, failed) wait here and are written in batches, one write at a time, off the
 * sending path. `flush()` resolves once everything added before it is committed.
 */
class OutcomeWriter {
  private sentIds: number[] = [];
  private failures: deliveries.Failure[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly incidentId: string,
    private readonly lease: string,
    private readonly batch: number,
  ) {}

  sent(id: number): void {
    this.sentIds.push(id);
    this.schedule();
  }

  failed(f: deliveries.Failure): void {
    this.failures.push(f);
    this.schedule();
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const sent = this.sentIds;
    const failures = this.failures;
    this.sentIds = [];
    this.failures = [];
    if (sent.length > 0 || failures.length > 0) {
      this.chain = this.chain.then(async () => {
        await deliveries.markSent(this.pool, this.incidentId, sent);
        await deliveries.markFailed(this.pool, this.incidentId, this.lease, failures);
      });
    }
    return this.chain;
  }

  private schedule(): void {
    if (this.sentIds.length + this.failures.length >= this.batch) {
      this.flush().catch(() => undefined); // surfaced by the page's own flush
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush().catch(() => undefined), FLUSH_MS);
    }
  }
}

/** Paces sends to at most `perSecond` messages a second (0 = unlimited). */
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
