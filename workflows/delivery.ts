import { continueAsNew, executeChild, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { databaseStep, deliveryBatch } from './activity-options';
import { deliveryShardWorkflowId } from '../core/domain/ids';
import type { DeliveryPlan, DeliveryShardWorkflowInput } from './types';

// A crashed worker's shard is taken over once its heartbeat is missed: 15 s rather than the group's
// 30 s (deliverBatch heartbeats at least every 5 s; the SDK sends one at most every 12 s then).
const { deliverBatch } = proxyActivities<Activities>({ ...deliveryBatch, heartbeatTimeout: '15 seconds' });
const { countRetrying } = proxyActivities<Activities>(databaseStep);

/**
 * Keeps each run's history to a few hundred events however large the incident: a deliverBatch call
 * (about 20 s of sending) costs six events (three for the activity, three for the workflow task).
 */
const BATCHES_PER_RUN = 100;

/**
 * Delivers an incident's approved notice to one shard of its affected customers (customer id
 * modulo the shard count), batch after batch by keyset cursor, then retries temporary failures in
 * passes after the configured waits (DELIVERY_RETRY_DELAYS). Continues as new so that no run's
 * history grows unbounded. Only ids and cursors pass through the history; each deliverBatch call
 * reads its recipients itself (core/delivery/shard-pass.ts).
 */
export async function deliveryShardWorkflow(input: DeliveryShardWorkflowInput): Promise<void> {
  let after: number | null = input.after;
  for (let batches = 0; after !== null; batches++) {
    if (batches >= BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof deliveryShardWorkflow>({ ...input, after });
    }
    const result: { next: number | null } = await deliverBatch({
      incidentId: input.incidentId,
      noticeId: input.noticeId,
      shard: input.shard,
      shards: input.shards,
      after,
      onlyRetrying: input.pass > 0,
    });
    after = result.next;
  }
  const delay = input.retryDelaysMs[input.pass];
  if (delay === undefined) return;
  const retrying = await countRetrying({
    incidentId: input.incidentId,
    shard: input.shard,
    shards: input.shards,
  });
  if (retrying === 0) return;
  await sleep(delay);
  await continueAsNew<typeof deliveryShardWorkflow>({ ...input, after: 0, pass: input.pass + 1 });
}

/**
 * Delivers an approved notice to everyone still waiting for one, in `plan.shards` child workflows
 * (deliveryShardWorkflow) started side by side. `round` names a later round (an amendment's) so its
 * children's ids differ from the first delivery's; nobody gets two notices either way (the claim is
 * unique per incident and person).
 */
export function deliverInShards(
  incidentId: string,
  noticeId: string,
  plan: DeliveryPlan,
  round?: string,
): Promise<void>[] {
  return Array.from({ length: plan.shards }, (_, shard) =>
    executeChild(deliveryShardWorkflow, {
      workflowId: round
        ? `${deliveryShardWorkflowId(incidentId, shard)}-${round}`
        : deliveryShardWorkflowId(incidentId, shard),
      args: [
        {
          incidentId,
          noticeId,
          shard,
          shards: plan.shards,
          after: 0,
          pass: 0,
          retryDelaysMs: plan.retryDelaysMs,
        },
      ],
    }),
  );
}
