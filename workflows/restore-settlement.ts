import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { databaseStep } from './activity-options';
import { deliverInShards } from './delivery';
import { letterBatch } from './letters';
import { sendMailingRest } from './mailing';
import { settlementRequestedSignal } from './messages';
import type { SettlementRequest } from './messages';
import type { RestoreSettlementWorkflowInput } from './types';

const act = proxyActivities<Activities>(databaseStep);

/**
 * What follows an operator's settlement of notices held by a restore (core/use-cases/restores.ts;
 * README "Backup and restore"), one run per incident at a time: the API signals it with start
 * (`settlementRequestedSignal`) after each release or confirmation, so a second decision joins the
 * running settlement instead of racing it. Each request's released notices are sent by one delivery
 * shard per notice, under this run's ids, and each further mailing's released messages by one shard,
 * after which the mailing is finished (a confirmation's mailings are only finished); then, when the
 * incident's own workflow is past delivery
 * (Temporal's state was kept while the database went back, so the end of delivery it recorded is
 * lost), the steps that workflow takes after delivery: emails given up on fall back to letters (what
 * still retries is kept: it may be a notice released a moment ago), the
 * deadlines counted from the notice are re-counted, and the incident is completed once nobody waits.
 * A request arriving meanwhile is taken before the run ends (a signal that arrives as it completes
 * makes Temporal refuse the completion, and the run goes on with it). While the incident's workflow still
 * delivers (Temporal restored with the database) it does all that itself, and only the sending
 * happens here. Started by the API under `restoreSettlementWorkflowId`.
 */
export async function restoreSettlementWorkflow({
  incidentId,
  key,
  retryDelaysMs,
}: RestoreSettlementWorkflowInput): Promise<void> {
  const requests: SettlementRequest[] = [];
  setHandler(settlementRequestedSignal, (request) => {
    requests.push(request);
  });
  let round = 0;
  let settle = false;
  // Signalled with its start: the first request is there; the run ends when none is left.
  await condition(() => requests.length > 0);
  while (requests.length > 0) {
    while (requests.length > 0) {
      const request = requests.shift()!;
      settle = request.settle;
      const passes = request.noticeIds.map((noticeId) =>
        deliverInShards(incidentId, noticeId, { shards: 1, retryDelaysMs }, `${key}-${++round}`),
      );
      // Each mailing's released messages (none for a confirmation), then its finish: a mailing
      // held by the restore was left unfinished (core/db/mailings.ts `finish`).
      const mailings = (request.mailingIds ?? []).map(async (mailingId) => {
        await sendMailingRest(mailingId, `${key}-${++round}-mailing-${mailingId}`, retryDelaysMs);
        await act.finishMailing(mailingId);
      });
      await Promise.all([...passes.flat(), ...mailings]);
    }
    if (!settle) continue;
    await act.finishRestoredDelivery(incidentId);
    await letterBatch(incidentId, `${key}-${++round}-fallback`);
    await act.reassessAfterNotice(incidentId);
    await act.completeRestoredDelivery(incidentId);
  }
}
