import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../core/config';
import { dataConverter } from '../../core/data-converter';
import * as incidents from '../../core/db/incidents';
import { pendingMigrations, migrate } from '../../core/db/migrate';
import { createPool, type Pool } from '../../core/db/pool';
import { incidentWorkflowId } from '../../core/domain/ids';
import { extractRelease } from '../../scripts/lib/releases';
import { repoRoot } from '../../scripts/lib/tools';
import { approvePending, newStaff } from '../helpers/factories';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { workflowBundle } from '../helpers/system';
import { uniqueTaskQueue } from '../helpers/temporal';

/**
 * The upgrade path, on real parts: an incident opened by the previous release (its stored archive,
 * test/upgrade/releases/<version>.tar.gz, made by scripts/cut-release.ts) with ITS migrations, use
 * cases and worker process, then the current migrations applied under it while it is open (expand
 * only: the old code rejects and revises its notice on the new schema), then its worker stopped and
 * the current one started on the same task queue. The current code must replay the old history
 * (a non-determinism error fails the workflow task, and the incident never finishes), deliver, and
 * reach everyone affected exactly once at the SMTP server.
 */
const PREVIOUS = '0.1.0';
const PEOPLE = 5;

/** A worker as `node --import tsx <root>/worker/main.ts`: the release's own code from its own folder. */
function startWorker(root: string, env: Record<string, string>, logFile: string) {
  const fd = openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(root, 'worker', 'main.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = (async () => {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`worker exited: ${readFileSync(logFile, 'utf8').slice(-3000)}`);
      if (readFileSync(logFile, 'utf8').includes('worker started')) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    started,
    /** SIGTERM: the worker drains and exits, as at a deploy. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs test/upgrade/release-driver.ts against the extracted release; returns its JSON line. */
function drive<T>(releaseDir: string, env: Record<string, string>, ...args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'test', 'upgrade', 'release-driver.ts'), releaseDir, ...args],
      { cwd: releaseDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      if (code !== 0)
        return reject(new Error(`release driver ${args.join(' ')} exited ${code}: ${err || out}`));
      const last = out.trim().split('\n').pop() ?? '';
      resolve(JSON.parse(last) as T);
    });
  });
}

async function eventually<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 120_000,
) {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe(`upgrade from ${PREVIOUS} mid-incident`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'forthright-upgrade-'));
  const releaseDir = join(dir, PREVIOUS);
  const payloadKey = randomBytes(32).toString('base64');
  const taskQueue = uniqueTaskQueue('upgrade');
  const databaseName = `upgrade_${process.pid}_${randomBytes(4).toString('hex')}`;
  let databaseUrl: string;
  let pool: Pool;
  let sink: SmtpSink;
  let connection: Connection;
  let client: Client;
  const workers: ReturnType<typeof startWorker>[] = [];

  const env = () => ({
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    SMTP_URL: sink.url,
    PAYLOAD_ENCRYPTION_KEY: payloadKey,
    FORTHRIGHT_DATA_DIR: dir,
    LOG_LEVEL: 'info',
    DELIVERY_SHARDS: '2',
    DELIVERY_RETRY_DELAYS: '1,1',
    UPGRADE_PEOPLE: String(PEOPLE),
  });
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: inject('databaseAdminUrl') });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    extractRelease(PREVIOUS, releaseDir);
    // A fresh, empty database: the previous release migrates it itself (not the current template).
    await admin(`CREATE DATABASE ${databaseName}`);
    const url = new URL(inject('databaseAdminUrl'));
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
    pool = createPool(databaseUrl, 4);
    sink = await startSmtpSink();
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, dataConverter: dataConverter(Buffer.from(payloadKey, 'base64')) });
  });

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await connection?.close();
    await sink?.close();
    await pool?.end();
    await admin(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it(
    `finishes an incident ${PREVIOUS} opened, after its migrations, on the current code: one notice each`,
    { timeout: 300_000 },
    async () => {
      // 1. The previous release: its migrations, its worker, its use cases open the incident.
      await drive(releaseDir, env(), 'migrate');
      const behind = await pendingMigrations(databaseUrl);
      expect(behind.length, 'this release adds migrations to test').toBeGreaterThan(0);
      const old = startWorker(releaseDir, env(), join(dir, 'worker-previous.log'));
      workers.push(old);
      await old.started;
      const { incidentId } = await drive<{ incidentId: string }>(releaseDir, env(), 'open');
      const status = async () => (await incidents.get(pool, incidentId))?.status;
      await eventually(
        'the first notice to await approval',
        async () => (await status()) === 'awaiting_approval',
      );

      // 2. The rolling upgrade's first step: the current migrations, under the open incident and the
      // running old worker. Expand only, so the old code keeps working on the new schema: its API
      // code rejects, its worker takes the rejection, and a revision drafts a new version.
      await migrate(databaseUrl);
      expect(await pendingMigrations(databaseUrl)).toEqual([]);
      expect((await drive<{ status: string }>(releaseDir, env(), 'reject', incidentId)).status).toBe(
        'rejected',
      );
      await eventually('the old worker to take the rejection', async () => (await status()) === 'drafting');
      expect((await drive<{ version: number }>(releaseDir, env(), 'revise', incidentId)).version).toBe(2);
      await eventually(
        'the revision to await approval',
        async () => (await status()) === 'awaiting_approval',
      );

      // 3. The deploy: the old worker drains and stops mid-incident.
      await old.stop();
      const history = await client.workflow.getHandle(incidentWorkflowId(incidentId)).fetchHistory();
      // Fails at once, with the determinism error, if today's code would not take the old course.
      await Worker.runReplayHistory(
        {
          workflowBundle: await workflowBundle(),
          dataConverter: dataConverter(Buffer.from(payloadKey, 'base64')),
        },
        history,
        incidentWorkflowId(incidentId),
      );

      // 4. The current worker, same task queue: approval, delivery, completion.
      const current = startWorker(repoRoot, env(), join(dir, 'worker-current.log'));
      workers.push(current);
      await current.started;
      const { compliance } = await newStaff(pool);
      const decided = await approvePending(
        { pool, temporal: client, config: loadConfig(env()) },
        compliance.user,
        incidentId,
      );
      expect(decided.status).toBe('approved');
      await eventually('delivery to complete', async () => (await status()) === 'completed');

      // Exactly one notice to each affected person, none to the others.
      await sink.waitFor(PEOPLE, 30_000);
      const counts = Object.fromEntries(sink.acceptedByRecipient);
      expect(counts).toEqual(
        Object.fromEntries(Array.from({ length: PEOPLE }, (_, i) => [`upgrade${i}@example.com`, 1])),
      );
      // No workflow task of the incident failed on the current worker (a determinism error would).
      const after = await client.workflow.getHandle(incidentWorkflowId(incidentId)).fetchHistory();
      const failedTasks = (after.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);
      expect(failedTasks).toEqual([]);
    },
  );
});
