import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { MetricsExporterConfig } from '@temporalio/worker';
import type { Logger } from '../core/logger';
import { bearerMatches, workerRegistry } from '../core/metrics';
import { listenHttp, type HttpListener } from './http-listener';

/*
 * The worker's /metrics (README "Metrics and alerts"): one scrape target per worker process that
 * holds both the project's counters (core/metrics.ts `workerRegistry`) and the Temporal SDK's own
 * runtime metrics (pollers, task slots, schedule-to-start latencies, sticky cache …).
 *
 * Why forwarded rather than a second port: the SDK's metrics come from its native core, which has
 * its own Prometheus exporter (`Runtime.install({ telemetryOptions: { metrics: { prometheus } } })`)
 * but cannot share a registry with prom-client. That exporter is bound to loopback on a free port
 * only this process knows, and /metrics here appends its text to the project's. So an operator
 * configures one port per worker (WORKER_METRICS_PORT), one bearer token (METRICS_TOKEN), and the
 * SDK's endpoint is never reachable from outside. Its names carry the `temporal_` prefix, so they
 * cannot collide with the project's `forthright_` ones.
 */

/** A TCP port free on loopback now (the SDK exporter is bound to it a moment later). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * The SDK runtime's metrics options: Prometheus on loopback, counters named `…_total` and durations
 * in seconds, as Prometheus's conventions (and `promtool check metrics`) want them.
 */
export function sdkMetricsOptions(port: number): MetricsExporterConfig {
  return {
    prometheus: {
      bindAddress: `127.0.0.1:${port}`,
      countersTotalSuffix: true,
      useSecondsForDurations: true,
    },
  };
}

export interface MetricsServerOptions {
  host: string;
  port: number;
  /** METRICS_TOKEN: when set, a scrape must send `Authorization: Bearer <token>`. */
  token: string | null;
  /** The SDK exporter's loopback URL (`http://127.0.0.1:<port>/metrics`), or null when it has none. */
  sdkMetricsUrl: string | null;
  log: Logger;
}

/** The metrics server: its port, and `close`. */
export type MetricsServer = HttpListener;

/** Serves GET /metrics until `close`; anything else is a 404. */
export function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  return listenHttp(options.host, options.port, (req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      options.log.error({ err }, 'metrics scrape failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('metrics unavailable\n');
    });
  });
}

async function handle(options: MetricsServerOptions, req: IncomingMessage, res: ServerResponse) {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' || path !== '/metrics') {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  if (options.token !== null && !bearerMatches(req.headers.authorization, options.token)) {
    res
      .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' })
      .end('a bearer token (METRICS_TOKEN) is required\n');
    return;
  }
  const own = await workerRegistry.metrics();
  const sdk = options.sdkMetricsUrl === null ? '' : await sdkMetrics(options.sdkMetricsUrl, options.log);
  res.writeHead(200, { 'content-type': workerRegistry.contentType });
  res.end(sdk === '' ? own : `${own.endsWith('\n') ? own : `${own}\n`}${sdk}`);
}

/** The SDK exporter's text; empty (and logged) when it does not answer, so our own metrics still go out. */
async function sdkMetrics(url: string, log: Logger): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) throw new Error(`status ${response.status}`);
    return await response.text();
  } catch (err) {
    log.warn({ err }, 'Temporal SDK metrics unavailable');
    return '';
  }
}
