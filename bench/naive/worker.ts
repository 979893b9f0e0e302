// A worker for the naive design (bench only), shaped like worker/main.ts.
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../../core/config';
import { createLogger } from '../../core/logger';
import { temporalConnectionOptions } from '../../core/temporal-connection';
import { dataConverter } from '../../core/data-converter';
import { buildActivityDeps } from '../../worker/deps';
import { createNaiveActivities } from './activities';

const config = loadConfig();
const log = createLogger(config.logLevel, 'naive-worker');
Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: ['SIGINT', 'SIGTERM'] });
const deps = buildActivityDeps(config);
let connection: NativeConnection | undefined;
try {
  connection = await NativeConnection.connect(temporalConnectionOptions(config));
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
    activities: createNaiveActivities(deps),
    dataConverter: dataConverter(config.temporal.payloadKey),
  });
  log.info({ taskQueue: config.temporal.taskQueue }, 'worker started');
  await worker.run();
} catch (err) {
  log.error({ err }, 'worker failed');
  process.exitCode = 1;
} finally {
  await deps.close();
  await connection?.close();
}
