import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import type { ScheduleHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRetentionActivities } from '../../activities/retention';
import { loadConfig } from '../../core/config';
import type { Config } from '../../core/config';
import { dataConverter } from '../../core/data-converter';
import * as retention from '../../core/db/retention';
import { recordIncidentStatus } from '../../core/use-cases/incidents';
import type { retentionSweepWorkflow } from '../../workflows/retention';
import { ensureRetentionSchedule } from '../../worker/retention-schedule';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { identifyAffected, importInventory, newIncident } from '../helpers/factories';
import { workflowBundle } from '../helpers/system';
import {
  devServerAddress,
  devServerClient,
  devServerNativeConnection,
  uniqueTaskQueue,
} from '../helpers/temporal';

/**
 * The retention sweep on the dev server (schedules need a real one), with the real activities on
 * real PostgreSQL: the worker's `ensureRetentionSchedule` creates the `retention-sweep` schedule
 * (and, run again, brings it in line rather than failing); triggered, the schedule starts
 * retentionSweepWorkflow, which purges the closed incident whose retention is over and leaves the
 * open one; a second sweep finds nothing due. (Its inputs and results are ids and counts by type:
 * activities/retention.ts.)
 */
describe('retentionSweepWorkflow', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let temporal: { client: Client; close(): Promise<void> };
  let worker: Worker;
  let running: Promise<void>;
  let schedule: ScheduleHandle;
  let scheduleId: string;
  let closed: string;
  let open: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-retention-wf-')),
      DATABASE_URL: db.url,
      SMTP_URL: 'smtp://127.0.0.1:1',
      LOG_LEVEL: 'silent',
      TEMPORAL_ADDRESS: devServerAddress(),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('retention'),
      RETENTION_DEFAULT_DAYS: '0',
      RETENTION_SWEEP_HOURS: '6',
    });
    await importInventory(db.pool, {
      customers: [
        { externalId: 'S1', fullName: 'Sven Sweptaway', email: 'sven.sweptaway@example.com' },
        { externalId: 'S2', fullName: 'Stina Staysput', email: 'stina.staysput@example.com' },
      ],
      holdings: [
        { customerExternalId: 'S1', system: 'crm-closed', categories: ['email'] },
        { customerExternalId: 'S2', system: 'crm-open', categories: ['email'] },
      ],
    });
    ({
      incident: { id: closed },
    } = await newIncident(db.pool, { systems: ['crm-closed'] }));
    ({
      incident: { id: open },
    } = await newIncident(db.pool, { systems: ['crm-open'] }));
    expect(await identifyAffected(db.pool, closed)).toBe(1);
    expect(await identifyAffected(db.pool, open)).toBe(1);
    await recordIncidentStatus({ pool: db.pool }, closed, 'closed_no_notice');

    worker = await Worker.create({
      connection: await devServerNativeConnection(),
      taskQueue: config.temporal.taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createRetentionActivities({ pool: db.pool, config }),
      dataConverter: dataConverter(config.temporal.payloadKey, config.temporal.previousPayloadKeys),
    });
    running = worker.run();
    // A client with the worker's payload codec, as the schedule's (worker/retention-schedule.ts).
    const dev = await devServerClient();
    const client = new Client({
      connection: dev.connection,
      namespace: config.temporal.namespace,
      dataConverter: dataConverter(config.temporal.payloadKey, config.temporal.previousPayloadKeys),
    });
    temporal = { client, close: dev.close };
    // Its own schedule id: workers that other test files start (worker/main.ts) keep `retention-sweep`
    // on the same dev server.
    scheduleId = `retention-sweep-${config.temporal.taskQueue}`;
    schedule = client.schedule.getHandle(scheduleId);
  }, 120_000);

  afterAll(async () => {
    await schedule?.delete().catch(() => undefined);
    worker?.shutdown();
    await running;
    await temporal?.close();
    await db?.drop();
  });

  it('is kept by the worker at start: created once, brought in line after, a pause kept', async () => {
    await schedule.delete().catch(() => undefined);
    expect(await ensureRetentionSchedule(config, scheduleId)).toBe('created');
    expect(await ensureRetentionSchedule(config, scheduleId)).toBe('updated');
    const described = await schedule.describe();
    expect(described.spec.intervals).toMatchObject([{ every: 6 * 3_600_000 }]);
    expect(described.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'retentionSweepWorkflow',
      taskQueue: config.temporal.taskQueue,
    });
    expect(described.policies.overlap).toBe('SKIP');
    // An operator's pause (a litigation hold) outlives the next worker start.
    await schedule.pause('litigation hold');
    expect(await ensureRetentionSchedule(config, scheduleId)).toBe('updated');
    expect((await schedule.describe()).state).toMatchObject({ paused: true, note: 'litigation hold' });
    await schedule.unpause();
  });

  it('purges what is due when triggered, and the next sweep finds nothing', async () => {
    const sweep = async () => {
      const before = (await schedule.describe()).info.recentActions.length;
      await schedule.trigger();
      let id: string | undefined;
      for (let i = 0; i < 100 && !id; i++) {
        const actions = (await schedule.describe()).info.recentActions;
        id = actions.length > before ? actions[actions.length - 1]!.action.workflow.workflowId : undefined;
        if (!id) await new Promise((r) => setTimeout(r, 200));
      }
      if (!id) throw new Error('the schedule started no sweep');
      const handle = temporal.client.workflow.getHandle<typeof retentionSweepWorkflow>(id);
      return { handle, result: await handle.result() };
    };

    const first = await sweep();
    expect(first.result).toEqual({ due: 1, purged: 1, alreadyPurged: 0, notReady: 0, failed: [] });
    expect(await retention.getPurge(db.pool, closed)).toMatchObject({
      purgedBy: 'system',
      counts: { affectedRecords: 1 },
    });
    expect(await retention.getPurge(db.pool, open)).toBeNull();
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM affected_customers WHERE incident_id = $1`,
      [open],
    );
    expect(rows[0]!.n).toBe(1);

    expect((await sweep()).result).toEqual({ due: 0, purged: 0, alreadyPurged: 0, notReady: 0, failed: [] });
  });
});
