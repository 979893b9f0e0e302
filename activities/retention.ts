import type { Config } from '../core/config';
import type { Pool } from '../core/db/pool';
import { ConflictError } from '../core/errors';
import { dueForPurge, purgeIncident, RETENTION_SWEEP_ACTOR } from '../core/use-cases/retention';
import { asActivityFailure } from './index';

/** Incidents one sweep purges at most; the next run takes the rest. */
export const SWEEP_LIMIT = 100;

/**
 * The retention sweep's steps (workflows/retention.ts), registered beside `createActivities` by
 * worker/main.ts. Ids and counts in and out; the purge itself is core/use-cases/retention.ts,
 * idempotent, so a retried step acts once. A domain error a retry cannot cure (the incident gone,
 * no longer due) fails at once.
 */
export function createRetentionActivities(deps: { pool: Pool; config: Readonly<Config> }) {
  const final =
    <A extends unknown[], R>(step: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await step(...args);
      } catch (err) {
        throw asActivityFailure(err);
      }
    };
  return {
    /** The ids of closed incidents whose retention is over and that are not purged yet (at most SWEEP_LIMIT). */
    listIncidentsDueForPurge: final(async (): Promise<string[]> => dueForPurge(deps, SWEEP_LIMIT)),

    /**
     * Purges one incident as the system (core/use-cases/retention.ts `purgeIncident`): its people
     * erased, its audit key destroyed, the purge audited, its files removed. Counts only back. An
     * incident not ready after all (an amendment being applied, a mailing sending: a ConflictError)
     * is `not_ready`, not an error to retry: the next sweep takes it.
     */
    purgeIncident: final(
      async (
        incidentId: string,
      ): Promise<{ outcome: 'purged' | 'already_purged' | 'not_ready'; affectedRecords: number }> => {
        try {
          const { purge, alreadyPurged } = await purgeIncident(deps, RETENTION_SWEEP_ACTOR, { incidentId });
          return {
            outcome: alreadyPurged ? 'already_purged' : 'purged',
            affectedRecords: purge.counts.affectedRecords,
          };
        } catch (err) {
          if (err instanceof ConflictError) return { outcome: 'not_ready', affectedRecords: 0 };
          throw err;
        }
      },
    ),
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
