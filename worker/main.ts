import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createRetentionActivities } from '../activities/retention';
import { loadConfig } from '../core/config';
import { waitForSchema } from '../core/db/migrate';
import { createLogger } from '../core/logger';
import { temporalConnectionOptions } from '../core/temporal-connection';
import { dataConverter } from '../core/data-converter';
import { collectProcessMetrics, setBuildInfo, workerRegistry } from '../core/metrics';
import { VERSION } from '../core/version';
import { buildActivityDeps } from './deps';
import { startHealthServer } from './health-server';
import type { HealthServer } from './health-server';
import { incidentLogInterceptor, runtimeLogger } from './logging';
import { freeLoopbackPort, sdkMetricsOptions, startMetricsServer } from './metrics-server';
import type { MetricsServer } from './metrics-server';
import { ensureRetentionSchedule } from './retention-schedule';

const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

// Entry point: config -> deps -> wait for the migrated schema -> worker -> run until SIGTERM/SIGINT
// drains it -> close. The worker never migrates: the migration step runs before it (see
// core/db/migrate.ts), so several workers can start at once. Shutdown is the Temporal runtime's
// own (shutdownSignals below): it stops polling and lets running activities finish before
// worker.run() returns, which a generic signal helper could not do.
const config = loadConfig();
const log = createLogger(config.logLevel, 'worker');
// Metrics (worker/metrics-server.ts): the SDK's exporter on a loopback port, forwarded by /metrics.
const sdkMetricsPort = config.metrics.workerPort !== null ? await freeLoopbackPort() : null;
Runtime.install({
  ...(sdkMetricsPort !== null ? { telemetryOptions: { metrics: sdkMetricsOptions(sdkMetricsPort) } } : {}),
  // The SDK's, the activities' and the workflows' lines, into the same pino stream with their
  // workflowId and incidentId (worker/logging.ts).
  logger: runtimeLogger(log, config.logLevel),
  shutdownSignals: ['SIGINT', 'SIGTERM'],
});

const deps = buildActivityDeps(config);
let connection: NativeConnection | undefined;
let worker: Worker | undefined;
let healthServer: HealthServer | undefined;
let metricsServer: MetricsServer | undefined;
try {
  setBuildInfo(VERSION);
  collectProcessMetrics(workerRegistry);
  if (config.metrics.workerPort !== null) {
    metricsServer = await startMetricsServer({
      host: config.metrics.workerHost,
      port: config.metrics.workerPort,
      token: config.metrics.token,
      sdkMetricsUrl: sdkMetricsPort !== null ? `http://127.0.0.1:${sdkMetricsPort}/metrics` : null,
      log,
    });
    log.info({ port: metricsServer.port }, 'worker metrics served');
  }
  // /livez and /readyz (worker/health-server.ts) from the start: not ready until it polls.
  if (config.health.workerPort !== null) {
    healthServer = await startHealthServer(
      { host: config.health.workerHost, port: config.health.workerPort, log },
      {
        pool: deps.pool,
        connection: () => connection ?? null,
        workerState: () => worker?.getState() ?? null,
      },
    );
    log.info({ port: healthServer.port }, 'worker health served');
  }
  await waitForSchema(config.database.url, {
    timeoutMs: config.database.schemaWaitMs,
    onWaiting: (missing) => log.info({ missing }, 'waiting for the database migrations'),
  });
  connection = await NativeConnection.connect(temporalConnectionOptions(config));
  worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // A bundle built beforehand (`npm run build:workflows`) spares each worker webpack's time and
    // memory at start; without one the worker bundles the sources itself.
    ...(config.temporal.workflowBundlePath
      ? { workflowBundle: { codePath: config.temporal.workflowBundlePath } }
      : { workflowsPath: WORKFLOWS_PATH }),
    activities: { ...createActivities(deps), ...createRetentionActivities(deps) },
    interceptors: { activity: [incidentLogInterceptor] },
    dataConverter: dataConverter(config.temporal.payloadKey, config.temporal.previousPayloadKeys),
  });
  // The retention sweep's schedule (worker/retention-schedule.ts): made or brought in line with the
  // configuration; a failure here is logged and the worker runs on (the schedule, if any, still does).
  await ensureRetentionSchedule(config).then(
    (outcome) => log.info({ outcome, everyHours: config.retention.sweepEveryHours }, 'retention schedule'),
    (err: unknown) => log.error({ err }, 'retention schedule not ensured'),
  );
  log.info({ taskQueue: config.temporal.taskQueue, address: config.temporal.address }, 'worker started');
  await worker.run();
  log.info('worker drained');
} catch (err) {
  log.error({ err }, 'worker failed');
  process.exitCode = 1;
} finally {
  await metricsServer?.close();
  await healthServer?.close();
  await deps.close();
  await connection?.close();
}
