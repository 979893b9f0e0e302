import {
  ApplicationFailure,
  condition,
  executeChild,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { deliveryShardWorkflowId } from '../core/domain/ids';
import type { IncidentStatus } from '../core/domain/model';
import { databaseStep } from './activity-options';
import { deliveryShardWorkflow } from './delivery';
import type { ApprovalResult } from './messages';
import {
  REFUSAL,
  approvalUpdate,
  obligationsChangedSignal,
  progressQuery,
  reviseNoticeUpdate,
} from './messages';
import type { IncidentWorkflowInput } from './types';

const act = proxyActivities<Activities>(databaseStep);

export interface IncidentOutcome {
  status: IncidentStatus;
  affected: number;
  sent: number;
  undeliverable: number;
  manual: number;
}

/**
 * One incident from the moment it is logged until every obligation is resolved: identify the
 * affected customers, assess the legal obligations, draft the notice, wait for a compliance
 * decision (while deadline timers remind, escalate, fall back to a pre-approved standard notice and
 * mark overdue), then deliver in parallel shards and record the outcome.
 */
export async function incidentWorkflow({ incidentId, openedBy }: IncidentWorkflowInput): Promise<IncidentOutcome> {
  let status: IncidentStatus = 'identifying';
  let notice: { id: string; version: number } | null = null;
  let decision: ApprovalResult | null = null;
  let deciding = false;
  let affected = 0;
  let scheduleVersion = 0;
  let deliveryFinished = false;

  const moveTo = async (next: IncidentStatus) => {
    status = next;
    await act.setIncidentStatus(incidentId, next);
  };

  setHandler(progressQuery, () => ({
    status,
    noticeId: notice?.id ?? null,
    noticeVersion: notice?.version ?? 0,
    affected,
  }));

  setHandler(obligationsChangedSignal, () => {
    scheduleVersion++;
  });

  setHandler(
    approvalUpdate,
    async (input) => {
      deciding = true;
      const current = notice!;
      try {
        await act.recordApproval({ incidentId, noticeId: current.id, ...input });
      } finally {
        deciding = false;
      }
      decision = { noticeId: current.id, status: input.decision === 'approve' ? 'approved' : 'rejected' };
      return decision;
    },
    {
      validator: (input) => {
        if (status !== 'awaiting_approval' || !notice || decision || deciding) {
          throw refusal(REFUSAL.conflict, 'No notice of this incident is waiting for a decision');
        }
        if (input.actorRole !== 'compliance') {
          throw refusal(REFUSAL.forbidden, 'Only compliance staff may approve or reject a notice');
        }
        if (input.actorId === openedBy) {
          throw refusal(REFUSAL.forbidden, 'The officer who opened the incident may not decide on its notice');
        }
        if (input.decision === 'reject' && !input.comment?.trim()) {
          throw refusal(REFUSAL.invalid, 'A rejection needs a comment saying what to change');
        }
      },
    },
  );

  setHandler(
    reviseNoticeUpdate,
    async (input) => {
      const draft = await act.draftNotice({
        incidentId,
        afterVersion: notice?.version ?? 0,
        revision: { whatHappened: input.whatHappened, whatWeAreDoing: input.whatWeAreDoing, actorId: input.actorId },
      });
      notice = draft;
      decision = null;
      await moveTo('awaiting_approval');
      return { noticeId: draft.id, version: draft.version };
    },
    {
      validator: (input) => {
        if (status !== 'drafting' && status !== 'awaiting_approval') {
          throw refusal(REFUSAL.conflict, 'The notice can no longer be revised: it has been approved');
        }
        if (input.actorRole !== 'officer' && input.actorRole !== 'compliance') {
          throw refusal(REFUSAL.forbidden, 'Only officers and compliance staff may revise a notice');
        }
        if (!input.whatHappened.trim() || !input.whatWeAreDoing.trim()) {
          throw refusal(REFUSAL.invalid, 'Both whatHappened and whatWeAreDoing are needed');
        }
      },
    },
  );

  affected = await act.identifyAffectedCustomers(incidentId);
  await act.assessObligations(incidentId);

  // Deadline timers run beside the main line until every obligation is resolved.
  let standardNotice: { id: string; version: number } | null = null;
  const deadlines = watchDeadlines({
    incidentId,
    scheduleVersion: () => scheduleVersion,
    noticeApproved: () => status === 'delivering' || status === 'completed',
    deliveryFinished: () => deliveryFinished,
    onStandardNotice: (n) => {
      standardNotice = n;
    },
  });

  const toNotify = await act.countNotifiable(incidentId);
  if (toNotify > 0) {
    await moveTo('drafting');
    notice = await act.draftNotice({ incidentId, afterVersion: 0, revision: null });
    await moveTo('awaiting_approval');
    for (;;) {
      await condition(() => (decision !== null && status === 'awaiting_approval') || standardNotice !== null);
      if (standardNotice !== null) {
        notice = standardNotice;
        break;
      }
      if (decision!.status === 'approved') break;
      // Rejected: wait for a revised draft (reviseNoticeUpdate moves back to awaiting_approval).
      decision = null;
      await moveTo('drafting');
    }
    await moveTo('delivering');
    const plan = await act.deliveryPlan();
    const approved = notice;
    await Promise.all(
      Array.from({ length: plan.shards }, (_, shard) =>
        executeChild(deliveryShardWorkflow, {
          workflowId: deliveryShardWorkflowId(incidentId, shard),
          args: [
            {
              incidentId,
              noticeId: approved.id,
              shard,
              shards: plan.shards,
              after: 0,
              pass: 0,
              retryDelaysMs: plan.retryDelaysMs,
            },
          ],
        }),
      ),
    );
  }
  const counts = await act.finishDelivery(incidentId);
  deliveryFinished = true;
  await moveTo(toNotify > 0 ? 'completed' : 'closed_no_notice');
  await deadlines;
  return { status, affected, ...counts };
}

interface DeadlineWatch {
  incidentId: string;
  scheduleVersion: () => number;
  noticeApproved: () => boolean;
  deliveryFinished: () => boolean;
  onStandardNotice: (notice: { id: string; version: number }) => void;
}

/**
 * Sleeps until each deadline event (reminder, escalation, standard-notice cut-off, due time) and
 * lets an activity act on it against the current state. The schedule is reloaded whenever the
 * obligations change; it ends when no unresolved obligation has an event left and delivery is done.
 */
async function watchDeadlines(watch: DeadlineWatch): Promise<void> {
  const handled = new Set<string>();
  let loadedVersion = -1;
  let events: Awaited<ReturnType<Activities['deadlineSchedule']>> = [];
  for (;;) {
    if (loadedVersion !== watch.scheduleVersion()) {
      loadedVersion = watch.scheduleVersion();
      events = await act.deadlineSchedule(watch.incidentId);
    }
    const next = events.find((e) => !handled.has(e.key));
    if (!next) {
      if (watch.deliveryFinished()) return;
      await condition(() => loadedVersion !== watch.scheduleVersion() || watch.deliveryFinished());
      continue;
    }
    const wait = Date.parse(next.at) - Date.now();
    if (wait > 0) {
      const changed = await condition(() => loadedVersion !== watch.scheduleVersion(), wait);
      if (changed) continue;
    }
    const outcome = await act.handleDeadlineEvent({
      incidentId: watch.incidentId,
      event: next,
      noticeApproved: watch.noticeApproved(),
    });
    handled.add(next.key);
    if (outcome.standardNotice) watch.onStandardNotice(outcome.standardNotice);
  }
}

function refusal(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}
