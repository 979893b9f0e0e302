import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import type { Activities } from '../../activities';
import { loadConfig } from '../../core/config';
import { incidentWorkflowId } from '../../core/domain/ids';
import { NON_RETRYABLE_ERROR_TYPES } from '../../core/errors';
import { buildActivityDeps } from '../../worker/deps';
import type { incidentWorkflow } from '../../workflows/incident';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { workflowBundle } from '../helpers/system';
import { createTimeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal';

/**
 * Activities declare the domain errors a retry cannot cure (core/errors.ts) as non-retryable: the
 * real incidentWorkflow, real activities and real PostgreSQL, given an incident id with no row,
 * fail on the first attempt instead of retrying for ever.
 */
describe('activities: non-retryable domain errors', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let deps: ReturnType<typeof buildActivityDeps>;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    db = await createTestDatabase();
    const config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-non-retryable-')),
      DATABASE_URL: db.url,
      SMTP_URL: 'smtp://127.0.0.1:1',
      LOG_LEVEL: 'silent',
    });
    deps = buildActivityDeps(config);
  });

  afterAll(async () => {
    await deps?.close();
    await db?.drop();
    await env?.teardown();
  });

  it('fails the workflow at once with IncidentNotFoundError when the incident does not exist', async () => {
    // Count every attempt of every activity, passing each on to the real one; a second attempt of
    // any activity ends the wait at once (without the declaration it would retry for ever).
    const attempts = new Map<string, number>();
    let retried!: () => void;
    const aRetry = new Promise<string>((resolve) => (retried = () => resolve('retried')));
    const real = createActivities(deps);
    const counted = Object.fromEntries(
      Object.entries(real).map(([name, step]) => [
        name,
        (...args: unknown[]) => {
          attempts.set(name, (attempts.get(name) ?? 0) + 1);
          if (attempts.get(name)! > 1) retried();
          return (step as (...a: unknown[]) => Promise<unknown>)(...args);
        },
      ]),
    ) as Activities;
    const taskQueue = uniqueTaskQueue('non-retryable');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: counted,
    });

    const incidentId = randomUUID(); // no such row
    const failure = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
        workflowId: incidentWorkflowId(incidentId),
        taskQueue,
        args: [{ incidentId, openedBy: randomUUID() }],
      });
      const outcome = await Promise.race([
        handle.result().then(
          () => null,
          (err: unknown) => err,
        ),
        aRetry,
      ]);
      if (outcome === 'retried') await handle.terminate('retried instead of failing at once');
      return outcome;
    });

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (failure as WorkflowFailedError).cause;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    expect((activityFailure as ActivityFailure).activityType).toBe('identifyAffectedCustomers');
    const cause = (activityFailure as ActivityFailure).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('IncidentNotFoundError');
    expect((cause as ApplicationFailure).nonRetryable).toBe(true);
    expect((cause as ApplicationFailure).details).toEqual([{ code: 'incident_not_found' }]);
    // One attempt, not a retry loop.
    expect(attempts.get('identifyAffectedCustomers')).toBe(1);
    expect(NON_RETRYABLE_ERROR_TYPES).toContain('IncidentNotFoundError');
  }, 60_000);
});
