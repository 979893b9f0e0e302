import type { Logger } from '../core/logger';
import { listUnstartedIncidents, recordWorkflowStarted } from '../core/use-cases/incidents';
import { startIncidentWorkflow } from './temporal-client';
import type { AppDeps } from './types';

/**
 * Starts the workflows that could not be started when their incident was opened (Temporal was
 * unreachable: the API answered 503 but kept the incident). Every API replica runs one; starting a
 * workflow is idempotent under its business id, so two replicas racing do no harm. An incident is
 * left alone for `graceSeconds` after it is opened, so the opening request itself starts it.
 */
export function startWorkflowStarter(
  deps: Pick<AppDeps, 'pool' | 'temporal' | 'config'>,
  log: Logger,
  options: { intervalMs: number; graceSeconds: number },
): { runOnce(): Promise<number>; stop(): void } {
  let running: Promise<number> | undefined;
  const runOnce = async (): Promise<number> => {
    let started = 0;
    for (const incident of await listUnstartedIncidents(deps, options.graceSeconds)) {
      try {
        await startIncidentWorkflow(deps, incident);
        await recordWorkflowStarted(deps, incident.id, { late: true });
        log.warn({ incidentId: incident.id }, 'incident workflow started late');
        started++;
      } catch (err) {
        log.error({ err, incidentId: incident.id }, 'incident workflow still cannot be started');
        break; // Temporal is still away: try the rest next time.
      }
    }
    return started;
  };
  const timer = setInterval(() => {
    running ??= runOnce()
      .catch((err: unknown) => {
        log.error({ err }, 'workflow starter failed');
        return 0;
      })
      .finally(() => (running = undefined));
  }, options.intervalMs);
  timer.unref();
  return { runOnce, stop: () => clearInterval(timer) };
}
