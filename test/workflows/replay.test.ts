import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../helpers/system';

/**
 * Incidents run for weeks, so a deploy meets workflows started by older code. Each history stored
 * in histories/ (recorded by scripts/record-workflow-histories.ts before a change to workflow logic)
 * is replayed against today's code: a step added or moved without `patched()` makes the replay
 * non-deterministic and this test fail.
 */
const HISTORIES = fileURLToPath(new URL('./histories', import.meta.url));
const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

/**
 * A stored history as the proto the replayer takes. Built through @temporalio/proto rather than the
 * SDK's `historyFromJSON`, which npm's layout here gives a second copy of protobufjs that rejects
 * the first's types ("type must be a Type").
 */
const historyOf = (json: unknown) => temporal.api.history.v1.History.fromObject(json as object);
const read = (file: string): unknown => JSON.parse(readFileSync(join(HISTORIES, file), 'utf8'));

describe('incidentWorkflow replay of stored histories', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('replays %s without a determinism error', async (file) => {
    const history = historyOf(read(file));
    const workflowId = file.replace(/\.json$/, '');
    // Throws DeterminismViolationError (or the workflow's own failure) if today's code would not
    // take the recorded course.
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
  });

  it('fails a history that today\u2019s code would not take (the check can fail)', async () => {
    const recorded = read(files[0]!) as { events: Record<string, unknown>[] };
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
