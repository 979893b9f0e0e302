import {
  condition,
  executeChild,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { incidentWorkflowId } from '../core/domain/ids';
import { amendmentMailingKey, grownListKey, mailingWorkflowId } from '../core/domain/mailings';
import { databaseStep } from './activity-options';
import { deliverInShards } from './delivery';
import { letterBatch } from './letters';
import { mailingWorkflow } from './mailing';
import { watchDeadlines } from './incident';
import { amendmentNoticeDecidedSignal, obligationsChangedSignal } from './messages';
import type { AmendmentOutcome, AmendmentWorkflowInput } from './types';

const act = proxyActivities<Activities>(databaseStep);

/** While waiting for a decision on the notice, how often the workflow looks again unsignalled. */
const DECISION_RECHECK = '1 hour';

/**
 * One amendment of an incident (core/use-cases/amendments.ts), from its facts to its notices:
 * re-identifies the incident's people as a diff and re-assesses (once per version), plans the new
 * people's channels, tests substitute notice again and drafts the filing packets new obligations
 * need, and tells the incident's workflow so its deadline timers follow. Then, beside each other:
 * - the newly affected get the incident's notice — a new version for them, approved as usual
 *   (`amendmentNoticeDecidedSignal` after each decision) — sent by the same sharded delivery as the
 *   first notice, under this version's workflow ids, with letters where the law wants them. Only when
 *   the incident's own notice had been approved by then; before that, its own delivery reaches them.
 * - those already told whose exposure grew get a supplement saying what changed: a further mailing
 *   to the list the diff wrote (workflows/mailing.ts; its text approved four-eyes).
 * People already told whose exposure did not change get nothing. Started by the API under
 * `amendmentWorkflowId`, so a repeated start finds the running one; ids and counts only.
 */
export async function amendmentWorkflow({
  incidentId,
  version,
}: AmendmentWorkflowInput): Promise<AmendmentOutcome> {
  let decisions = 0;
  let scheduleVersion = 0;
  let finished = false;
  setHandler(amendmentNoticeDecidedSignal, () => {
    decisions++;
  });
  setHandler(obligationsChangedSignal, () => {
    scheduleVersion++;
  });

  const diff = await act.applyAmendment({ incidentId, version });
  await act.planChannels(incidentId);
  await act.assessSubstituteNotice(incidentId);
  await act.draftFilingPackets(incidentId);
  await obligationsChanged(incidentId);
  // The incident's own workflow may have ended: obligations the amendment brought get their
  // reminders, escalations and due times here (each acted on once by its key, whoever acts first).
  // Its notice was approved, or its own workflow still waits for that and keeps the cut-off.
  const deadlines = watchDeadlines({
    incidentId,
    scheduleVersion: () => scheduleVersion,
    noticeApproved: () => true,
    deliveryFinished: () => finished,
    onStandardNotice: () => undefined,
  });

  const key = amendmentMailingKey(version);
  const notifyNewlyAffected = async (): Promise<number> => {
    let notice = await act.draftAmendmentNotice({ incidentId, version });
    while (notice.status !== 'approved') {
      const seen = decisions;
      await condition(() => decisions !== seen, DECISION_RECHECK);
      notice = await act.amendmentNoticeState({ incidentId, version });
    }
    await act.checkRemediationCodes({ incidentId });
    const plan = await act.deliveryPlan();
    await Promise.all([...deliverInShards(incidentId, notice.id, plan, key), letterBatch(incidentId, key)]);
    const counts = await act.finishDelivery(incidentId);
    // Emails given up on fall back to a letter where an address is known (finishDelivery).
    await letterBatch(incidentId, `${key}-fallback`);
    return counts.sent;
  };
  const supplement = async (): Promise<number> => {
    await act.draftAmendmentSupplement({ incidentId, version });
    const result = await executeChild(mailingWorkflow, {
      workflowId: mailingWorkflowId(incidentId, 'supplement', key),
      args: [{ incidentId, kind: 'supplement', key, criterion: 'listed', listKey: grownListKey(version) }],
    });
    return result.sent;
  };

  const [notified, supplemented] = await Promise.all([
    diff.delivers && diff.added > 0 ? notifyNewlyAffected() : Promise.resolve(0),
    diff.grownNotified > 0 ? supplement() : Promise.resolve(0),
  ]);
  if (notified > 0 || supplemented > 0) {
    // Deadlines counted from the individuals' notice now count from when it went out.
    await act.reassessAfterNotice(incidentId);
    scheduleVersion++;
    await obligationsChanged(incidentId);
  }
  finished = true;
  await deadlines;
  return { version, added: diff.added, grown: diff.grown, removed: diff.removed, notified, supplemented };
}

/** Tells the incident's workflow its obligations changed; nothing to tell once it has ended. */
async function obligationsChanged(incidentId: string): Promise<void> {
  try {
    await getExternalWorkflowHandle(incidentWorkflowId(incidentId)).signal(obligationsChangedSignal);
  } catch {
    // The incident's workflow has ended: no timers to move.
  }
}
