import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../core/config';
import { dataConverter, FAILURE_CONVERTER_PATH } from '../../core/data-converter';
import * as incidents from '../../core/db/incidents';
import {
  freeClusterPorts,
  startTemporalCluster,
  type TemporalCluster,
} from '../../scripts/lib/temporal-cluster';
import { repoRoot, temporalServerTools } from '../../scripts/lib/tools';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { importInventory, nameAndEmailHeldIn, newStaff } from '../helpers/factories';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { openAndApprovePending, waitUntil } from '../helpers/system';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

/**
 * Delivery on a real Temporal server — go.temporal.io/server with PostgreSQL persistence, four
 * history shards, frontend, history, matching and worker services as separate processes
 * (scripts/lib/temporal-cluster.ts) — polled by two worker processes (`worker/main.ts`, as in
 * production). While an incident's 3,000 notices go out, one worker that is running a delivery
 * batch is killed with SIGKILL; the other must take its shard over (after the batch's missed
 * heartbeat, 15 s) and finish. At the SMTP server everyone has exactly one notice.
 *
 * The kill lands outside the one window the delivery design does not cover (between the commit
 * mark and the final "."; see core/delivery/shard-pass.ts): the SMTP server first holds new
 * transactions before their body and waits until none is mid-DATA (`holdAndSettle`).
 */

const PEOPLE = 3_000;
const SHARDS = 4;
/** Messages accepted before the kill: about a third of the way. */
const KILL_AT = 1_000;

/** `node --import tsx worker/main.ts`, once it has started. */
async function startWorker(env: Record<string, string>, logFile: string): Promise<WorkerProcess> {
  const worker = startWorkerProcess(env, logFile);
  await worker.started;
  return worker;
}

