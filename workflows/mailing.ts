import {
  condition,
  continueAsNew,
  executeChild,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { mailingShardWorkflowId } from '../core/domain/mailings';
import { databaseStep, deliveryBatch } from './activity-options';
import { followUpDecidedSignal } from './messages';
import type { MailingShardWorkflowInput, MailingWorkflowInput, MailingWorkflowResult } from './types';

const act = proxyActivities<Activities>(databaseStep);
// Selecting a million recipients is one INSERT … SELECT: seconds, but more than a short step's minute at worst.
const { createMailing } = proxyActivities<Activities>({ ...databaseStep, startToCloseTimeout: '10 minutes' });
// As the first notice's shards: a crashed worker's shard is taken over once its heartbeat is missed.
const { sendMailingBatch } = proxyActivities<Activities>({
  ...deliveryBatch,
  heartbeatTimeout: '15 seconds',
});

// Defined once with the other messages, imported by the API too.
export { followUpDecidedSignal };

/** While waiting for its text's approval, how often the workflow looks again without being signalled. */
const DECISION_RECHECK = '1 hour';

/** Looks at an undecided text this many times per run before continuing as new (about four days). */
const RECHECKS_PER_RUN = 100;

/** As deliveryShardWorkflow: a few hundred events per run however large the mailing. */
const BATCHES_PER_RUN = 100;

/** A mailing never made (the incident withdrawn): nobody selected, nothing sent. */
const NOTHING_SENT: MailingWorkflowResult = {
  mailingId: null,
  selected: 0,
  sent: 0,
  undeliverable: 0,
  skipped: 0,
};

/**
 * One further mailing of an incident — a supplement, reminder or update — from its text to its
 * counts: makes sure its text exists (a reminder's standard wording is drafted by the system; a
 * supplement's or update's is written by an officer through the API), waits `waitMs` (a reminder's
 * days) and for the text's four-eyes approval (signalled by `followUpDecidedSignal`, looked at again
 * hourly), then selects the recipients by the criterion (nothing, once the incident is withdrawn) (core/domain/mailings.ts) — at that moment,
 * so "not acknowledged after N days" means after them — and sends in parallel shards, each a child
 * workflow with keyset cursors, retry passes and continue-as-new, as the first notice is sent. Ends
 * with the counts recorded and audited. Started as a child of incidentWorkflow under
 * `mailingWorkflowId(incidentId, kind, key)`, so a repeated start finds the running one; only ids,
 * keys and counts pass through its history.
 */
export async function mailingWorkflow(input: MailingWorkflowInput): Promise<MailingWorkflowResult> {
  const { incidentId, kind, key } = input;
  let decisions = 0;
  setHandler(followUpDecidedSignal, () => {
    decisions++;
  });

  let text = await act.ensureFollowUpNotice({ incidentId, kind, key });
  if ((input.waitMs ?? 0) > 0) {
    await sleep(input.waitMs!);
    text = await act.followUpNoticeState({ incidentId, kind, key });
  }
  for (let rechecks = 0; text.state !== 'approved'; rechecks++) {
    if (text.state === 'withdrawn') return NOTHING_SENT;
    if (rechecks >= RECHECKS_PER_RUN) {
      // The wait is over; only the text's decision is awaited in the next run.
      await continueAsNew<typeof mailingWorkflow>({ ...input, waitMs: 0 });
    }
    const seen = decisions;
    await condition(() => decisions !== seen, DECISION_RECHECK);
    text = await act.followUpNoticeState({ incidentId, kind, key });
  }

  const { mailingId, recipients } = await createMailing({
    incidentId,
    kind,
    key,
    criterion: input.criterion,
    listKey: input.listKey ?? null,
  });
  // The incident was withdrawn before the mailing could be made.
  if (mailingId === null) return NOTHING_SENT;
  if (recipients > 0) {
    const plan = await act.deliveryPlan(); // the first delivery's shards and retry waits
    await Promise.all(
      Array.from({ length: plan.shards }, (_, shard) =>
        executeChild(mailingShardWorkflow, {
          workflowId: mailingShardWorkflowId(mailingId, shard),
          args: [
            { mailingId, shard, shards: plan.shards, after: 0, pass: 0, retryDelaysMs: plan.retryDelaysMs },
          ],
        }),
      ),
    );
  }
  const counts = await act.finishMailing(mailingId);
  return {
    mailingId,
    selected: counts.selected,
    sent: counts.sent,
    undeliverable: counts.undeliverable,
    skipped: counts.skipped,
  };
}

/**
 * Sends a mailing to one shard of its recipients (customer id modulo the shard count), batch after
 * batch by keyset cursor, then retries temporary failures in passes after the configured waits, as
 * deliveryShardWorkflow does for the first notice (the pass itself is the same engine:
 * core/delivery/shard-engine.ts). Continues as new so no run's history grows unbounded.
 */
export async function mailingShardWorkflow(input: MailingShardWorkflowInput): Promise<void> {
  let after: number | null = input.after;
  for (let batches = 0; after !== null; batches++) {
    if (batches >= BATCHES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof mailingShardWorkflow>({ ...input, after });
    }
    const result: { next: number | null } = await sendMailingBatch({
      mailingId: input.mailingId,
      shard: input.shard,
      shards: input.shards,
      after,
    });
    after = result.next;
  }
  const delay = input.retryDelaysMs[input.pass];
  if (delay === undefined) return;
  const open = await act.countMailingOpen({
    mailingId: input.mailingId,
    shard: input.shard,
    shards: input.shards,
  });
  if (open === 0) return;
  await sleep(delay);
  await continueAsNew<typeof mailingShardWorkflow>({ ...input, after: 0, pass: input.pass + 1 });
}

/**
 * Sends what is left to send of a mailing in one shard of all its recipients, under `workflowId`
 * (the settlement after a restore: workflows/restore-settlement.ts, its released messages), with
 * the retry passes of the first sending.
 */
export function sendMailingRest(
  mailingId: string,
  workflowId: string,
  retryDelaysMs: number[],
): Promise<void> {
  return executeChild(mailingShardWorkflow, {
    workflowId,
    args: [{ mailingId, shard: 0, shards: 1, after: 0, pass: 0, retryDelaysMs }],
  });
}
