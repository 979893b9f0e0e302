import type { Config } from '../config';
import * as affected from '../db/affected';
import type { Recipient } from '../db/affected';
import * as deliveries from '../db/deliveries';
import * as incidents from '../db/incidents';
import * as notices from '../db/notices';
import * as obligations from '../db/obligations';
import type { Pool } from '../db/pool';
import { noticeMessageId } from '../domain/ids';
import type { MailSender } from '../mail/smtp-pool';
import { renderIndividualNotice, renderedMailHash } from '../mail/render';
import type { TemplateCache } from '../mail/template-cache';
import {
  addressOf,
  composeNotice,
  needsRemediationCode,
  noticeContextBuilder,
  personalise,
  recipientAddress,
} from './notice-message';
import { pageTokenHash, recipientPageToken } from './page-token';
import { returnPathFor } from './return-path';
import { SendContexts } from './sent-copy';
import { runShardPass } from './shard-engine';
import type { ShardPassOptions, ShardPassResult, ShardSource } from './shard-engine';
import { IncidentNotFoundError, LeaseLostError, NoticeNotApprovedError } from '../errors';

/*
 * Delivery of an incident's approved notice: exactly one notice per affected person.
 *
 * ## How a shard is sent
 * (The paging, sending and commit point below are the shard engine's, shard-engine.ts, which further
 * mailings share, mailing-pass.ts; this file says what is particular to the first notice.)
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
 * With several relays (core/mail/relay-set.ts) the same point decides: a message whose commit was
 * never reached may be sent through another relay (the first never held it whole); once the commit
 * is reached, whatever the relay answers is final and no other relay is tried. The mark records
 * which relay holds the message (`deliveries.relay`).
 * What does not hold, and cannot without the relay's help: a crash in the microseconds between
 * the commit and the write of "." loses that message (counted sent, never completed — lost, not
 * duplicated); a relay that refuses a message only after its "." (a reply after the commit point)
 * while the worker crashes before recording the refusal leaves it counted sent. The stable
 * Message-ID lets a relay or mailbox that de-duplicates recognise a resend anyway.
 *
 * After a restore from a backup, the database is behind the relay: a notice claimed or not yet
 * claimed in the backup may have been sent after it. The restore holds each such notice (a `held`
 * row, core/use-cases/restores.ts); no pass reads a held row (`NOT_HELD_SQL`) and no claim takes
 * one (`claim` takes only `claimed` and `retrying` rows), so only an operator's release sends it.
 */

export interface DeliveryDeps {
  pool: Pool;
  smtp: MailSender;
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

// The pass's options and result are the engine's (shard-engine.ts), named here for this module's callers.
export type { ShardPassOptions, ShardPassResult };

/**
 * Sends the notice to one shard, page after page, until the shard is done or the budget is spent;
 * see the comment at the top of this file. Safe to call again with the same arguments at any time
 * (and concurrently with a stale attempt): nobody is sent two notices. The paging, sending and
 * commit point are the shard engine's (shard-engine.ts), shared with further mailings; what is
 * particular to the first notice is below: who is read, how they are claimed, what is rendered.
 */
export async function deliverShardPass(
  deps: DeliveryDeps,
  page: DeliveryPage,
  options: ShardPassOptions,
): Promise<ShardPassResult> {
  const { pool, config } = deps;
  const notice = await notices.get(pool, page.noticeId);
  if (!notice || notice.status !== 'approved') throw new NoticeNotApprovedError(page.noticeId);
  const incident = await incidents.get(pool, page.incidentId);
  if (!incident) throw new IncidentNotFoundError(page.incidentId);
  const templates = await deps.templates.get(notice.templateVersion);
  // California's notice states its date and whether a law-enforcement hold delayed it.
  const contextFor = noticeContextBuilder(notice, incident, config, {
    noticeDate: new Date(),
    lawEnforcementDelay: await obligations.everHeld(pool, page.incidentId),
  });
  // What each message is rendered from is kept with it (core/delivery/sent-copy.ts).
  const contexts = new SendContexts(pool, page.noticeId);
  const from = addressOf(config.mail.from);
  const senderDomain = from.split('@')[1] ?? 'localhost';
  const messageIdFor = (customerId: number) => noticeMessageId(page.incidentId, customerId, senderDomain);

  const source: ShardSource<Outgoing> = {
    async readPage(after, limit, lease) {
      const recipients = await affected.pendingRecipients(pool, page.incidentId, {
        shard: page.shard,
        shards: page.shards,
        after,
        limit,
        onlyRetrying: page.onlyRetrying,
      });
      if (recipients.length === 0) return { lastId: after, read: 0, recovered: 0, items: [] };

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
          // A remediation code is given with the claim to whoever's notice offers the service.
          needsCode: needsRemediationCode(contextFor(r), r),
        })),
      );
      // Someone's recipient was corrected (core/use-cases/recipients.ts) since this page was read:
      // this attempt stops, and its retry reads the page again from the settled cursor.
      const stale = rest.find(({ r }) => !claims.has(r.customerId));
      if (stale) throw new LeaseLostError(`recipient ${stale.r.customerId} was corrected while claiming`);
      const items: Outgoing[] = [];
      for (const { r, pageToken } of rest) {
        const claimed = claims.get(r.customerId);
        if (claimed?.mine) {
          // The code the claim gave (or had given) goes into the message.
          const recipient =
            claimed.remediation === undefined ? r : { ...r, remediation: claimed.remediation };
          items.push({ recipient, deliveryId: claimed.id, customerId: r.customerId, pageToken });
        }
        // Not mine: past the commit point in another attempt, or finished; that attempt records it.
      }
      return {
        lastId: recipients.at(-1)!.customerId,
        read: recipients.length,
        recovered: interrupted.length,
        items,
      };
    },
    recipient: (item) => recipientAddress(item.recipient),
    // The envelope sender: each message's own return path when bounces are received
    // (return-path.ts), computed from the delivery id the claim gave (no query), else the From address.
    envelopeFrom: (item) => returnPathFor(config.bounces, item.deliveryId) ?? from,
    prepare(item) {
      const r = item.recipient;
      const context = contextFor(r);
      const { pageToken } = item;
      if (pageToken === null) throw new Error('no page token');
      const mail = renderIndividualNotice(templates, personalise(context, r, pageToken));
      return {
        contentHash: renderedMailHash(mail),
        sendContext: () => contexts.store(context),
        raw: composeNotice(mail, {
          from: config.mail.from,
          to: recipientAddress(r),
          messageId: messageIdFor(r.customerId),
          referenceCode: r.referenceCode,
        }),
      };
    },
    markSending: (lease, marks) =>
      deliveries.markSending(
        pool,
        lease,
        // Every first-notice mark carries its context's key (`contexts.store` above never gives null).
        marks.map((m) => ({
          id: m.id,
          contentHash: m.contentHash,
          sendContext: m.sendContext ?? '',
          relay: m.relay,
        })),
      ),
    async writeOutcomes(lease, sent, failures) {
      await deliveries.markSent(pool, page.incidentId, sent);
      await deliveries.markFailed(pool, page.incidentId, lease, failures);
    },
  };
  return runShardPass(deps, source, page, options);
}

interface Outgoing {
  recipient: Recipient;
  deliveryId: number;
  customerId: number;
  /** The token of the person's page link (page-token.ts), computed once when the page is read. */
  pageToken: string | null;
}
