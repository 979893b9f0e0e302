import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import * as affected from '../db/affected';
import type { Recipient } from '../db/affected';
import * as deliveries from '../db/deliveries';
import * as incidents from '../db/incidents';
import * as notices from '../db/notices';
import type { Pool } from '../db/pool';
import { noticeMessageId } from '../domain/ids';
import type { SmtpPool } from '../mail/smtp-pool';
import { toSendError } from '../mail/smtp-pool';
import { renderIndividualNotice, renderedMailHash } from '../mail/render';
import type { TemplateCache } from '../mail/template-cache';
import {
  addressOf,
  composeNotice,
  isUsableAddress,
  noticeContextBuilder,
  personalise,
  recipientAddress,
} from './notice-message';
import type { NoticeContext } from './notice-message';
import { pageTokenHash, recipientPageToken } from './page-token';
import { returnPathFor } from './return-path';
import { SendContexts } from './sent-copy';
import { RateLimiter } from './rate-limiter';
import { GroupCommit, OutcomeWriter } from './write-batching';
import { IncidentNotFoundError, LeaseLostError, NoticeNotApprovedError, SmtpSendError } from '../errors';

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
 *    reached the point together); the same UPDATE records the message's content hash and the
 *    context it was rendered with, the copy of what was sent (sent-copy.ts);
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

/** Pages read ahead of the sending, so reading and claiming never stall the SMTP connections. */
const READ_AHEAD = 1;

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
  if (!notice || notice.status !== 'approved') throw new NoticeNotApprovedError(page.noticeId);
  const incident = await incidents.get(pool, page.incidentId);
  if (!incident) throw new IncidentNotFoundError(page.incidentId);
  const templates = await deps.templates.get(notice.templateVersion);
  const contextFor = noticeContextBuilder(notice, incident, config);
  // What each message is rendered from is kept with it (core/delivery/sent-copy.ts).
  const contexts = new SendContexts(pool, page.noticeId);
  const from = addressOf(config.mail.from);
  const senderDomain = from.split('@')[1] ?? 'localhost';
  // The envelope sender: each message's own return path when bounces are received
  // (return-path.ts), computed from the delivery id the claim gave (no query), else the From address.
  const envelopeFrom = (deliveryId: number) => returnPathFor(config.bounces, deliveryId) ?? from;
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

  const sending = new GroupCommit<deliveries.SendingMark, boolean>(async (marks) => {
    const held = await deliveries.markSending(pool, lease, marks);
    return marks.map((m) => held.has(m.id));
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

    // Each token is computed once: its hash is issued here, the token itself goes into the message.
    // Every record still to be sent has a random value (migration 013 gave one to those without).
    const rest = recipients
      .filter((r) => r.deliveryStatus !== 'sending' && r.deliveryStatus !== 'sent')
      .map((r) => ({ r, pageToken: recipientPageToken(config, r) }));
    // The page links about to go out start working (their hash is what a request is looked up by)
    // and their expiry starts now. Before the claim, so no message is sent with a link not yet valid.
    await affected.issuePageTokens(
      pool,
      page.incidentId,
      rest.flatMap(({ r, pageToken }) =>
        r.pageTokenHash === null && pageToken !== null
          ? [{ customerId: r.customerId, hash: pageTokenHash(pageToken) }]
          : [],
      ),
      config.pageTokens.days,
    );
    const claims = await deliveries.claim(
      pool,
      page.incidentId,
      page.noticeId,
      lease,
      rest.map(({ r }) => ({
        customerId: r.customerId,
        recipient: recipientAddress(r),
        messageId: messageIdFor(r.customerId),
        recipientVersion: r.recipientVersion,
      })),
    );
    // Someone's recipient was corrected (core/use-cases/recipients.ts) since this page was read:
    // this attempt stops, and its retry reads the page again from the settled cursor.
    const stale = rest.find(({ r }) => !claims.has(r.customerId));
    if (stale) throw new LeaseLostError(`recipient ${stale.r.customerId} was corrected while claiming`);
    const items: Outgoing[] = [];
    for (const { r, pageToken } of rest) {
      const claimed = claims.get(r.customerId);
      if (claimed?.mine) items.push({ recipient: r, deliveryId: claimed.id, pageToken });
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
      const context = contextFor(r);
      const { pageToken } = item;
      if (pageToken === null) throw new Error('no page token');
      const mail = renderIndividualNotice(templates, personalise(context, r, pageToken));
      item.copy = { context, contentHash: renderedMailHash(mail) };
      return composeNotice(mail, {
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
      const { context, contentHash } = item.copy!;
      const sendContext = await contexts.store(context);
      await limiter.take();
      await deps.smtp.send(
        { from: envelopeFrom(item.deliveryId), to: recipientAddress(r) },
        raw,
        async () => {
          if (!(await sending.add({ id: item.deliveryId, contentHash, sendContext })))
            throw new LeaseLostError(`delivery ${item.deliveryId} was taken over`);
        },
      );
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
  /** The token of the person's page link (page-token.ts), computed once when the page is read. */
  pageToken: string | null;
  /** Set once rendered: what the copy of the message records at the commit point. */
  copy?: { context: NoticeContext; contentHash: string };
}

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An error from the `sending` commit (the database), as opposed to the relay. */
function isCommitError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'severity' in err && 'code' in err;
}
