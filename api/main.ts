import closeWithGrace from 'close-with-grace';
import { loadConfig } from '../core/config';
import { waitForSchema } from '../core/db/migrate';
import { createPool } from '../core/db/pool';
import { createLogger } from '../core/logger';
import { buildApp } from './app';
import { startBounceListener } from './bounce-listener';
import type { BounceListener } from './bounce-listener';
import { createTemporalClient } from './temporal-client';
import { startWorkflowStarter } from './workflow-starter';

// Entry point: config -> wait for the migrated schema -> deps -> app -> listen until SIGTERM/SIGINT
// -> close in reverse order. The API never migrates: the migration step runs before it (see
// core/db/migrate.ts), so several replicas can start at once.
const config = loadConfig();
const logger = createLogger(config.logLevel, 'api');
const pool = createPool(config.database.url, config.database.poolSize);
let temporal: Awaited<ReturnType<typeof createTemporalClient>> | undefined;
let app: Awaited<ReturnType<typeof buildApp>> | undefined;
let starter: ReturnType<typeof startWorkflowStarter> | undefined;
let bounceListener: BounceListener | undefined;

async function closeAll(): Promise<void> {
  starter?.stop();
  // First: a report arriving while the rest closes would find no pool (the relay retries it later).
  await bounceListener?.close();
  await app?.close();
  await temporal?.connection.close();
  await pool.end();
}

// close-with-grace: one handler for SIGTERM, SIGINT and a crash, with a time limit, so a stuck
// close cannot keep a replica alive during a deploy.
const grace = closeWithGrace({ delay: 30_000, logger }, async ({ err, signal }) => {
  if (err) logger.error({ err }, 'api stopping after an error');
  else if (signal) logger.info({ signal }, 'api stopping');
  await closeAll();
});

try {
  await waitForSchema(config.database.url, {
    timeoutMs: config.database.schemaWaitMs,
    onWaiting: (missing) => logger.info({ missing }, 'waiting for the database migrations'),
  });
  temporal = await createTemporalClient(config);
  app = await buildApp({ config, pool, temporal, logger });
  await app.listen({ host: config.http.host, port: config.http.port });
  // Reports about sent notices come back by mail to their return paths (api/bounce-listener.ts).
  if (config.bounces.domain !== null) {
    bounceListener = await startBounceListener(
      { config, pool, temporal, logger },
      { host: config.http.host, port: config.bounces.smtpPort },
    );
  }
  starter = startWorkflowStarter({ pool, temporal, config }, logger, {
    intervalMs: config.http.workflowStartRetryMs,
    graceSeconds: 60,
  });
} catch (err) {
  logger.error({ err }, 'api failed to start');
  grace.uninstall();
  await closeAll().catch(() => undefined);
  process.exit(1);
}
