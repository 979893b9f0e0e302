import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { databaseStep } from './activity-options';
import { deliverInShards } from './delivery';
import { letterBatch } from './letters';
import type { RestoreSettlementWorkflowInput } from './types';

const act = proxyActivities<Activities>(databaseStep);

/**
 * What follows an operator's settlement of notices held by a restore (core/use-cases/restores.ts;
 * README "Backup and restore"): the released notices are sent by one delivery shard per notice,
 * under this settlement's ids; then, when the incident's own workflow has ended (`settle`: Temporal's
 * state was kept while the database went back to the backup, so the end of delivery it recorded is
 * lost), the steps that workflow takes after delivery: emails given up on fall back to letters, the
 * deadlines counted from the notice are re-counted, and the incident is completed once nobody waits.
 * While the incident's workflow still runs (Temporal restored with the database) it does all that
 * itself, and only the sending happens here. Started by the API under `restoreSettlementWorkflowId`.
 */
export async function restoreSettlementWorkflow({
  incidentId,
  noticeIds,
  key,
  retryDelaysMs,
  settle,
}: RestoreSettlementWorkflowInput): Promise<void> {
  await Promise.all(
    noticeIds.flatMap((noticeId, i) =>
      deliverInShards(incidentId, noticeId, { shards: 1, retryDelaysMs }, `${key}-${i}`),
    ),
  );
  if (!settle) return;
  await act.finishDelivery(incidentId);
  await letterBatch(incidentId, `${key}-fallback`);
  await act.reassessAfterNotice(incidentId);
  await act.completeRestoredDelivery(incidentId);
}