describe('delivery on a Temporal cluster with two workers', () => {
  let cluster: TemporalCluster | undefined;
  let db: TestDatabase;
  let sink: SmtpSink;
  let connection: Connection;
  let client: Client;
  const workers: WorkerProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'forthright-cluster-'));
  const payloadKey = randomBytes(32).toString('base64');
  const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const databases = { main: `temporal_${suffix}`, visibility: `temporal_visibility_${suffix}` };
  const timings: Record<string, number> = {};

  const workerEnv = (): Record<string, string> => ({
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: cluster!.address,
    TEMPORAL_TASK_QUEUE: 'forthright',
    WORKFLOW_BUNDLE_PATH: join(dir, 'workflow-bundle.js'),
    SMTP_URL: sink.url,
    PAYLOAD_ENCRYPTION_KEY: payloadKey,
    FORTHRIGHT_DATA_DIR: dir,
    LOG_LEVEL: 'info',
    DELIVERY_SHARDS: String(SHARDS),
    DELIVERY_BATCH_SIZE: '100',
    // 3,000 notices at 300 a second (75 per shard): about ten seconds of sending, so the kill
    // finds delivery under way.
    SEND_RATE_PER_SECOND: '300',
    DELIVERY_RETRY_DELAYS: '1,1',
  });

  beforeAll(async () => {
    let t = Date.now();
    const tools = temporalServerTools();
    [cluster, db, sink] = await Promise.all([
      startTemporalCluster({
        tools,
        postgresUrl: inject('databaseAdminUrl'),
        databases,
        dir: join(dir, 'temporal'),
        ports: await freeClusterPorts(),
        numHistoryShards: 4,
        processes: 'separate',
      }),
      createTestDatabase(),
      startSmtpSink({ countOnly: true }),
    ]);
    timings.clusterStartMs = Date.now() - t;
    t = Date.now();
    const { code } = await bundleWorkflowCode({
      workflowsPath: join(repoRoot, 'workflows', 'index.ts'),
      failureConverterPath: FAILURE_CONVERTER_PATH,
    });
    writeFileSync(join(dir, 'workflow-bundle.js'), code);
    timings.bundleMs = Date.now() - t;
    connection = await Connection.connect({ address: cluster.address });
    client = new Client({ connection, dataConverter: dataConverter(Buffer.from(payloadKey, 'base64')) });
    const customers = Array.from({ length: PEOPLE }, (_, i) => ({
      externalId: `C${String(i).padStart(5, '0')}`,
      email: `customer${i}@example.com`,
      locale: ['en', 'es', 'fr', 'de'][i % 4]!,
      region: ['US-CA', 'US-TX', 'US-NY'][i % 3]!,
    }));
    await importInventory(db.pool, {
      customers,
      holdings: nameAndEmailHeldIn('crm', customers),
    });
  }, 300_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await connection?.close();
    await cluster?.stop();
    await sink?.close();
    await db?.drop();
    const admin = new pg.Client({ connectionString: inject('databaseAdminUrl') });
    await admin.connect();
    for (const name of Object.values(databases))
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
    console.log('cluster test timings (ms):', timings);
  }, 120_000);

  it('finishes on the surviving worker when the other is SIGKILLed mid-delivery, one notice each', async () => {
    const started = Date.now();
    workers.push(
      ...(await Promise.all([
        startWorker(workerEnv(), join(dir, 'worker-a.log')),
        startWorker(workerEnv(), join(dir, 'worker-b.log')),
      ])),
    );
    timings.workersStartMs = Date.now() - started;
    const { officer, compliance } = await newStaff(db.pool);
    const config = loadConfig(workerEnv());
    const incidentId = await openAndApprovePending(
      { pool: db.pool, temporal: client, config },
      { officer: officer.user, compliance: compliance.user },
    );
    const status = async () => (await incidents.get(db.pool, incidentId))?.status;
    const approvedAt = Date.now();

    // Which worker runs which shard's batch right now: the server's record of pending activities.
    const runningBatches = async () => {
      const byWorker = new Map<string, string[]>();
      for await (const wf of client.workflow.list({ query: `ExecutionStatus = 'Running'` })) {
        if (wf.type !== 'deliveryShardWorkflow') continue;
        const d = await client.workflow.getHandle(wf.workflowId, wf.runId).describe();
        for (const a of d.raw.pendingActivities ?? []) {
          if (a.activityType?.name !== 'deliverBatch' || !a.lastWorkerIdentity) continue;
          const w = workers.find((x) => a.lastWorkerIdentity!.startsWith(x.identityPrefix));
          if (w) byWorker.set(w.identityPrefix, [...(byWorker.get(w.identityPrefix) ?? []), wf.workflowId]);
        }
      }
      return byWorker;
    };

    await waitUntil(
      `${KILL_AT} notices at the SMTP server`,
      async () => sink.acceptedCount >= KILL_AT,
      180_000,
      50,
    );
    const running = await runningBatches();
    timings.firstThirdMs = Date.now() - approvedAt;
    // The victim: a worker that is sending (both, when the shards spread over both).
    const victim = workers.find((w) => running.has(w.identityPrefix));
    const survivor = workers.find((w) => w !== victim)!;
    expect(victim, 'a worker runs a delivery batch').toBeDefined();
    const victimShards = running.get(victim!.identityPrefix)!;
    await sink.holdAndSettle();
    victim!.child.kill('SIGKILL');
    await victim!.exited;
    const acceptedAtKill = sink.acceptedCount;
    sink.release();
    expect(acceptedAtKill).toBeLessThan(PEOPLE); // the kill did land during delivery
    timings.killedAtMs = Date.now() - approvedAt;

    await waitUntil('delivery to complete', async () => (await status()) === 'completed', 240_000, 50);
    timings.deliveredMs = Date.now() - approvedAt;
    expect(survivor.alive()).toBe(true);

    // Everyone exactly one notice, nobody else any.
    const { rows } = await db.pool.query<{ email: string; status: string }>(
      `SELECT c.email, a.status FROM customers c JOIN affected_customers a ON a.customer_id = c.id AND a.incident_id = $1`,
      [incidentId],
    );
    expect(rows).toHaveLength(PEOPLE);
    expect(rows.filter((r) => r.status !== 'notified')).toEqual([]);
    const wrong = rows
      .map((r) => r.email)
      .filter((e) => sink.acceptedByRecipient.get(e) !== 1)
      .map((e) => `${e}: ${sink.acceptedByRecipient.get(e) ?? 0}`);
    expect(wrong).toEqual([]);
    expect(sink.acceptedCount).toBe(PEOPLE);
    expect(sink.acceptedCount).toBeGreaterThan(acceptedAtKill); // sending went on after the kill

    // The survivor finished the victim's shards: each one's batch that was running at the kill
    // completed on the survivor, in a later attempt.
    for (const workflowId of victimShards) {
      const retried: string[] = [];
      for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
        const history = await client.workflow.getHandle(workflowId, wf.runId).fetchHistory();
        for (const e of history.events ?? []) {
          const s = e.activityTaskStartedEventAttributes;
          if (s && (s.attempt ?? 1) > 1) retried.push(s.identity ?? '');
        }
      }
      expect(retried.length, `${workflowId}: a batch retried after the kill`).toBeGreaterThan(0);
      expect(retried.every((identity) => identity.startsWith(survivor.identityPrefix))).toBe(true);
    }
    timings.spreadBeforeKill = running.size;
  }, 600_000);
});
