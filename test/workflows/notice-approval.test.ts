import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Activities } from '../../activities';
import type { IncidentStatus } from '../../core/domain/model';
import type { AppliedDecision } from '../../core/use-cases/notices';
import type { incidentWorkflow } from '../../workflows/incident';
import type { ReviseNoticeInput } from '../../workflows/messages';
import {
  REFUSAL,
  approvalUpdate,
  obligationsChangedSignal,
  progressQuery,
  reviseNoticeUpdate,
} from '../../workflows/messages';
import { eventually, workflowBundle } from '../helpers/system';
import { createTimeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal';

/**
 * The notice-approval logic of incidentWorkflow on its own: stub activities (no database, no SMTP)
 * on the time-skipping server, so the update validators, the decision checked by its activity and
 * the reject → revise → approve loop have fast tests of their own. The end-to-end versions with
 * real activities are in test/e2e/.
 */

const OFFICER = 'officer-1';

type Call = { name: keyof Activities; args: unknown[] };

/**
 * What the stub decision check answers for each decision id; the real one reads the row the API
 * recorded for the authenticated person (core/use-cases/notices.ts `applyDecision`).
 */
const DECISIONS: Record<string, AppliedDecision> = {
  approve: { outcome: 'approved', approvals: 1, quorum: 1 },
  reject: { outcome: 'rejected', approvals: 0, quorum: 1 },
  'first-of-two': { outcome: 'awaiting_quorum', approvals: 1, quorum: 2 },
  'by-officer': {
    outcome: 'refused',
    refusal: 'forbidden',
    message: 'Only compliance staff may approve or reject a notice',
  },
};
const UNKNOWN_DECISION = 'No decision with this id was recorded through Forthright';
const UNKNOWN: AppliedDecision = { outcome: 'refused', refusal: 'forbidden', message: UNKNOWN_DECISION };

/** How many filings that must precede the notice are open, as the stub `openPriorFilings` answers. */
let priorFilingsOpen = 0;

/**
 * Activities that record their calls and answer like a small incident with three to notify.
 * `deliveryPlan` waits for `deliveryMayStart`, so a test can look at the approved state.
 */
function stubActivities(calls: Call[], deliveryMayStart: Promise<void>): Partial<Activities> {
  const record =
    <K extends keyof Activities>(name: K, answer: (...args: Parameters<Activities[K]>) => unknown) =>
    async (...args: Parameters<Activities[K]>) => {
      calls.push({ name, args });
      return answer(...args);
    };
  let drafts = 0;
  return {
    setIncidentStatus: record('setIncidentStatus', () => undefined),
    identifyAffectedCustomers: record('identifyAffectedCustomers', () => 3),
    assessObligations: record('assessObligations', () => 2),
    // No deadline events: the approval flow alone decides what happens.
    deadlineSchedule: record('deadlineSchedule', () => []),
    handleDeadlineEvent: record('handleDeadlineEvent', () => ({ standardNotice: null })),
    countNotifiable: record('countNotifiable', () => 3),
    draftNotice: record('draftNotice', () => {
      drafts++;
      return { id: `notice-${drafts}`, version: drafts };
    }),
    applyApprovalDecision: record('applyApprovalDecision', (input) => DECISIONS[input.decisionId] ?? UNKNOWN),
    // No shards: delivery itself is tested elsewhere.
    deliveryPlan: record('deliveryPlan', async () => {
      await deliveryMayStart;
      return { shards: 0, retryDelaysMs: [] };
    }),
    finishDelivery: record('finishDelivery', () => ({ sent: 3, undeliverable: 0, manual: 0 })),
    planChannels: record('planChannels', () => ({ email: 3, letter: 0, emailAndLetter: 0, none: 0 })),
    assessSubstituteNotice: record('assessSubstituteNotice', () => ({ open: 0, carriedOut: 0, drafted: 0 })),
    // Nobody waits for a letter: each letter batch child opens nothing.
    openLetterBatch: record('openLetterBatch', () => null),
    draftFilingPackets: record('draftFilingPackets', () => ({ drafted: 2 })),
    openPriorFilings: record('openPriorFilings', () => priorFilingsOpen),
    reassessAfterNotice: record('reassessAfterNotice', () => ({ changed: 0 })),
    followUpPlan: record('followUpPlan', () => ({ reminders: 0, reminderDays: 14 })),
    checkRemediationCodes: record('checkRemediationCodes', () => ({ warned: false, eligible: 0, short: 0 })),
  } as Partial<Activities>;
}

const decision = (decisionId: keyof typeof DECISIONS) => ({
  args: [{ decisionId }] as [{ decisionId: string }],
});

const revision = (overrides: Partial<ReviseNoticeInput> = {}): ReviseNoticeInput => ({
  whatHappened: 'A backup was copied by someone outside the company.',
  whatWeAreDoing: 'We have closed the access and are telling everyone affected.',
  actorId: OFFICER,
  actorRole: 'officer',
  ...overrides,
});

/** The refusal an update got back: its ApplicationFailure type and message. */
async function refusalOf(promise: Promise<unknown>): Promise<{ type: string | undefined; message: string }> {
  const err = await promise.then(
    () => expect.fail('the update was accepted'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return {
    type: (cause as ApplicationFailure).type ?? undefined,
    message: (cause as ApplicationFailure).message,
  };
}

describe('incidentWorkflow notice approval (stub activities)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let taskQueue: string;
  let calls: Call[];
  let handle: WorkflowHandle<typeof incidentWorkflow>;
  let startDelivery: () => void;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  // A worker per test, so each test's calls are its own.
  beforeEach(async () => {
    calls = [];
    priorFilingsOpen = 0;
    const deliveryMayStart = new Promise<void>((resolve) => (startDelivery = resolve));
    taskQueue = uniqueTaskQueue('approval');
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: stubActivities(calls, deliveryMayStart),
    });
    running = worker.run();
    handle = await env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
      taskQueue,
      workflowId: `incident-approval-${taskQueue}`,
      args: [{ incidentId: 'incident-1', openedBy: OFFICER }],
    });
    await waitForStatus('awaiting_approval');
  });

  afterEach(async () => {
    startDelivery();
    await handle.terminate('test over').catch(() => undefined);
    worker.shutdown();
    await running;
  });

  async function waitForStatus(status: IncidentStatus): Promise<void> {
    await eventually(async () => (await handle.query(progressQuery)).status === status);
  }

  const called = (name: keyof Activities) => calls.filter((c) => c.name === name);

  /** Update events in the history: a refused update leaves none. */
  async function updateEventsInHistory(): Promise<number> {
    const history = await handle.fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
  }

  it('refuses a bad or unauthorised revision before it enters the history', async () => {
    expect(
      await refusalOf(
        handle.executeUpdate(reviseNoticeUpdate, { args: [revision({ actorRole: 'support' })] }),
      ),
    ).toEqual({ type: REFUSAL.forbidden, message: 'Only officers and compliance staff may revise a notice' });
    expect(
      await refusalOf(handle.executeUpdate(reviseNoticeUpdate, { args: [revision({ whatHappened: ' ' })] })),
    ).toEqual({ type: REFUSAL.invalid, message: 'Both whatHappened and whatWeAreDoing are needed' });

    expect(await updateEventsInHistory()).toBe(0);
    expect(called('draftNotice')).toHaveLength(1);
    expect(await handle.query(progressQuery)).toMatchObject({
      status: 'awaiting_approval',
      noticeVersion: 1,
    });
  });

  it('counts a decision only once its activity vouches for it; a refused one changes nothing', async () => {
    expect(await refusalOf(handle.executeUpdate(approvalUpdate, decision('by-officer')))).toEqual({
      type: REFUSAL.forbidden,
      message: 'Only compliance staff may approve or reject a notice',
    });
    // A caller past the API naming the actor itself (the shape before the decision id) is refused
    // too, and what it claimed goes to the activity, which audits it.
    const legacy = {
      decision: 'approve',
      comment: null,
      actorId: 'compliance-1',
      actorRole: 'compliance',
    } as const;
    expect(await refusalOf(handle.executeUpdate(approvalUpdate, { args: [legacy] }))).toEqual({
      type: REFUSAL.forbidden,
      message: UNKNOWN_DECISION,
    });
    expect(called('applyApprovalDecision')[1]!.args[0]).toEqual({
      incidentId: 'incident-1',
      noticeId: 'notice-1',
      decisionId: '',
      claimed: { actorId: 'compliance-1', actorRole: 'compliance' },
    });
    // One approval of two: it counts, and the notice still waits for the second.
    expect(await handle.executeUpdate(approvalUpdate, decision('first-of-two'))).toEqual({
      noticeId: 'notice-1',
      status: 'awaiting_quorum',
    });
    expect(await handle.query(progressQuery)).toMatchObject({ status: 'awaiting_approval' });

    expect(await handle.executeUpdate(approvalUpdate, decision('approve'))).toEqual({
      noticeId: 'notice-1',
      status: 'approved',
    });
    await waitForStatus('delivering');
  });

  it('goes round reject → revise → approve, then delivers the approved version', async () => {
    const rejected = await handle.executeUpdate(approvalUpdate, decision('reject'));
    expect(rejected).toEqual({ noticeId: 'notice-1', status: 'rejected' });
    await waitForStatus('drafting');

    // Nothing waits for a decision while the notice is being revised: the validator refuses it.
    expect(await refusalOf(handle.executeUpdate(approvalUpdate, decision('approve')))).toEqual({
      type: REFUSAL.conflict,
      message: 'No notice of this incident is waiting for a decision',
    });

    const revised = await handle.executeUpdate(reviseNoticeUpdate, { args: [revision()] });
    expect(revised).toEqual({ noticeId: 'notice-2', version: 2 });
    expect(await handle.query(progressQuery)).toMatchObject({
      status: 'awaiting_approval',
      noticeId: 'notice-2',
    });
    expect(called('draftNotice').map((c) => c.args[0])).toEqual([
      { incidentId: 'incident-1', afterVersion: 0, revision: null },
      {
        incidentId: 'incident-1',
        afterVersion: 1,
        revision: {
          whatHappened: revision().whatHappened,
          whatWeAreDoing: revision().whatWeAreDoing,
          actorId: OFFICER,
        },
      },
    ]);

    const approved = await handle.executeUpdate(approvalUpdate, decision('approve'));
    expect(approved).toEqual({ noticeId: 'notice-2', status: 'approved' });
    startDelivery();
    expect(await handle.result()).toEqual({
      status: 'completed',
      affected: 3,
      sent: 3,
      undeliverable: 0,
      manual: 0,
    });

    // Each decision was checked against the notice waiting at the time.
    expect(called('applyApprovalDecision').map((c) => c.args[0])).toEqual([
      { incidentId: 'incident-1', noticeId: 'notice-1', decisionId: 'reject' },
      { incidentId: 'incident-1', noticeId: 'notice-2', decisionId: 'approve' },
    ]);
    // The three accepted updates are in the history; the refused decision in between is not.
    expect(await updateEventsInHistory()).toBe(3);
    expect(called('setIncidentStatus').map((c) => c.args[1])).toEqual([
      'drafting',
      'awaiting_approval',
      'drafting',
      'awaiting_approval',
      'delivering',
      'completed',
    ]);
  });

  it('refuses a second decision and a revision once the notice is approved', async () => {
    // The workflow stays in `delivering` (its plan is held back), so the approved state can be probed.
    await handle.executeUpdate(approvalUpdate, decision('approve'));
    await waitForStatus('delivering');
    expect(await refusalOf(handle.executeUpdate(approvalUpdate, decision('approve')))).toEqual({
      type: REFUSAL.conflict,
      message: 'No notice of this incident is waiting for a decision',
    });
    expect(await refusalOf(handle.executeUpdate(reviseNoticeUpdate, { args: [revision()] }))).toEqual({
      type: REFUSAL.conflict,
      message: 'The notice can no longer be revised: it has been approved',
    });
    expect(called('applyApprovalDecision')).toHaveLength(1);
  });

  it('holds delivery while a filing that must precede the notice is open, and goes on when it is not', async () => {
    // Maryland's Attorney General first (Md. Code, Com. Law § 14-3504(h)): one such filing is open.
    priorFilingsOpen = 1;
    await handle.executeUpdate(approvalUpdate, decision('approve'));
    await waitForStatus('awaiting_filing');
    // A change that leaves it open (another obligation's filing) keeps delivery waiting.
    const asked = called('openPriorFilings').length;
    await handle.signal(obligationsChangedSignal);
    await eventually(async () => called('openPriorFilings').length > asked);
    expect((await handle.query(progressQuery)).status).toBe('awaiting_filing');
    expect(called('deliveryPlan')).toHaveLength(0);
    // Filed (or let go by compliance with a reason): the change signals, and delivery starts.
    priorFilingsOpen = 0;
    await handle.signal(obligationsChangedSignal);
    await waitForStatus('delivering');
    startDelivery();
    await waitForStatus('completed');
    expect(called('setIncidentStatus').map((c) => c.args[1])).toEqual([
      'drafting',
      'awaiting_approval',
      'awaiting_filing',
      'delivering',
      'completed',
    ]);
    // Once sent, the deadlines that count from the notice are re-counted from when it went out.
    expect(called('reassessAfterNotice')).toHaveLength(1);
  });
});
