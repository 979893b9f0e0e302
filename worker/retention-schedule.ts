import { Client, Connection, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Config } from '../core/config';
import { dataConverter } from '../core/data-converter';
import { temporalConnectionOptions } from '../core/temporal-connection';

/** The schedule's id, and the id prefix of the sweeps it starts. */
export const RETENTION_SCHEDULE_ID = 'retention-sweep';

/**
 * Keeps the Temporal schedule that runs the retention sweep (workflows/retention.ts) every
 * RETENTION_SWEEP_HOURS: created when missing, its interval brought in line with the configuration
 * when it exists (so a changed setting takes effect at the next worker start). Called by each
 * worker at start; any number of workers may call it at once.
 *
 * Why a schedule, and not a cron entry or a workflow that sleeps: it is what an operator keeps
 * running for years with nothing else to look after. It lives in Temporal with the workflows it
 * starts (no second host, crontab or timer to lose), each run is a short workflow of its own (no
 * history that grows for years, no continueAsNew), a run is never started while the last one is
 * still going (overlap SKIP), runs missed while Temporal was down are caught up once, and it can be
 * seen, paused (a litigation hold on every purge) and run now with the ordinary tools:
 * `temporal schedule describe|toggle --pause|trigger --schedule-id retention-sweep`.
 */
export async function ensureRetentionSchedule(
  config: Readonly<Config>,
  /** Another id only for tests that share a Temporal server with workers of other tests. */
  scheduleId: string = RETENTION_SCHEDULE_ID,
): Promise<'created' | 'updated'> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  try {
    const client = new Client({
      connection,
      namespace: config.temporal.namespace,
      dataConverter: dataConverter(config.temporal.payloadKey, config.temporal.previousPayloadKeys),
    });
    const spec = { intervals: [{ every: `${config.retention.sweepEveryHours} hours` }] };
    const action = {
      type: 'startWorkflow' as const,
      workflowType: 'retentionSweepWorkflow',
      workflowId: scheduleId,
      taskQueue: config.temporal.taskQueue,
      args: [],
    };
    try {
      await client.schedule.create({
        scheduleId,
        spec,
        action,
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      });
      return 'created';
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      // Its state (paused by an operator, with a note) is kept; only what the configuration says changes.
      await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
      return 'updated';
    }
  } finally {
    await connection.close();
  }
}
