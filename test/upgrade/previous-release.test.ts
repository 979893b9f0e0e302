import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import { deliveryShardWorkflowId, incidentWorkflowId } from '../../core/domain/ids';
import { extractRelease } from '../../scripts/lib/releases';
import { repoRoot } from '../../scripts/lib/tools';
import { approvePending, newStaff } from '../helpers/factories';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { waitUntil, workflowBundle } from '../helpers/system';
import { uniqueTaskQueue } from '../helpers/temporal';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

/**
 * The upgrade path, on real parts: two incidents opened by the previous release (its stored archive,
 * test/upgrade/releases/<version>.tar.gz, made by scripts/cut-release.ts) with ITS migrations, use
 * cases and worker process; the current migrations applied under them while they are open (expand
 * only: the old code rejects and revises one notice and approves the other on the new schema); the
 * old worker stopped — one incident awaiting approval, the other in the middle of its delivery — and
 * the current worker started on the same task queue. The current code must replay the old histories
 * (a non-determinism error fails the workflow task, and the incident never finishes), approve,
 * deliver the rest, and reach everyone affected exactly once at the SMTP server.
 */
const PREVIOUS = '0.1.0';
/** People of the incident that waits for approval across the upgrade (system `crm`, emails a<n>@…). */
const WAITING = 5;
/**
 * People of the incident delivering across the upgrade (system `billing`, emails b<n>@…), sent 10 a
 * second: a draining worker finishes its delivery passes (each at most 20 s, activities/index.ts),
 * so about 200 go from the old worker and the rest from the current one.
 */
const DELIVERING = 250;

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

describe(`upgrade from ${PREVIOUS} mid-incident`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'forthright-upgrade-'));
  const releaseDir = join(dir, PREVIOUS);
  const bundlePath = join(dir, 'workflow-bundle.js');
  const payloadKey = randomBytes(32).toString('base64');
  const taskQueue = uniqueTaskQueue('upgrade');
  const databaseName = `upgrade_${process.pid}_${randomBytes(4).toString('hex')}`;
  let databaseUrl: string;
  let pool: Pool;
  let sink: SmtpSink;
  let connection: Connection;
  let client: Client;
  const workers: WorkerProcess[] = [];

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
    // Slow enough that the old worker stops with the second incident's delivery under way.
    SEND_RATE_PER_SECOND: '10',
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
    // Today's workflow bundle, built while the previous release runs: for the replay check, and
    // written out for the current worker (WORKFLOW_BUNDLE_PATH), which then need not bundle at start.
    void workflowBundle().then(({ code }) => writeFileSync(bundlePath, code));
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
    if (!process.env.UPGRADE_TEST_KEEP) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it(
    `finishes incidents ${PREVIOUS} opened (one awaiting approval, one delivering) on the current code: one notice each`,
    { timeout: 300_000 },
    async () => {
      // 1. The previous release: its migrations, its worker, its use cases open the incidents.
      await drive(releaseDir, env(), 'migrate');
      const behind = await pendingMigrations(databaseUrl);
      expect(behind.length, 'this release adds migrations to test').toBeGreaterThan(0);
      const old = startWorkerProcess(env(), join(dir, 'worker-previous.log'), releaseDir);
      workers.push(old);
      await old.started;
      const open = async (system: string, prefix: string, people: number) =>
        (await drive<{ incidentId: string }>(releaseDir, env(), 'open', system, prefix, String(people)))
          .incidentId;
      const waiting = await open('crm', 'a', WAITING);
      const delivering = await open('billing', 'b', DELIVERING);
      const status = async (id: string) => (await incidents.get(pool, id))?.status;
      const reaches = (id: string, wanted: string) =>
        waitUntil(`${id} to be ${wanted}`, async () => (await status(id)) === wanted, 120_000, 200);
      await reaches(waiting, 'awaiting_approval');
      await reaches(delivering, 'awaiting_approval');

      // 2. The rolling upgrade's first step: the current migrations, under the open incidents and the
      // running old worker. Expand only, so the old code keeps working on the new schema: its API
      // code rejects one notice (its worker takes the rejection, a revision drafts a new version)
      // and approves the other (its worker starts delivering).
      await migrate(databaseUrl);
      expect(await pendingMigrations(databaseUrl)).toEqual([]);
      expect((await drive<{ status: string }>(releaseDir, env(), 'reject', waiting)).status).toBe('rejected');
      await reaches(waiting, 'drafting');
      expect((await drive<{ version: number }>(releaseDir, env(), 'revise', waiting)).version).toBe(2);
      await reaches(waiting, 'awaiting_approval');
      expect((await drive<{ status: string }>(releaseDir, env(), 'approve', delivering)).status).toBe(
        'approved',
      );
      const sentTo = (prefix: string) =>
        [...sink.acceptedByRecipient.keys()].filter((r) => r.startsWith(prefix)).length;
      await waitUntil('the old worker to be delivering', async () => sentTo('b') >= 5, 120_000, 200);

      // 3. The deploy: the old worker drains (its delivery passes run to their time budget) and exits,
      // mid-incident for both.
      const before = { sent: sentTo('b'), at: Date.now() };
      await old.stop();
      expect(
        sentTo('b'),
        `the old worker stopped during the delivery (${before.sent} sent when asked to stop, ${Date.now() - before.at} ms before it exited)`,
      ).toBeLessThan(DELIVERING);
      // Fails at once, with the determinism error, if today's code would not take the old courses:
      // both incidents and the delivering one's shards.
      const converter = dataConverter(Buffer.from(payloadKey, 'base64'));
      const running = [
        incidentWorkflowId(waiting),
        incidentWorkflowId(delivering),
        deliveryShardWorkflowId(delivering, 0),
        deliveryShardWorkflowId(delivering, 1),
      ];
      for (const workflowId of running) {
        const history = await client.workflow.getHandle(workflowId).fetchHistory();
        await Worker.runReplayHistory(
          { workflowBundle: await workflowBundle(), dataConverter: converter },
          history,
          workflowId,
        );
      }

      // 4. The current worker, same task queue: the rest of the delivery; approval, delivery.
      await workflowBundle();
      const current = startWorkerProcess(
        { ...env(), WORKFLOW_BUNDLE_PATH: bundlePath },
        join(dir, 'worker-current.log'),
      );
      workers.push(current);
      await current.started;
      const { compliance } = await newStaff(pool);
      const decided = await approvePending(
        { pool, temporal: client, config: loadConfig(env()) },
        compliance.user,
        waiting,
      );
      expect(decided.status).toBe('approved');
      await reaches(delivering, 'completed');
      await reaches(waiting, 'completed');

      // Exactly one notice to each affected person, none to the others.
      await sink.waitFor(WAITING + DELIVERING, 30_000);
      const everyone = (prefix: string, people: number) =>
        Array.from({ length: people }, (_, i) => [`${prefix}${i}@example.com`, 1] as const);
      // (Staff mail, to @staff.example.com, is not counted.)
      const customers = [...sink.acceptedByRecipient].filter(([r]) => r.endsWith('@example.com'));
      expect(Object.fromEntries(customers)).toEqual(
        Object.fromEntries([...everyone('a', WAITING), ...everyone('b', DELIVERING)]),
      );
      // No workflow task failed on the current worker (a determinism error would have).
      for (const workflowId of running) {
        const after = await client.workflow.getHandle(workflowId).fetchHistory();
        const failedTasks = (after.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);
        expect(failedTasks, workflowId).toEqual([]);
      }
    },
  );
});
