import type { Recipient } from '../db/affected';
import * as affected from '../db/affected';
import * as mailings from '../db/mailings';
import type { MailingRecipient } from '../db/mailings';
import * as notices from '../db/notices';
import { mailingMessageId } from '../domain/mailings';
import { LeaseLostError, NoticeNotApprovedError, NotFoundError } from '../errors';
import type { ExposedItem, FollowUpInput } from '../mail/render';
import { renderCustomerFollowUp, renderedMailHash } from '../mail/render';
import { addressOf, composeNotice, recipientAddress, timeZoneFor } from './notice-message';
import { WITHHELD_TOKEN } from './page-link';
import { pageTokenHash, recipientPageToken } from './page-token';
import { runShardPass } from './shard-engine';
import type { ShardPassOptions, ShardPassResult, ShardSource } from './shard-engine';
import type { DeliveryDeps } from './shard-pass';

/*
 * A further mailing's pass over one shard: the same engine as the first notice (shard-engine.ts;
 * why nobody is sent two messages: the essay in shard-pass.ts), over `mailing_deliveries`, whose
 * rows the mailing's creation wrote (core/use-cases/mailings.ts). What differs:
 * - who: the mailing's own rows still open, by keyset; a reminder's row whose person acknowledged or
 *   asked not to be reminded since the selection is `skipped`, never sent;
 * - what: the approved follow-up notice (customer-follow-up, four languages) with the person's
 *   frozen name, reference code and page link — a supplement also lists what of theirs is now known
 *   to be involved, worded as their notice words it; the row keeps the content hash of what was sent;
 * - the envelope sender is the From address, not a return path: a return path names a first
 *   notice's delivery (return-path.ts), and a bounce of a follow-up must not mark that one bounced;
 * - a mailing no longer `sending` (finished, or cancelled), or whose incident was withdrawn, sends
 *   nothing more: each page asks first.
 */

/** One pass over one shard of a mailing, from a keyset cursor. */
export interface MailingPage {
  mailingId: string;
  shard: number;
  shards: number;
  /** Keyset cursor: the last customer id already handled in this shard (0 to start). */
  after: number;
}

interface Outgoing {
  deliveryId: number;
  customerId: number;
  recipient: Recipient;
  pageToken: string | null;
}

/** The pass's result when the mailing is no longer sending: nothing done, nothing left. */
const STOPPED: ShardPassResult = { next: null, sent: 0, recovered: 0, retrying: 0, undeliverable: 0 };

/**
 * Sends a mailing's notice to one shard of its recipients, page after page, until the shard is done
 * or the budget is spent. Safe to call again with the same arguments at any time (and concurrently
 * with a stale attempt): nobody is sent a mailing twice.
 */
