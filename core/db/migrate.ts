import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { SchemaNotReadyError } from '../errors';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));
const MIGRATIONS_TABLE = 'schema_migrations';

/**
 * Migrations run once, in one place, before the services start: the launcher (`npm start`), the
 * `migrate` one-shot service of docker-compose.yml, or `npm run migrate` as a deploy step. The API
 * and the worker never migrate; they call `waitForSchema` and start once the schema they were
 * built for is there.
 *
 * Should two migration steps still start together (two deploy pipelines, a launcher and a manual
 * `npm run migrate`), node-pg-migrate's advisory lock is taken in *wait* mode: the second waits
 * for the first, then finds nothing left to do. Its default, *fail*, made the second one exit.
 * Forward-only: there are no down migrations.
 */
export async function migrate(
  databaseUrl: string,
  log: (msg: string) => void = () => undefined,
): Promise<void> {
  await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: MIGRATIONS_TABLE,
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    log,
  });
}

/** The migrations this code needs, in order: the file names in core/db/migrations without `.sql`. */
export function requiredMigrations(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .map((f) => f.replace(/\.sql$/, ''))
    .sort();
}

/** The required migrations the database has not run yet, in order (all of them on an empty database). */
export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const table = await client.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [
      MIGRATIONS_TABLE,
    ]);
    if (!table.rows[0]?.present) return requiredMigrations();
    const ran = await client.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE}`);
    const done = new Set(ran.rows.map((r) => r.name));
    return requiredMigrations().filter((name) => !done.has(name));
  } finally {
    await client.end();
  }
}

export interface WaitForSchemaOptions {
  /**
   * How long to wait for the migration step before giving up.
   * @default 120_000
   */
  timeoutMs?: number;
  /**
   * How often to look again.
   * @default 500
   */
  intervalMs?: number;
  /** Told once when the service starts waiting, with the migrations still missing. */
  onWaiting?: (missing: string[]) => void;
}

/**
 * Resolves once every migration this code needs has run, looking again while the migration step
 * (run beside this service, perhaps at the same moment) is not finished. A database that is not
 * reachable yet counts as not migrated yet. Throws `SchemaNotReadyError`, naming the first
 * missing migration, when the time is up: the service then exits instead of running on a schema
 * it does not know.
 */
export async function waitForSchema(databaseUrl: string, options: WaitForSchemaOptions = {}): Promise<void> {
  const { timeoutMs = 120_000, intervalMs = 500, onWaiting } = options;
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    let missing: string[];
    let cause: unknown;
    try {
      missing = await pendingMigrations(databaseUrl);
    } catch (err) {
      missing = requiredMigrations();
      cause = err;
    }
    if (missing.length === 0) return;
    if (Date.now() >= deadline) throw new SchemaNotReadyError(missing, timeoutMs, cause);
    if (!told) onWaiting?.(missing);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
