// Activities of the naive design (bench only): each email is a claim, a render, a send through the
// same gated SMTP pool and a record — four database round trips and one activity per message.
import { randomUUID } from 'node:crypto';
import type { ActivityDeps } from '../../activities';
import * as affected from '../../core/db/affected';
import * as deliveries from '../../core/db/deliveries';
import * as incidents from '../../core/db/incidents';
import * as notices from '../../core/db/notices';
import { addressOf, composeNotice, noticeInputBuilder, recipientAddress } from '../../core/delivery';
import { noticeMessageId } from '../../core/domain/ids';
import { SmtpSendError } from '../../core/errors';
import { renderIndividualNotice } from '../../core/mail/render';

export function createNaiveActivities(deps: ActivityDeps) {
  const { pool, config } = deps;
  // The notice and incident never change during delivery: read once per worker, as a careful
  // per-email design would, so that the comparison is about the shape, not about waste.
  const context = new Map<string, Promise<{ notice: notices.Notice; incident: incidents.Incident }>>();
  const contextFor = (incidentId: string, noticeId: string) => {
    let c = context.get(noticeId);
    if (!c) {
      c = Promise.all([notices.get(pool, noticeId), incidents.get(pool, incidentId)]).then(
        ([notice, incident]) => ({ notice: notice!, incident: incident! }),
      );
      context.set(noticeId, c);
    }
    return c;
  };
  return {
    async listPendingIds(input: { incidentId: string; after: number; limit: number }): Promise<number[]> {
      const page = await affected.pendingRecipients(pool, input.incidentId, {
        shard: 0,
        shards: 1,
        after: input.after,
        limit: input.limit,
        onlyRetrying: false,
      });
      return page.map((r) => r.customerId);
    },

    async sendOneNotice(input: { incidentId: string; noticeId: string; customerId: number }): Promise<void> {
      const { notice, incident } = await contextFor(input.incidentId, input.noticeId);
      const [r] = await affected.pendingRecipients(pool, input.incidentId, {
        shard: 0,
        shards: 1,
        after: input.customerId - 1,
        limit: 1,
        onlyRetrying: false,
      });
      if (!r || r.customerId !== input.customerId) return;
      const lease = randomUUID();
      const from = addressOf(config.mail.from);
      const messageId = noticeMessageId(input.incidentId, r.customerId, from.split('@')[1]!);
      const to = recipientAddress(r);
      const claimed = (
        await deliveries.claim(pool, input.incidentId, input.noticeId, lease, [
          { customerId: r.customerId, recipient: to, messageId },
        ])
      ).get(r.customerId);
      if (!claimed?.mine) return;
      const set = await deps.templates.get(notice.templateVersion);
      const mail = renderIndividualNotice(set, noticeInputBuilder(notice, incident, config)(r));
      const raw = await composeNotice(mail, {
        from: config.mail.from,
        to,
        messageId,
        referenceCode: r.referenceCode,
      });
      try {
        await deps.smtp.send({ from, to }, raw, async () => {
          if (!(await deliveries.markSending(pool, lease, [claimed.id])).has(claimed.id))
            throw new Error('claim lost');
        });
        await deliveries.markSent(pool, input.incidentId, [claimed.id]);
      } catch (err) {
        if (!(err instanceof SmtpSendError)) throw err;
        await deliveries.markFailed(pool, input.incidentId, lease, [
          { id: claimed.id, customerId: r.customerId, permanent: err.permanent, reply: err.reply },
        ]);
      }
    },
  };
}

export type NaiveActivities = ReturnType<typeof createNaiveActivities>;
