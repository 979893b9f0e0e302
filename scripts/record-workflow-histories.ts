// `npx tsx scripts/record-workflow-histories.ts <release> [--source <dir>]`: records the replay corpus
// of one release — every course an incident can take, with every workflow each course starts
// (incident, delivery shards and their continued-as-new runs, letter batches, mailings and their
// shards, amendment, filing email, support's answer, the retention sweep) — on the time-skipping
// server with stand-in activities, and writes each run's history to
// test/workflows/histories/<release>/<course>/<workflowId>.<run>.json.
//
// `--source <dir>` records the workflows of another checkout (an extracted release: see
// scripts/cut-release.ts, which is how a release's corpus is normally made); by default, this tree's.
// test/workflows/replay.test.ts replays every stored history against today's workflow code, so a
// change that would break an incident already running (a step added without `patched()`, a
// reordered call) fails CI instead of a deploy. Keep a release's corpus while any incident it
// started can still be open (workflows/README.md says how long).
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { Activities } from '../activities';
import type { RetentionActivities } from '../activities/retention';
import { FAILURE_CONVERTER_PATH } from '../core/data-converter';
import type { DeadlineEvent } from '../core/use-cases/obligations';
import {
  amendmentNoticeDecidedSignal,
  approvalUpdate,
  incidentWithdrawnSignal,
  obligationsChangedSignal,
  progressQuery,
  reviseNoticeUpdate,
  settlementRequestedSignal,
} from '../workflows/messages';
import { HISTORIES_DIR, replayCorpusConverter } from './lib/replay-corpus';
import { repoRoot, timeSkippingServerPath } from './lib/tools';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { source: { type: 'string' }, quiet: { type: 'boolean', default: false } },
});
const release = positionals[0];
if (!release || !/^[a-z0-9][a-z0-9.-]*$/.test(release)) {
  console.error(
    'usage: tsx scripts/record-workflow-histories.ts <release> [--source <checkout>] (release: lower-case letters, digits, dots, dashes)',
  );
  process.exit(2);
}
const source = resolve(values.source ?? repoRoot);
const workflowsPath = join(source, 'workflows', 'index.ts');
if (!existsSync(workflowsPath)) {
  console.error(`${workflowsPath} does not exist: --source must be a Forthright checkout`);
  process.exit(2);
}
const sourceFailureConverter = join(source, 'core', 'failure-converter.cjs');
const outDir = join(HISTORIES_DIR, release);
const log = (line: string) => {
  if (!values.quiet) console.log(line);
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The courses recorded, each an incident whose id is the course's name. Every stand-in activity
 * below finds its course from the calling workflow's id, which always holds the incident's id
 * (`incident-<id>…`, `mailing-<id>-…`): no course name may be a prefix of another followed by `-`.
 */
const COURSES = [
  'approved', // approved at once; two shards (one retries: continue-as-new), letters initial and fallback (101 files: continue-as-new), bounces, a deadline reminder, a follow-up reminder mailing
  'rejected-revised', // rejected, revised, approved, delivered
  'rejected-open', // rejected and still waiting for a revision: an incident open at deploy time
  'standard-notice', // no decision before the cut-off: the pre-approved standard notice goes out
  'hold-lifted', // a law-enforcement hold, its end, the deadlines moved on; then approved
  'withdrawn', // withdrawn while awaiting approval: nothing sent
  'prior-filing', // delivery waits for a filing that must go first; the filing's email workflow signals it
  'no-notice', // nobody to notify: closed without a notice
  'amended', // approved, then an amendment: new people's notice (its own shards and letters) and a supplement mailing
  'question-answer', // support's answer: the relay refuses, the workflow gives up and records it
  'retention-sweep', // the retention sweep: one incident purged, one failing
  'restore-settlement', // after a restore, with the incident's workflow ended: the released notices sent, then delivery finished and the incident completed
] as const;
type Course = (typeof COURSES)[number];

function courseOf(workflowId: string): Course {
  const found = [...COURSES]
    .sort((a, b) => b.length - a.length)
    .find((c) => workflowId.includes(`-${c}-`) || workflowId.endsWith(`-${c}`) || workflowId === c);
  if (!found) throw new Error(`no course in workflow id ${workflowId}`);
  return found;
}

const callingWorkflow = () => Context.current().info.workflowExecution?.workflowId ?? '';
/** The server's clock when the activity was scheduled: skipped time, unlike Date.now() here. */
const scheduledAt = () => Context.current().info.scheduledTimestampMs;

/** Counts calls per key (a workflow id, a course), for answers that change on the second call. */
function counter(): (key: string) => number {
  const seen = new Map<string, number>();
  return (key) => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n;
  };
}

