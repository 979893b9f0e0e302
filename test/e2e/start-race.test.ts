import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate, pendingMigrations, requiredMigrations, waitForSchema } from '../../core/db/migrate';
import { SchemaNotReadyError } from '../../core/errors';
import { freePort } from '../../scripts/lib/local-servers';
import { repoRoot } from '../../scripts/lib/tools';
import { workflowBundle } from '../helpers/system';
import { uniqueTaskQueue } from '../helpers/temporal';

// Defect #22: the API and the worker used to migrate at start, under node-pg-migrate's lock in
// "fail" mode, so whichever came second exited. Now the migration step runs apart (here: in this
// process, racing the services, twice at once) and the services only wait for the schema.

const ROUNDS = 20;
const dir = mkdtempSync(join(tmpdir(), 'forthright-start-race-'));
const adminUrl = () => inject('databaseAdminUrl');

async function connected<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** An empty database (no template, no migrations): what a first start meets. */
async function emptyDatabase(name: string): Promise<string> {
  await connected(adminUrl(), (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

interface Service {
  name: string;
  child: ChildProcess;
  logFile: string;
  log(): string;
  exited: Promise<number | null>;
}

function startService(name: string, entry: string, env: Record<string, string>): Service {
  const logFile = join(dir, `${name}-${randomBytes(4).toString('hex')}.log`);
  const fd = openSync(logFile, 'a');
  // node --import tsx: one process, so SIGTERM reaches the service itself (as under the launcher).
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, entry)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))),
  );
  return { name, child, logFile, log: () => readFileSync(logFile, 'utf8'), exited };
}

async function until(what: string, service: Service, ready: () => Promise<boolean>, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service.child.exitCode !== null || service.child.signalCode !== null)
      throw new Error(`${service.name} exited before ${what}:\n${service.log().slice(-3000)}`);
    if (await ready()) return;
    if (Date.now() > deadline)
      throw new Error(`${service.name}: no ${what} in time:\n${service.log().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(service: Service): Promise<number | null> {
  service.child.kill('SIGTERM');
  return service.exited;
}

describe('starting the API and the worker against an empty database', () => {
  let bundlePath: string;
  const payloadKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    // One workflow bundle for every worker started here, as the Docker image has.
    bundlePath = join(dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, (await workflowBundle()).code);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const required = requiredMigrations();
  let roundsThatWaited = 0;

  it.each(Array.from({ length: ROUNDS }, (_, round) => round))(
    'round %i: both start, and every migration has run exactly once',
    async (round) => {
      const name = `start_race_${process.pid}_${round}`;
      const url = await emptyDatabase(name);
      try {
        const port = await freePort();
        const env = {
          DATABASE_URL: url,
          TEMPORAL_ADDRESS: inject('temporalAddress'),
          TEMPORAL_TASK_QUEUE: uniqueTaskQueue('start-race'),
          SMTP_URL: 'smtp://127.0.0.1:9',
          PAYLOAD_ENCRYPTION_KEY: payloadKey,
          FORTHRIGHT_DATA_DIR: dir,
          WORKFLOW_BUNDLE_PATH: bundlePath,
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'info',
        };
        // The API and the worker start at the same moment…
        const api = startService('api', 'api/main.ts', env);
        const worker = startService('worker', 'worker/main.ts', env);
        // …and the migration step races them, twice at once (two deploy pipelines, say): at once
        // in the even rounds; in the odd ones only when both services already wait for it.
        if (round % 2 === 1) {
          for (const s of [api, worker])
            await until('the wait for migrations', s, async () =>
              s.log().includes('waiting for the database migrations'),
            );
        }
        try {
          await Promise.all([migrate(url), migrate(url)]);
          await until('/healthz 200', api, async () => {
            try {
              return (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200;
            } catch {
              return false;
            }
          });
          await until('"worker started"', worker, async () => worker.log().includes('worker started'));
        } finally {
          const codes = await Promise.all([stop(api), stop(worker)]);
          expect(codes, `both stop cleanly\n${api.log().slice(-2000)}\n${worker.log().slice(-2000)}`).toEqual(
            [0, 0],
          );
        }
        if (api.log().includes('waiting for the database migrations')) roundsThatWaited++;
        if (worker.log().includes('waiting for the database migrations')) roundsThatWaited++;
        expect(api.log()).not.toContain('api failed to start');
        expect(worker.log()).not.toContain('worker failed');

        const ran = await connected(url, async (c) => {
          return (await c.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY id')).rows;
        });
        // Exactly once: every migration has one row, none twice.
        expect(ran.map((r) => r.name)).toEqual(required);
      } finally {
        await connected(adminUrl(), (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      }
    },
  );

  it('met an unmigrated database in the rounds where the migration step came late', () => {
    // The services really waited in the odd rounds (at least): a test that only ever found the
    // schema in place would show nothing.
    expect(roundsThatWaited).toBeGreaterThanOrEqual(ROUNDS);
  });

  it('gives up after SCHEMA_WAIT_SECONDS, naming the missing migration', async () => {
    const name = `start_race_${process.pid}_never`;
    const url = await emptyDatabase(name);
    try {
      expect(await pendingMigrations(url)).toEqual(requiredMigrations());
      const err = await waitForSchema(url, { timeoutMs: 300, intervalMs: 50 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SchemaNotReadyError);
      expect((err as SchemaNotReadyError).message).toContain(requiredMigrations()[0]);

      const api = startService('api', 'api/main.ts', {
        DATABASE_URL: url,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        PAYLOAD_ENCRYPTION_KEY: payloadKey,
        FORTHRIGHT_DATA_DIR: dir,
        PORT: String(await freePort()),
        SCHEMA_WAIT_SECONDS: '1',
        LOG_LEVEL: 'info',
      });
      expect(await api.exited).toBe(1);
      expect(api.log()).toContain(`The database schema is not migrated: ${requiredMigrations()[0]}`);
      // It did not migrate on its own either.
      expect(await pendingMigrations(url)).toEqual(requiredMigrations());
    } finally {
      await connected(adminUrl(), (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  });
});
