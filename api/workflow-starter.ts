import type { Logger } from '../core/logger';
import { listUnappliedAmendments } from '../core/use-cases/amendments';
import { listUnstartedIncidents, recordWorkflowStarted } from '../core/use-cases/incidents';
import { startAmendmentWorkflow, startIncidentWorkflow } from './temporal-client';
import type { AppDeps } from './types';

/**
 * Starts the workflows that could not be started when their incident was opened (Temporal was
 * unreachable: the API answered 503 but kept the incident), and those of amendments left unapplied. Every API replica runs one; starting a
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
    // Amendments whose workflow could not be started when recorded (or has not applied them yet):
    // starting one that runs already finds it, one that finished stays finished.
    for (const amendment of await listUnappliedAmendments(deps, options.graceSeconds)) {
      try {
        await startAmendmentWorkflow(deps, amendment);
        started++;
      } catch (err) {
        log.error({ err, ...amendment }, 'amendment workflow still cannot be started');
        break;
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