/**
 * Activities answering as the courses need: ids and counts only, no database. A step a later version
 * adds goes here too (the worker registers only what is listed; a course that calls an unlisted
 * activity fails to record, which says what to add).
 */
function standInActivities(): Partial<Activities & RetentionActivities> {
  const drafts = counter();
  const priorFilingAsks = counter();
  const schedules = counter();
  const followUpLooks = counter();
  const retryCounts = counter();
  const event = (key: string, at: number, kind: DeadlineEvent['kind']): DeadlineEvent => ({
    key,
    at: new Date(at).toISOString(),
    kind,
    obligationId: 'obligation-1',
  });
  return {
    setIncidentStatus: async () => undefined,
    identifyAffectedCustomers: async () => 3,
    assessObligations: async () => 2,
    planChannels: async () => ({ email: 2, letter: 1, emailAndLetter: 0, none: 0 }),
    assessSubstituteNotice: async () => ({ open: 0, carriedOut: 0, drafted: 0 }),
    draftFilingPackets: async () => ({ drafted: 1 }),
    countNotifiable: async (incidentId) => (courseOf(incidentId) === 'no-notice' ? 0 : 3),
    draftNotice: async ({ incidentId }) => {
      const version = drafts(incidentId);
      return { id: `notice-${incidentId}-${version}`, version };
    },
    applyApprovalDecision: async (input) =>
      input.decisionId === 'approve'
        ? { outcome: 'approved', approvals: 1, quorum: 1 }
        : { outcome: 'rejected', approvals: 0, quorum: 1 },
    openPriorFilings: async (incidentId) =>
      courseOf(incidentId) === 'prior-filing' && priorFilingAsks(incidentId) === 1 ? 1 : 0,
    checkRemediationCodes: async () => ({ warned: false, eligible: 0, short: 0 }),
    deadlineSchedule: async (incidentId) => {
      const now = scheduledAt();
      const call = schedules(incidentId);
      switch (courseOf(incidentId)) {
        case 'approved':
        case 'amended':
          return [event('reminder-1', now + DAY, 'reminder'), event('due', now + 30 * DAY, 'due')];
        case 'standard-notice':
          return [event('cutoff', now + 2 * DAY, 'cutoff'), event('due', now + 10 * DAY, 'due')];
        case 'hold-lifted':
          // Before the hold: due in 10 days; held: only the hold's end; lifted: due later.
          if (call === 1) return [event('due', now + 10 * DAY, 'due')];
          if (call === 2) return [event('hold-ends', now + 2 * DAY, 'hold_ends')];
          return [event('due-after-hold', now + 12 * DAY, 'due')];
        default:
          return [];
      }
    },
    handleDeadlineEvent: async ({ incidentId, event: e }) => ({
      standardNotice:
        courseOf(incidentId) === 'standard-notice' && e.kind === 'cutoff'
          ? { id: `notice-${incidentId}-standard`, version: 90 }
          : null,
    }),
    deliveryPlan: async () => ({ shards: 2, retryDelaysMs: [60_000] }),
    deliverBatch: async (page) => ({ next: page.after === 0 ? 50 : null }),
    // Shard 0 of each delivery has a temporary failure to retry once: a pass, a sleep, continue-as-new.
    countRetrying: async ({ shard }) => (shard === 0 && retryCounts(callingWorkflow()) === 1 ? 1 : 0),
    finishDelivery: async () => ({ sent: 2, undeliverable: 1, manual: 0 }),
    openLetterBatch: async ({ incidentId, key }) => {
      if (key.endsWith('-fallback'))
        // A bounce's letter; the first delivery of `approved` has enough for two runs of files.
        return courseOf(incidentId) === 'approved' && !key.includes('amendment')
          ? { batchId: `${key}-batch`, letters: 101, files: 101 }
          : { batchId: `${key}-batch`, letters: 1, files: 1 };
      return { batchId: `${key}-batch`, letters: 1, files: 1 };
    },
    renderLetterFile: async () => ({ letters: 1 }),
    finishLetterBatch: async (batchId) => ({ batchId, letters: 1 }),
    reassessAfterNotice: async () => ({ changed: 1 }),
    completeRestoredDelivery: async () => true,
    finishRestoredDelivery: async () => ({ sent: 2, undeliverable: 1, manual: 0 }),
    followUpPlan: async () => ({
      reminders: courseOf(callingWorkflow()) === 'approved' ? 1 : 0,
      reminderDays: 14,
    }),
    ensureFollowUpNotice: async ({ incidentId, kind, key }) => ({
      state: 'pending',
      noticeId: `follow-up-${incidentId}-${kind}-${key}`,
    }),
    // Pending when first looked at again, approved at the next (hourly) look.
    followUpNoticeState: async ({ incidentId, kind, key }) =>
      followUpLooks(callingWorkflow()) === 1
        ? { state: 'pending', noticeId: `follow-up-${incidentId}-${kind}-${key}` }
        : { state: 'approved', noticeId: `follow-up-${incidentId}-${kind}-${key}` },
    createMailing: async ({ incidentId, kind, key }) => ({
      mailingId: `${incidentId}-${kind}-${key}`,
      recipients: 2,
    }),
    sendMailingBatch: async () => ({ next: null, sent: 1 }),
    countMailingOpen: async () => 0,
    finishMailing: async () => ({ selected: 2, sent: 2, undeliverable: 0, skipped: 0, open: 0, held: 0 }),
    applyAmendment: async () => ({ added: 2, grown: 1, grownNotified: 1, removed: 0, delivers: true }),
    draftAmendmentNotice: async ({ incidentId, version }) => ({
      id: `notice-${incidentId}-amendment-${version}`,
      version: 10 + version,
      status: 'pending_approval',
    }),
    amendmentNoticeState: async ({ incidentId, version }) => ({
      id: `notice-${incidentId}-amendment-${version}`,
      version: 10 + version,
      status: 'approved',
    }),
    draftAmendmentSupplement: async () => undefined,
    sendFilingEmail: async (filingId) => ({ filingId, status: 'sent' }),
    sendQuestionAnswer: async () => {
      throw ApplicationFailure.nonRetryable('the relay refused every recipient', 'RelayRefused');
    },
    giveUpQuestionAnswer: async ({ questionId }) => ({ questionId, status: 'failed' }),
    listIncidentsDueForPurge: async () => ['retention-sweep-old-1', 'retention-sweep-old-2'],
    purgeIncident: async (incidentId) => {
      if (incidentId.endsWith('-2')) throw ApplicationFailure.nonRetryable('purge failed', 'PurgeFailed');
      return { outcome: 'purged', affectedRecords: 3 };
    },
  };
}

