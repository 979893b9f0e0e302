import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../core/db/migrate';
import {
  freePort,
  startEmbeddedPostgres,
  startTemporalDevServer,
  type EmbeddedPostgres,
  type TemporalDevServer,
} from '../../scripts/lib/local-servers';
import { repoRoot, temporalCliPath, timeSkippingServerPath, ToolMissingError } from '../../scripts/lib/tools';

/**
 * Starts the servers the whole test run shares, once: one PostgreSQL (fresh cluster, fsync off)
 * holding a migrated template database that test/helpers/db.ts clones per test file, and one
 * Temporal dev server (fresh SQLite file). Test files reach them through `inject(...)`.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** The `postgres` maintenance database of the test cluster: CREATE/DROP DATABASE go through it. */
    databaseAdminUrl: string;
    /** host:port of the shared Temporal dev server (namespace `default`). */
    temporalAddress: string;
    /** The time-skipping test server's launcher, or '' when `provision.sh test` has not installed it. */
    timeSkippingServerPath: string;
  }
}

/** The migrated database every test database is copied from. */
export const TEMPLATE_DATABASE = 'forthright_template';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  removeStaleRuns(join(repoRoot, '.data'));
  const dir = join(repoRoot, '.data', `test-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  let cliPath: string;
  try {
    cliPath = temporalCliPath();
  } catch (err) {
    if (err instanceof ToolMissingError) throw new Error(`${err.message} (npm test does this for you.)`);
    throw err;
  }
  let serverPath = '';
  try {
    serverPath = timeSkippingServerPath();
  } catch {
    // Only workflow tests need it; test/helpers/temporal.ts says what to run when one asks.
  }

  let postgres: EmbeddedPostgres | undefined;
  let temporal: TemporalDevServer | undefined;
  const teardown = async () => {
    await Promise.allSettled([temporal?.stop(), postgres?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const [pgPort, temporalPort] = [await freePort(), await freePort()];
    [postgres, temporal] = await Promise.all([
      startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: pgPort, durable: false }).then(
        async (server) => {
          await createTemplate(server);
          return server;
        },
      ),
      startTemporalDevServer({ cliPath, port: temporalPort, dbFile: join(dir, 'temporal.sqlite') }),
    ]);
  } catch (err) {
    await teardown();
    throw err;
  }

  project.provide('databaseAdminUrl', postgres.adminUrl);
  project.provide('temporalAddress', temporal.address);
  project.provide('timeSkippingServerPath', serverPath);
  console.log(
    `test servers ready in ${((Date.now() - started) / 1000).toFixed(1)} s: PostgreSQL ${postgres.port}, Temporal ${temporal.address}`,
  );
  return teardown;
}

/** Folders of earlier runs that were killed before their teardown (their process is gone). */
function removeStaleRuns(dataDir: string): void {
  if (!existsSync(dataDir)) return;
  for (const name of readdirSync(dataDir)) {
    const pid = /^test-(\d+)$/.exec(name)?.[1];
    if (!pid || Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch {
      rmSync(join(dataDir, name), { recursive: true, force: true });
    }
  }
}

async function createTemplate(server: EmbeddedPostgres): Promise<void> {
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
    await migrate(server.urlFor(TEMPLATE_DATABASE));
    // Nobody may connect to the template any more: CREATE DATABASE … TEMPLATE needs it idle.
    await admin.query(`ALTER DATABASE ${TEMPLATE_DATABASE} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
  } finally {
    await admin.end();
  }
}
