import type { NativeConnection, State } from '@temporalio/worker';
import type { Pool } from '../core/db/pool';
import type { Logger } from '../core/logger';
import { VERSION } from '../core/version';
import { listenHttp, type HttpListener } from './http-listener';

/*
 * The worker's liveness and readiness (README "Logs and health"), on a port of their own
 * (WORKER_HEALTH_PORT), apart from /metrics (worker/metrics-server.ts, WORKER_METRICS_PORT):
 * probes carry no token and a metrics port may ask for one, and an orchestrator's probe should not
 * cost a scrape of the SDK's exporter.
 *
 * - `/livez`: 200 while the process answers. It looks at nothing else, so an outage of PostgreSQL
 *   or Temporal (which a restart cannot cure) never gets a worker killed.
 * - `/readyz`: 200 only when the worker is polling its task queue (Temporal's Worker state
 *   RUNNING: not yet started, draining after SIGTERM, stopped or failed are all "no"), PostgreSQL
 *   answers `SELECT 1`, and the Temporal frontend answers, each within PROBE_TIMEOUT_MS. The body
 *   names each, so an operator sees which one failed.
 */

const PROBE_TIMEOUT_MS = 3_000;

/** What the readiness probe looks at; `workerState` is null until the worker exists. */
export interface ReadinessSources {
  pool: Pool;
  /** The worker's connection; null until it is made. */
  connection: () => NativeConnection | null;
  workerState: () => State | null;
}

export interface WorkerReadiness {
  status: 'ok' | 'unavailable';
  polling: boolean;
  state: State | 'starting';
  database: 'ok' | 'unreachable';
  temporal: 'ok' | 'unreachable';
  version: string;
}

/** Looks at the worker, PostgreSQL and Temporal, each within the probe's time. */
export async function workerReadiness(sources: ReadinessSources): Promise<WorkerReadiness> {
  const state = sources.workerState();
  const connection = sources.connection();
  const [database, temporal] = await Promise.all([
    within(sources.pool.query('SELECT 1')),
    connection
      ? within(
          connection.withDeadline(Date.now() + PROBE_TIMEOUT_MS, () =>
            connection.workflowService.getSystemInfo({}),
          ),
        )
      : Promise.resolve('unreachable' as const),
  ]);
  const polling = state === 'RUNNING';
  return {
    status: polling && database === 'ok' && temporal === 'ok' ? 'ok' : 'unavailable',
    polling,
    state: state ?? 'starting',
    database,
    temporal,
    version: VERSION,
  };
}

function within(probe: Promise<unknown>): Promise<'ok' | 'unreachable'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'unreachable'>((resolve) => {
    timer = setTimeout(() => resolve('unreachable'), PROBE_TIMEOUT_MS);
  });
  return Promise.race([
    probe.then(
      () => 'ok' as const,
      () => 'unreachable' as const,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
}

/** The health server: its port, and `close`. */
export type HealthServer = HttpListener;

/** Serves GET /livez and /readyz until `close`; anything else is a 404. */
export function startHealthServer(
  options: { host: string; port: number; log: Logger },
  sources: ReadinessSources,
): Promise<HealthServer> {
  return listenHttp(options.host, options.port, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: object) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'GET') return reply(405, { status: 'method not allowed' });
    if (path === '/livez') return reply(200, { status: 'ok' });
    if (path !== '/readyz') return reply(404, { status: 'not found' });
    workerReadiness(sources).then(
      (found) => reply(found.status === 'ok' ? 200 : 503, found),
      (err: unknown) => {
        options.log.error({ err }, 'readiness probe failed');
        reply(503, { status: 'unavailable' });
      },
    );
  });
}