// The stand-ins' refusals (a relay, a purge) are part of the courses: only warnings and errors are shown.
Runtime.install({ logger: new DefaultLogger('ERROR') });
const env = await TestWorkflowEnvironment.createTimeSkipping({
  server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
  client: { dataConverter: replayCorpusConverter() },
});
let recorded = 0;
try {
  const taskQueue = `record-${release}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath,
      failureConverterPath: existsSync(sourceFailureConverter)
        ? sourceFailureConverter
        : FAILURE_CONVERTER_PATH,
      logger: {
        log() {},
        trace() {},
        debug() {},
        info() {},
        warn() {},
        error: (m: string) => console.error(m),
      },
    }),
    activities: standInActivities(),
    dataConverter: replayCorpusConverter(),
  });
  rmSync(outDir, { recursive: true, force: true });

  await worker.runUntil(async () => {
    const client = env.client.workflow;
    const startIncident = (course: Course) =>
      client.start('incidentWorkflow', {
        taskQueue,
        workflowId: `incident-${course}`,
        args: [{ incidentId: course, openedBy: 'officer-1' }],
      });
    const waitFor = async (handle: WorkflowHandle, status: string) => {
      for (let i = 0; i < 1200; i++) {
        if ((await handle.query(progressQuery)).status === status) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${handle.workflowId} never reached ${status}`);
    };
    const approve = (handle: WorkflowHandle) =>
      handle.executeUpdate(approvalUpdate, { args: [{ decisionId: 'approve' }] });
    const reject = (handle: WorkflowHandle) =>
      handle.executeUpdate(approvalUpdate, { args: [{ decisionId: 'reject' }] });

    /**
     * Saves every run of `roots` and of everything they started: children (from their start events)
     * and continued-as-new runs (from the continued-as-new event), each under its workflow id and run
     * number.
     */
    const save = async (course: Course, roots: WorkflowHandle[]) => {
      const queue: { workflowId: string; runId?: string; run: number }[] = roots.map((h) => ({
        workflowId: h.workflowId,
        run: 1,
      }));
      const dir = join(outDir, course);
      mkdirSync(dir, { recursive: true });
      let events = 0;
      let files = 0;
      for (let next = queue.shift(); next; next = queue.shift()) {
        // Without a run id the first run is wanted: the handle's own run id (the first one started).
        const runId = next.runId ?? (await client.getHandle(next.workflowId).describe()).runId;
        const history = await client.getHandle(next.workflowId, runId).fetchHistory();
        const first = history.events?.[0]?.workflowExecutionStartedEventAttributes;
        if (next.run === 1 && first?.firstExecutionRunId && first.firstExecutionRunId !== runId) {
          // describe() gave the latest run of a chain: start again from its first.
          queue.unshift({ workflowId: next.workflowId, runId: first.firstExecutionRunId, run: 1 });
          continue;
        }
        writeFileSync(
          join(dir, `${next.workflowId}.${next.run}.json`),
          JSON.stringify(history, null, 1) + '\n',
        );
        events += history.events?.length ?? 0;
        files++;
        for (const e of history.events ?? []) {
          const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
          if (child?.workflowId && child.runId)
            queue.push({ workflowId: child.workflowId, runId: child.runId, run: 1 });
          const continued = e.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
          if (continued) queue.push({ workflowId: next.workflowId, runId: continued, run: next.run + 1 });
        }
      }
      recorded += files;
      log(`${course}: ${files} histories, ${events} events`);
    };

    // Approved at once, delivered in two shards (shard 0 retries: continue-as-new), letters beside and
    // after (the fallback batch's 101 files continue as new), a reminder mailing 14 days later.
    {
      const h = await startIncident('approved');
      await waitFor(h, 'awaiting_approval');
      await approve(h);
      await h.result();
      await save('approved', [h]);
    }
    // Rejected, revised, approved.
    {
      const h = await startIncident('rejected-revised');
      await waitFor(h, 'awaiting_approval');
      await reject(h);
      await waitFor(h, 'drafting');
      await h.executeUpdate(reviseNoticeUpdate, {
        args: [
          { whatHappened: 'revised', whatWeAreDoing: 'revised', actorId: 'officer-1', actorRole: 'officer' },
        ],
      });
      await waitFor(h, 'awaiting_approval');
      await approve(h);
      await h.result();
      await save('rejected-revised', [h]);
    }
    // Rejected and waiting for a revision when recorded: an incident still open at a deploy.
    {
      const h = await startIncident('rejected-open');
      await waitFor(h, 'awaiting_approval');
      await reject(h);
      await waitFor(h, 'drafting');
      await save('rejected-open', [h]);
      await h.terminate('recorded');
    }
    // Nobody decides before the cut-off: the standard notice is sent.
    {
      const h = await startIncident('standard-notice');
      await waitFor(h, 'awaiting_approval');
      await h.result();
      await save('standard-notice', [h]);
    }
    // A law-enforcement hold (the schedule then holds only its end), the hold's end passes, it is
    // lifted (the deadline moves on); then approved.
    {
      const h = await startIncident('hold-lifted');
      await waitFor(h, 'awaiting_approval');
      await h.signal(obligationsChangedSignal);
      await env.sleep('3 days');
      await h.signal(obligationsChangedSignal);
      await approve(h);
      await h.result();
      await save('hold-lifted', [h]);
    }
    // Withdrawn while awaiting approval.
    {
      const h = await startIncident('withdrawn');
      await waitFor(h, 'awaiting_approval');
      await h.signal(incidentWithdrawnSignal);
      await h.result();
      await save('withdrawn', [h]);
    }
    // A filing must precede the notice: delivery waits until the filing's email workflow signals.
    {
      const h = await startIncident('prior-filing');
      await waitFor(h, 'awaiting_approval');
      await approve(h);
      await waitFor(h, 'awaiting_filing');
      const filing = await client.start('filingEmailWorkflow', {
        taskQueue,
        workflowId: 'filing-email-prior-filing-1',
        args: [{ incidentId: 'prior-filing', filingId: 'filing-prior-filing-1' }],
      });
      await filing.result();
      await h.result();
      await save('prior-filing', [h, filing]);
    }
    // Nobody to notify.
    {
      const h = await startIncident('no-notice');
      await h.result();
      await save('no-notice', [h]);
    }
    // Approved; while its deadline watch still runs, an amendment adds people (their notice approved
    // on a signal, their own shards and letters) and grows others' exposure (a supplement mailing).
    {
      const h = await startIncident('amended');
      await waitFor(h, 'awaiting_approval');
      await approve(h);
      await waitFor(h, 'completed');
      const amendment = await client.start('amendmentWorkflow', {
        taskQueue,
        workflowId: 'incident-amended-amendment-2',
        args: [{ incidentId: 'amended', version: 2 }],
      });
      await amendment.signal(amendmentNoticeDecidedSignal);
      await amendment.result();
      await h.result();
      await save('amended', [h, amendment]);
    }
    // Support's answer: the relay refuses; the workflow gives up and records it.
    {
      const h = await client.start('questionAnswerWorkflow', {
        taskQueue,
        workflowId: 'question-answer-question-answer-1',
        args: [{ questionId: 'question-1' }],
      });
      await h.result();
      await save('question-answer', [h]);
    }
    // The retention sweep: one purged, one failing.
    {
      const h = await client.start('retentionSweepWorkflow', {
        taskQueue,
        workflowId: 'retention-sweep-retention-sweep',
        args: [],
      });
      await h.result();
      await save('retention-sweep', [h]);
    }
    // After a restore, the operator released held notices of an incident whose workflow had ended.
    {
      const h = await client.signalWithStart('restoreSettlementWorkflow', {
        taskQueue,
        workflowId: 'incident-restore-settlement-restore-settlement',
        args: [{ incidentId: 'restore-settlement', key: 'restore-settlement-1', retryDelaysMs: [60_000] }],
        signal: settlementRequestedSignal,
        signalArgs: [{ noticeIds: ['notice-restore-settlement-1'], settle: true }],
      });
      await h.result();
      await save('restore-settlement', [h]);
    }
  });
} finally {
  await env.teardown();
}
log(`${outDir}: ${recorded} histories`);
