import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import type { ReplayWorkerOptions } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import {
  corpusHistories,
  corpusReleases,
  historyOf,
  replayCorpusConverter,
  type CorpusHistory,
} from '../../scripts/lib/replay-corpus';
import { workflowBundle } from '../helpers/system';

/**
 * Incidents run for weeks, so a deploy meets workflows started by older code. Two sets of stored
 * histories are replayed against today's code; a step added, removed or moved without `patched()`
 * makes a replay non-deterministic and this test fail:
 * - the replay corpus, per release (histories/<release>/<course>/…, recorded by
 *   scripts/record-workflow-histories.ts, normally through scripts/cut-release.ts): every course an
 *   incident can take, with every child workflow and continued-as-new run, payloads encrypted by the
 *   project's data converter;
 * - the labelled histories of single patches (histories/<label>.<course>.json, plain payloads),
 *   kept until their patches are removed.
 */
const HISTORIES = fileURLToPath(new URL('./histories', import.meta.url));
const labelled = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));
const releases = corpusReleases(HISTORIES);

const read = (file: string): unknown => JSON.parse(readFileSync(join(HISTORIES, file), 'utf8'));

/** Replays `histories` in one replay worker; returns `<name>: <error>` for each that failed. */
async function replayFailures(options: ReplayWorkerOptions, histories: CorpusHistory[]): Promise<string[]> {
  const failures: string[] = [];
  let i = 0;
  const results = Worker.runReplayHistories(
    options,
    histories.map((h) => ({ workflowId: h.workflowId, history: historyOf(h.json) })),
  );
  for await (const result of results) {
    const name = histories[i++]!.name;
    if (result.error) {
      // The SDK wraps core's one-line reason ("[TMPRL1100] Nondeterminism error: …") in a long text.
      const reason = /\[TMPRL\d+\][^"]*/.exec(result.error.message)?.[0] ?? result.error.message;
      failures.push(`${name}: ${result.error.name}: ${reason}`);
    }
  }
  expect(i, 'every history replayed').toBe(histories.length);
  return failures;
}

describe('replay corpus (every course, every workflow type, per release)', () => {
  it('has a corpus for at least two releases (the previous and this one)', () => {
    expect(releases.length).toBeGreaterThanOrEqual(2);
  });

  it.each(releases)('replays every history recorded for %s', async (release) => {
    const histories = corpusHistories(release, HISTORIES);
    // Every workflow type the incident starts is in the corpus, not only the incident's own.
    const types = new Set(
      histories.map(
        (h) =>
          (
            h.json as {
              events: { workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }[];
            }
          ).events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name,
      ),
    );
    expect([...types].sort()).toEqual(
      expect.arrayContaining([
        'amendmentWorkflow',
        'deliveryShardWorkflow',
        'filingEmailWorkflow',
        'incidentWorkflow',
        'letterBatchWorkflow',
        'mailingShardWorkflow',
        'mailingWorkflow',
        'questionAnswerWorkflow',
        'retentionSweepWorkflow',
      ]),
    );
    const failures = await replayFailures(
      { workflowBundle: await workflowBundle(), dataConverter: replayCorpusConverter() },
      histories,
    );
    // Each line names the history (release/course/workflowId.run.json) and the determinism error.
    if (failures.length > 0) {
      throw new Error(
        `${failures.length} of ${histories.length} histories of ${release} do not replay:\n${failures.join('\n')}`,
      );
    }
  });

  it('fails a corpus history that today\u2019s code would not take (the check can fail)', async () => {
    const [history] = corpusHistories(releases[0]!, HISTORIES).filter((h) => h.course === 'approved');
    const tampered = structuredClone(history!);
    const events = (tampered.json as { events: Record<string, unknown>[] }).events;
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes) as {
      activityTaskScheduledEventAttributes: { activityType: { name: string } };
    };
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'someOtherStep';
    const failures = await replayFailures(
      { workflowBundle: await workflowBundle(), dataConverter: replayCorpusConverter() },
      [tampered],
    );
    expect(failures.join('\n')).toMatch(/[Nn]ondetermin|[Dd]eterminism/);
  });

  it('reads the corpus only through the project\u2019s data converter (its payloads are encrypted)', async () => {
    const histories = corpusHistories(releases[0]!, HISTORIES).filter((h) => h.course === 'approved');
    const failures = await replayFailures({ workflowBundle: await workflowBundle() }, histories.slice(0, 1));
    expect(failures).toHaveLength(1);
  });
});

describe('incidentWorkflow replay of labelled histories', () => {
  it('has histories to replay', () => {
    expect(labelled.length).toBeGreaterThan(0);
  });

  it.each(labelled)('replays %s without a determinism error', async (file) => {
    const history = historyOf(read(file));
    const workflowId = file.replace(/\.json$/, '');
    // Throws DeterminismViolationError (or the workflow's own failure) if today's code would not
    // take the recorded course.
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
  });

  it('fails a history that today\u2019s code would not take (the check can fail)', async () => {
    const recorded = read(labelled[0]!) as { events: Record<string, unknown>[] };
    // The first activity the workflow schedules, renamed: as if the code had called another step.
    const scheduled = recorded.events.find((e) => e.activityTaskScheduledEventAttributes) as {
      activityTaskScheduledEventAttributes: { activityType: { name: string } };
    };
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'someOtherStep';
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyOf(recorded), 'tampered'),
    ).rejects.toThrow(/[Nn]ondetermin|[Dd]eterminism/);
  });
});
