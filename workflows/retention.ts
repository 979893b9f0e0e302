import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { RetentionActivities } from '../activities/retention';
import { databaseStep } from './activity-options';

/**
 * One purge: a transaction over an incident's people (a million rows take minutes), retried for a
 * while, then left to the next sweep, so one incident that keeps failing never blocks the others.
 * (Kept here rather than in activity-options.ts while that file has other people's work under way;
 * move it there with the next change to it.)
 */
const retentionPurge: ActivityOptions = {
  startToCloseTimeout: '30 minutes',
  retry: {
    initialInterval: '10 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 5,
  },
};

const { listIncidentsDueForPurge } = proxyActivities<RetentionActivities>(databaseStep);
const { purgeIncident } = proxyActivities<RetentionActivities>(retentionPurge);

/** What one sweep did: counts and the ids of the incidents it could not purge (for the operator). */
export interface RetentionSweepResult {
  due: number;
  purged: number;
  alreadyPurged: number;
  /** Due but busy (an amendment being applied, a mailing sending): left for the next sweep. */
  notReady: number;
  failed: string[];
}

/**
 * The retention sweep: purges every closed incident whose retention is over
 * (core/use-cases/retention.ts), one after another. Started by the Temporal schedule
 * `retention-sweep` (worker/retention-schedule.ts) every RETENTION_SWEEP_HOURS; a run is short and
 * its history holds incident ids and counts only. Each purge is idempotent, so a sweep that overlaps
 * an admin's purge, or runs again after a crash, acts once per incident. At most SWEEP_LIMIT
 * incidents a run (activities/retention.ts): the next run takes the rest.
 */
export async function retentionSweepWorkflow(): Promise<RetentionSweepResult> {
  const due = await listIncidentsDueForPurge();
  const result: RetentionSweepResult = {
    due: due.length,
    purged: 0,
    alreadyPurged: 0,
    notReady: 0,
    failed: [],
  };
  for (const incidentId of due) {
    try {
      const { outcome } = await purgeIncident(incidentId);
      if (outcome === 'purged') result.purged += 1;
      else if (outcome === 'already_purged') result.alreadyPurged += 1;
      else result.notReady += 1;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      result.failed.push(incidentId);
    }
  }
  return result;
}
