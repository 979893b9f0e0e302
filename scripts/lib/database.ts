import { join } from 'node:path';
import type { Config } from '../../core/config';
import { migrate } from '../../core/db/migrate';
import { createPool, type Pool } from '../../core/db/pool';
import { provisionAppLogin } from '../../core/db/roles';
import { ensureDatabase, isListening, startEmbeddedPostgres, type EmbeddedPostgres } from './local-servers';

/**
 * The database as the scripts need it: the embedded cluster in the data folder (started here when
 * nothing is running it yet) or the server DATABASE_URL names, with the database created.
 * Migrating is the caller's step (core/db/migrate.ts): the launcher does it once, before the
 * worker and the API start.
 */

/** Where the launcher keeps the embedded cluster and its log. */
export function embeddedPostgresPaths(config: Readonly<Config>): { dataDir: string; logFile: string } {
  return { dataDir: join(config.dataDir, 'postgres'), logFile: join(config.dataDir, 'logs', 'postgres.log') };
}

/** Starts the embedded cluster and creates the `forthright` database if missing. */
export async function startEmbeddedDatabase(
  config: Readonly<Config>,
  options: { detached?: boolean } = {},
): Promise<EmbeddedPostgres> {
  const server = await startEmbeddedPostgres({
    ...embeddedPostgresPaths(config),
    port: config.database.embeddedPort,
    detached: options.detached ?? false,
  });
  try {
    await ensureDatabase(server.adminUrl, new URL(config.database.url).pathname.slice(1));
    return server;
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/**
 * The migration step: runs the pending migrations as the tables' owner (MIGRATION_DATABASE_URL, or
 * the embedded superuser), then makes DATABASE_URL's user a member of `forthright_app`, the role that
 * may only read and append to the audit trail (core/db/roles.ts). Warnings go to `warn`.
 */
export async function migrateDatabase(
  config: Readonly<Config>,
  log: (msg: string) => void = () => undefined,
  warn: (msg: string) => void = (msg) => console.warn(`warning: ${msg}`),
): Promise<void> {
  await migrate(config.database.migrationUrl, log);
  for (const warning of await provisionAppLogin(config.database.migrationUrl, config.database.url))
    warn(warning);
}

/**
 * Runs `work` with a pool on the configured, migrated database (seed and import are migration
 * steps of their own: they may run before anything else). For the embedded default, uses the
 * running cluster (e.g. the one `npm start` runs) or starts it just for this and stops it afterwards.
 */
export async function withDatabase<T>(
  config: Readonly<Config>,
  work: (pool: Pool) => Promise<T>,
): Promise<T> {
  let server: EmbeddedPostgres | undefined;
  if (config.database.embedded && !(await isListening(config.database.embeddedPort))) {
    server = await startEmbeddedDatabase(config);
  }
  await migrateDatabase(config);
  const pool = createPool(config.database.url, 4);
  try {
    return await work(pool);
  } finally {
    await pool.end();
    await server?.stop();
  }
}
