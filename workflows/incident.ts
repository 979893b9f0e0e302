import {
  ApplicationFailure,
  condition,
  executeChild,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { mailingWorkflowId } from '../core/domain/mailings';
import type { IncidentStatus } from '../core/domain/model';
import { databaseStep } from './activity-options';
import { deliverInShards } from './delivery';
import { letterBatch } from './letters';
import { mailingWorkflow } from './mailing';
import type { ApprovalInput, ApprovalResult, LegacyApprovalInput } from './messages';
import {
  REFUSAL,
  approvalUpdate,
  incidentWithdrawnSignal,
  obligationsChangedSignal,
  progressQuery,
  reviseNoticeUpdate,
} from './messages';
import type { IncidentWorkflowInput } from './types';

const act = proxyActivities<Activities>(databaseStep);

/** Patch id (workflows/README.md): the `approval` Update carries a decision id checked by an activity. */
export const APPROVAL_BY_DECISION_ID = 'approval-by-decision-id';

/**
 * Patch id (workflows/README.md): each person gets a channel the law accepts (email, letter, both, or
 * none: substitute notice), letters go out in batches beside the emails and after them, and the
 * individuals' obligations are settled honestly rather than marked met when sending ends.
 */
export const REACH_EVERY_PERSON = 'reach-every-person';

/**
 * Patch id (workflows/README.md): filing packets are drafted for every authority once the obligations
 * are assessed; delivery waits for a filing that must precede the individuals' notice (Maryland's
 * Attorney General, New Jersey's State Police) until it is filed or compliance lets it go ahead; the
 * deadlines counted from the individuals' notice are re-counted from when it actually went out.
 */
export const FILINGS_AND_DETERMINATIONS = 'filings-and-determinations';

/**
 * Patch id (workflows/README.md): after delivery, reminders to the people who have not acknowledged
 * their notice (FOLLOW_UP_REMINDERS, each FOLLOW_UP_REMINDER_DAYS after the last), each a further
 * mailing of its own (workflows/mailing.ts) with an approved text.
 */
export const FOLLOW_UP_REMINDERS = 'follow-up-reminders';

/**
 * Patch id (workflows/README.md): before delivery starts, the remediation-code pools are checked
 * against the people who must be offered identity protection (a low-pool warning to staff).
 */
export const REMEDIATION_CODES = 'remediation-codes';

const DAY_MS = 86_400_000;

/** While delivery waits for a prior filing, how often it asks again without being signalled (a safety net). */
const PRIOR_FILING_RECHECK = '1 hour';

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
export async function incidentWorkflow({ incidentId }: IncidentWorkflowInput): Promise<IncidentOutcome> {
  let status: IncidentStatus = 'identifying';
  let notice: { id: string; version: number } | null = null;
  let decision: ApprovalResult | null = null;
  let deciding = false;
  let affected = 0;
  let scheduleVersion = 0;
  let deliveryFinished = false;
  // Withdrawn (a false alarm, a duplicate): stop waiting and send nothing more. A history without the
  // signal never sees it true, so the course of incidents already running is unchanged.
  let withdrawn = false as boolean;

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

  setHandler(incidentWithdrawnSignal, () => {
    withdrawn = true;
    scheduleVersion++;
  });

  setHandler(
    approvalUpdate,
    async (input): Promise<ApprovalResult> => {
      deciding = true;
      const current = notice!;
      try {
        if (isLegacyApproval(input) && !patched(APPROVAL_BY_DECISION_ID)) {
          // Replaying an Update accepted before the patch: act as the code did then.
          await act.recordApproval({ incidentId, noticeId: current.id, ...input });
          decision = { noticeId: current.id, status: input.decision === 'approve' ? 'approved' : 'rejected' };
          return decision;
        }
        const applied = await act.applyApprovalDecision({
          incidentId,
          noticeId: current.id,
          // Whatever a caller past the API sent is only read here, never trusted: a malformed input
          // must reach the activity's refusal, not throw (a plain error would fail the workflow task).
          decisionId:
            typeof input === 'object' && input !== null && 'decisionId' in input
              ? String(input.decisionId).slice(0, 100)
              : '',
          // What a caller past the API claimed (an actor id in the old shape), kept in the audit entry.
          ...(isLegacyApproval(input)
            ? {
                claimed: {
                  actorId: String(input.actorId).slice(0, 100),
                  actorRole: String(input.actorRole).slice(0, 20),
                },
              }
            : {}),
        });
        if (applied.outcome === 'refused') {
          throw refusal(
            applied.refusal === 'conflict' ? REFUSAL.conflict : REFUSAL.forbidden,
            applied.message,
          );
        }
        if (applied.outcome === 'awaiting_quorum') return { noticeId: current.id, status: 'awaiting_quorum' };
        decision = { noticeId: current.id, status: applied.outcome };
        return decision;
      } finally {
        deciding = false;
      }
    },
    {
      // Who decided is checked against the database by the handler's activity (validators cannot do
      // I/O), which also audits a refusal; here only what the workflow itself knows.
      validator: (_input: ApprovalInput | LegacyApprovalInput) => {
        if (status !== 'awaiting_approval' || !notice || decision || deciding) {
          throw refusal(REFUSAL.conflict, 'No notice of this incident is waiting for a decision');
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
        revision: {
          whatHappened: input.whatHappened,
          whatWeAreDoing: input.whatWeAreDoing,
          actorId: input.actorId,
        },
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
  // Decided once, before anything is planned: a history without the marker keeps its old course.
  const reachEveryPerson = patched(REACH_EVERY_PERSON);
  if (reachEveryPerson) {
    await act.planChannels(incidentId);
    await act.assessSubstituteNotice(incidentId);
  }
  // Decided here, once, like the patch above: a history without the marker keeps its old course.
  const filingsAndDeterminations = patched(FILINGS_AND_DETERMINATIONS);
  if (filingsAndDeterminations) await act.draftFilingPackets(incidentId);

  // Deadline timers run beside the main line until every obligation is resolved.
  let standardNotice: { id: string; version: number } | null = null;
  const deadlines = watchDeadlines({
    incidentId,
    scheduleVersion: () => scheduleVersion,
    noticeApproved: () => status === 'awaiting_filing' || status === 'delivering' || status === 'completed',
    deliveryFinished: () => deliveryFinished,
    onStandardNotice: (n) => {
      standardNotice = n;
    },
  });

  const toNotify = await act.countNotifiable(incidentId);
  if (toNotify > 0 && !withdrawn) {
    await moveTo('drafting');
    notice = await act.draftNotice({ incidentId, afterVersion: 0, revision: null });
    await moveTo('awaiting_approval');
    for (;;) {
      await condition(
        () => (decision !== null && status === 'awaiting_approval') || standardNotice !== null || withdrawn,
      );
      if (withdrawn) break;
      if (standardNotice !== null) {
        notice = standardNotice;
        break;
      }
      if (decision!.status === 'approved') break;
      // Rejected: wait for a revised draft (reviseNoticeUpdate moves back to awaiting_approval).
      decision = null;
      await moveTo('drafting');
    }
    if (filingsAndDeterminations && !withdrawn) {
      // The packets that quote the customers' notice (a state's sample copy) can now: drafts nobody
      // has touched are filled in.
      await act.draftFilingPackets(incidentId);
      // A filing the law puts before the individuals' notice holds all of it: filed, found not
      // required, or let go by compliance with a reason. Every change to an obligation signals.
      for (let waiting = false; !withdrawn; waiting = true) {
        const seen = scheduleVersion;
        if ((await act.openPriorFilings(incidentId)) === 0) break;
        if (!waiting) await moveTo('awaiting_filing');
        await condition(() => scheduleVersion !== seen, PRIOR_FILING_RECHECK);
      }
    }
  }
  if (toNotify > 0 && !withdrawn) {
    // Delivery hands out the codes; staff hear first if a pool cannot cover everyone eligible.
    if (patched(REMEDIATION_CODES)) await act.checkRemediationCodes({ incidentId });
    await moveTo('delivering');
    const plan = await act.deliveryPlan();
    await Promise.all([
      ...deliverInShards(incidentId, notice!.id, plan),
      ...(reachEveryPerson ? [letterBatch(incidentId, 'initial')] : []),
    ]);
  }
  const counts = await act.finishDelivery(incidentId);
  if (reachEveryPerson && toNotify > 0 && !withdrawn) {
    // Emails given up on fall back to a letter where an address is known (finishDelivery).
    await letterBatch(incidentId, 'fallback');
  }
  if (filingsAndDeterminations && toNotify > 0 && !withdrawn) {
    // Deadlines counted from the individuals' notice now count from when it went out, not the plan.
    await act.reassessAfterNotice(incidentId);
    scheduleVersion++;
  }
  deliveryFinished = true;
  await moveTo(withdrawn ? 'withdrawn' : toNotify > 0 ? 'completed' : 'closed_no_notice');
  if (toNotify > 0 && !withdrawn && patched(FOLLOW_UP_REMINDERS)) {
    const plan = await act.followUpPlan();
    for (let i = 1; i <= plan.reminders && !withdrawn; i++) {
      const key = `reminder-${i}`;
      await executeChild(mailingWorkflow, {
        workflowId: mailingWorkflowId(incidentId, 'reminder', key),
        args: [
          {
            incidentId,
            kind: 'reminder',
            key,
            criterion: 'unacknowledged',
            waitMs: plan.reminderDays * DAY_MS,
          },
        ],
      });
    }
  }
  await deadlines;
  return { status, affected, ...counts };
}

export interface DeadlineWatch {
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
export async function watchDeadlines(watch: DeadlineWatch): Promise<void> {
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

function isLegacyApproval(input: ApprovalInput | LegacyApprovalInput): input is LegacyApprovalInput {
  return typeof input === 'object' && input !== null && 'actorId' in input;
}

function refusal(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}
