import { continueAsNew, executeChild, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { databaseStep, letterFile } from './activity-options';
import { letterBatchWorkflowId } from '../core/domain/ids';
import type { LetterBatchResult, LetterBatchWorkflowInput } from './types';

// Opening claims a million letters in one statement, and the manifest lists them: minutes, not seconds.
const { openLetterBatch, finishLetterBatch } = proxyActivities<Activities>({
  ...databaseStep,
  startToCloseTimeout: '10 minutes',
});
const { renderLetterFile } = proxyActivities<Activities>(letterFile);

/**
 * Keeps each run's history to a few hundred events however many letters: a renderLetterFile call
 * costs six events, so a million letters (1,000 files) take ten runs.
 */
const FILES_PER_RUN = 100;

/**
 * Prints an incident's letters for the mail house: waits `waitMs` (late bounces join the batch),
 * opens a batch of everyone whose channel includes a letter and who has none yet for the approved
 * notice (null when nobody does), renders its files one activity each (≤ 1,000 letters per file),
 * then writes the manifest and checksums and marks it ready. The workflow id is the batch's key
 * (`letterBatchWorkflowId(incidentId, key)`), so a restarted run opens the same batch. Only ids,
 * counts and the file cursor pass through the history; continues as new every FILES_PER_RUN files.
 */
export async function letterBatchWorkflow(
  input: LetterBatchWorkflowInput,
): Promise<LetterBatchResult | null> {
  let batch = input.batch;
  if (!batch) {
    if (input.waitMs > 0) await sleep(input.waitMs);
    const opened = await openLetterBatch({ incidentId: input.incidentId, key: workflowInfo().workflowId });
    if (!opened) return null;
    batch = { id: opened.batchId, letters: opened.letters, files: opened.files, nextFile: 1 };
  }
  for (let rendered = 0; batch.nextFile <= batch.files; rendered++) {
    if (rendered >= (input.filesPerRun ?? FILES_PER_RUN) || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof letterBatchWorkflow>({ ...input, batch });
    }
    await renderLetterFile({ batchId: batch.id, fileNo: batch.nextFile });
    batch = { ...batch, nextFile: batch.nextFile + 1 };
  }
  const finished = await finishLetterBatch(batch.id);
  return { batchId: finished.batchId, letters: finished.letters };
}

/** Letters for everyone waiting for one, as a child batch keyed `key` (its id is the batch's key). */
export function letterBatch(incidentId: string, key: string): Promise<LetterBatchResult | null> {
  return executeChild(letterBatchWorkflow, {
    workflowId: letterBatchWorkflowId(incidentId, key),
    args: [{ incidentId, waitMs: 0 }],
  });
}