export async function deliverMailingShardPass(
  deps: DeliveryDeps,
  page: MailingPage,
  options: ShardPassOptions,
): Promise<ShardPassResult> {
  const { pool, config } = deps;
  const mailing = await mailings.get(pool, page.mailingId);
  if (!mailing) throw new NotFoundError(`No mailing ${page.mailingId}`);
  if (!(await mailings.maySend(pool, mailing.id))) return STOPPED;
  const notice = await notices.get(pool, mailing.noticeId);
  if (!notice || notice.status !== 'approved' || !notice.content.followUp) {
    throw new NoticeNotApprovedError(mailing.noticeId);
  }
  const followUp = notice.content.followUp;
  const templates = await deps.templates.get(notice.templateVersion);
  const from = addressOf(config.mail.from);
  const senderDomain = from.split('@')[1] ?? 'localhost';
  const messageIdFor = (customerId: number) => mailingMessageId(mailing.id, customerId, senderDomain);
  const updatedAt = notice.decidedAt ?? notice.draftedAt;

  const source: ShardSource<Outgoing> = {
    async readPage(after, limit, lease) {
      // A mailing cancelled, or its incident withdrawn, since the last page stops here.
      if (!(await mailings.maySend(pool, mailing.id))) {
        return { lastId: after, read: 0, recovered: 0, items: [] };
      }
      const rows = await mailings.openPage(pool, mailing, {
        shard: page.shard,
        shards: page.shards,
        after,
        limit,
      });
      if (rows.length === 0) return { lastId: after, read: 0, recovered: 0, items: [] };
      // A crash after the commit point left these `sending`: the relay had them whole.
      const interrupted = rows.filter((r) => r.mailingDeliveryStatus === 'sending');
      await mailings.markSent(
        pool,
        interrupted.map((r) => r.mailingDeliveryId),
        true,
      );
      const open = rows.filter((r) => r.mailingDeliveryStatus !== 'sending');
      // A reminder to someone who acknowledged or opted out since the selection is not sent.
      await mailings.skip(
        pool,
        open.filter((r) => r.noLongerWanted).map((r) => r.mailingDeliveryId),
      );
      const rest = open
        .filter((r) => !r.noLongerWanted)
        .map((r) => ({ r: asRecipient(r), id: r.mailingDeliveryId }))
        .map(({ r, id }) => ({ r, id, pageToken: recipientPageToken(config, r) }));
      // Someone listed who never had a page link (their first notice was a letter) gets one that works.
      await affected.issuePageTokens(
        pool,
        mailing.incidentId,
        rest.flatMap(({ r, pageToken }) =>
          r.pageTokenHash === null && pageToken !== null
            ? [{ customerId: r.customerId, hash: pageTokenHash(pageToken) }]
            : [],
        ),
        config.pageTokens.days,
      );
      const claimed = await mailings.claim(
        pool,
        lease,
        rest.map(({ r, id }) => ({
          id,
          recipient: recipientAddress(r),
          messageId: messageIdFor(r.customerId),
          recipientVersion: r.recipientVersion,
        })),
      );
      // A row not claimed was corrected (core/use-cases/recipients.ts) or taken past the commit
      // point by another attempt since it was read: this attempt stops, its retry reads it again.
      const lost = rest.find(({ id }) => !claimed.has(id));
      if (lost) throw new LeaseLostError(`mailing delivery ${lost.id} changed while claiming`);
      return {
        lastId: rows.at(-1)!.customerId,
        read: rows.length,
        recovered: interrupted.length,
        items: rest.map(({ r, id, pageToken }) => ({
          deliveryId: id,
          customerId: r.customerId,
          recipient: r,
          pageToken,
        })),
      };
    },
    recipient: (item) => recipientAddress(item.recipient),
    envelopeFrom: () => from,
    prepare(item) {
      const r = item.recipient;
      const representative = r.customerStatus === 'deceased';
      const input: FollowUpInput = {
        locale: r.locale,
        timeZone: timeZoneFor(r),
        recipient: {
          name: representative ? (r.representativeName ?? r.fullName) : r.fullName,
          email: recipientAddress(r),
          isRepresentative: representative,
          subjectName: r.fullName,
        },
        company: notice.content.company,
        incident: { title: notice.content.title },
        update: followUp.update,
        ...(followUp.updateTranslations ? { updateTranslations: followUp.updateTranslations } : {}),
        updatedAt,
        referenceCode: r.referenceCode,
        pageUrl: `${config.http.publicBaseUrl}/n/${item.pageToken ?? WITHHELD_TOKEN}`,
        // A supplement says what of theirs is now known to be involved, as their notice words it.
        ...(mailing.kind === 'supplement' ? { exposed: exposedOf(r) } : {}),
      };
      const mail = renderCustomerFollowUp(templates, input);
      return {
        contentHash: renderedMailHash(mail),
        sendContext: () => Promise.resolve(null),
        raw: composeNotice(mail, {
          from: config.mail.from,
          to: recipientAddress(r),
          messageId: messageIdFor(r.customerId),
          referenceCode: r.referenceCode,
        }),
      };
    },
    markSending: (lease, marks) => mailings.markSending(pool, lease, marks),
    async writeOutcomes(lease, sent, failures) {
      await mailings.markSent(pool, sent);
      await mailings.markFailed(pool, lease, failures);
    },
  };
  return runShardPass(deps, source, page, options);
}

/** A person's exposed data as their notice lists it (core/delivery/notice-message.ts `personalise`). */
function exposedOf(r: Recipient): ExposedItem[] {
  return r.categories.flatMap((category) => {
    const masked = r.maskedIdentifiers[category];
    return Array.isArray(masked) ? masked.map((m) => ({ category, masked: m })) : [{ category, masked }];
  });
}

/** A mailing's row as the notice helpers take a recipient (they read only the person's fields). */
function asRecipient(r: MailingRecipient): Recipient {
  return { ...r, deliveryId: r.mailingDeliveryId, deliveryStatus: r.mailingDeliveryStatus, attempts: 0 };
}
