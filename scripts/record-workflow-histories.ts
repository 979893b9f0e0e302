// `npx tsx scripts/record-workflow-histories.ts <label>`: runs incidentWorkflow through its main
// courses on the time-skipping server with stand-in activities and writes each history to
// test/workflows/histories/<label>.<course>.json. test/workflows/replay.test.ts replays every stored
// history against today's workflow code, so a change that would break an incident already running
// (a step added without `patched()`, a reordered call) fails CI instead of a deploy. Record a new
// label before each change to workflow logic; keep the old ones until their patches are removed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { Activities } from '../activities';
import { FAILURE_CONVERTER_PATH } from '../core/data-converter';
import type { incidentWorkflow } from '../workflows/incident';
import { approvalUpdate, progressQuery } from '../workflows/messages';
import { repoRoot, timeSkippingServerPath } from './lib/tools';

const label = process.argv[2];
if (!label || !/^[a-z0-9-]+$/.test(label)) {
  console.error(
    'usage: tsx scripts/record-workflow-histories.ts <label> (lower-case letters, digits, dashes)',
  );
  process.exit(2);
}
const outDir = join(repoRoot, 'test', 'workflows', 'histories');

/**
 * Activities answering like a small incident with three people to notify by email and no shards,
 * so the history holds the workflow's own course and nothing else. A step a later version adds
 * goes here too (the worker registers only what is listed).
 */
function standInActivities(): Partial<Activities> {
  let drafts = 0;
  return {
    setIncidentStatus: async () => undefined,
    identifyAffectedCustomers: async () => 3,
    assessObligations: async () => 2,
    planChannels: async () => ({ email: 3, letter: 0, emailAndLetter: 0, none: 0 }),
    assessSubstituteNotice: async () => ({ open: 0, carriedOut: 0, drafted: 0 }),
    deadlineSchedule: async () => [],
    handleDeadlineEvent: async () => ({ standardNotice: null }),
    countNotifiable: async () => 3,
    draftNotice: async () => ({ id: `notice-${++drafts}`, version: drafts }),
    applyApprovalDecision: async (input) =>
      input.decisionId === 'approve'
        ? { outcome: 'approved', approvals: 1, quorum: 1 }
        : { outcome: 'rejected', approvals: 0, quorum: 1 },
    deliveryPlan: async () => ({ shards: 0, retryDelaysMs: [] }),
    openLetterBatch: async () => null,
    finishDelivery: async () => ({ sent: 3, undeliverable: 0, manual: 0 }),
    draftFilingPackets: async () => ({ drafted: 2 }),
    openPriorFilings: async () => 0,
    reassessAfterNotice: async () => ({ changed: 0 }),
    followUpPlan: async () => ({ reminders: 0, reminderDays: 14 }),
    checkRemediationCodes: async () => ({ warned: false, eligible: 0, short: 0 }),
  };
}

const env = await TestWorkflowEnvironment.createTimeSkipping({
  server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
});
try {
  const taskQueue = `record-${label}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
      failureConverterPath: FAILURE_CONVERTER_PATH,
    }),
    activities: standInActivities(),
  });
  await worker.runUntil(async () => {
    const start = (course: string) =>
      env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
        taskQueue,
        workflowId: `incident-${label}-${course}`,
        args: [{ incidentId: `incident-${course}`, openedBy: 'officer-1' }],
      });
    const waitFor = async (handle: WorkflowHandle, status: string) => {
      for (let i = 0; i < 1200; i++) {
        if ((await handle.query(progressQuery)).status === status) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`${handle.workflowId} never reached ${status}`);
    };
    const save = async (handle: WorkflowHandle, course: string) => {
      const history = await handle.fetchHistory();
      mkdirSync(outDir, { recursive: true });
      const file = join(outDir, `${label}.${course}.json`);
      writeFileSync(file, JSON.stringify(history, null, 1) + '\n');
      console.log(`${file}: ${history.events?.length ?? 0} events`);
    };

    // Approved at once, delivered, completed.
    const completed = await start('approved');
    await waitFor(completed, 'awaiting_approval');
    await completed.executeUpdate(approvalUpdate, { args: [{ decisionId: 'approve' }] });
    await completed.result();
    await save(completed, 'approved');

    // Rejected and waiting for a revision: an incident still open when a new version is deployed.
    const open = await start('rejected-open');
    await waitFor(open, 'awaiting_approval');
    await open.executeUpdate(approvalUpdate, { args: [{ decisionId: 'reject' }] });
    await waitFor(open, 'drafting');
    await save(open, 'rejected-open');
    await open.terminate('recorded');
  });
} finally {
  await env.teardown();
}
