import { loadConfig } from '../core/config';
import { createPool } from '../core/db/pool';
import { migrate } from '../core/db/migrate';
import { createLogger } from '../core/logger';
import { buildApp } from './app';
import { createTemporalClient } from './temporal-client';

// Entry point: config -> deps -> app -> listen until SIGTERM/SIGINT -> close.
const config = loadConfig();
const logger = createLogger(config.logLevel, 'api');
const pool = createPool(config.database.url, config.database.poolSize);
try {
  await migrate(config.database.url);
  const temporal = await createTemporalClient(config);
  const app = await buildApp({ config, pool, temporal, logger });
  const stop = async () => {
    await app.close();
    await temporal.connection.close();
    await pool.end();
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  await app.listen({ host: config.http.host, port: config.http.port });
} catch (err) {
  logger.error({ err }, 'api failed to start');
  await pool.end();
  process.exit(1);
}
