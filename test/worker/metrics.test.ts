import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config';
import { dataConverter } from '../../core/data-converter';
import { freeLoopbackPort } from '../../worker/metrics-server';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { importInventory, nameAndEmailHeldIn, newStaff } from '../helpers/factories';
import { promtool, sampleValue } from '../helpers/prometheus';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { openAndApprovePending, waitUntil } from '../helpers/system';
import { devServerAddress, uniqueTaskQueue } from '../helpers/temporal';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

/**
 * The worker's /metrics (worker/metrics-server.ts) on the real stack: the worker process as in
 * production (`node --import tsx worker/main.ts`) on the dev server, a real SMTP server. Scraped
 * before and after an incident's delivery, the sent counter moves by exactly the notices the SMTP
 * server received; the Temporal SDK's own metrics (pollers) are in the same scrape; `promtool check
 * metrics` accepts the text; and without the bearer token the endpoint answers 401.
 */

const PEOPLE = 12;

describe('worker metrics', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let connection: Connection;
  let client: Client;
  let worker: WorkerProcess | undefined;
  let metricsUrl = '';
  const dir = mkdtempSync(join(tmpdir(), 'forthright-metrics-'));
  const logFile = join(dir, 'worker.log');
  const payloadKey = randomBytes(32).toString('base64');
  const token = randomBytes(24).toString('hex');
  const taskQueue = uniqueTaskQueue('metrics');
  let env: Record<string, string> = {};

  const scrape = async (bearer: string | null = token) =>
    fetch(metricsUrl, { headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` } });
  const scrapeText = async () => {
    const response = await scrape();
    expect(response.status).toBe(200);
    return response.text();
  };

  beforeAll(async () => {
    [db, sink] = await Promise.all([createTestDatabase(), startSmtpSink()]);
    const port = await freeLoopbackPort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: devServerAddress(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_URL: sink.url,
      PAYLOAD_ENCRYPTION_KEY: payloadKey,
      FORTHRIGHT_DATA_DIR: dir,
      LOG_LEVEL: 'info',
      DELIVERY_SHARDS: '2',
      DELIVERY_RETRY_DELAYS: '1,1',
      WORKER_METRICS_PORT: String(port),
      METRICS_TOKEN: token,
    };
    worker = startWorkerProcess(env, logFile);
    await worker.started;
    connection = await Connection.connect({ address: devServerAddress() });
    client = new Client({ connection, dataConverter: dataConverter(Buffer.from(payloadKey, 'base64')) });
    const customers = Array.from({ length: PEOPLE }, (_, i) => ({
      externalId: `M${String(i).padStart(4, '0')}`,
      region: 'US-TX',
    }));
    await importInventory(db.pool, {
      customers,
      holdings: nameAndEmailHeldIn('crm', customers),
    });
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
    await sink?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('answers 401 without the bearer token, and to a wrong one', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('x'.repeat(48))).status).toBe(401);
  });

  it('counts the notices an incident sends, with the SDK’s poller metrics in the same scrape', async () => {
    const before = await scrapeText();
    const sentBefore = sampleValue(before, 'forthright_notices_sent_total', { relay: 'default' }) ?? 0;
    // The SDK's metrics are forwarded: this worker's pollers on its task queue.
    expect(before).toMatch(new RegExp(`^temporal_num_pollers\\{[^}]*task_queue="${taskQueue}"`, 'm'));
    expect(before).toMatch(/^forthright_build_info\{version="\d+\.\d+\.\d+[^"]*"\} 1$/m);

    const { officer, compliance } = await newStaff(db.pool);
    const config = loadConfig(env);
    await openAndApprovePending(
      { pool: db.pool, temporal: client, config },
      { officer: officer.user, compliance: compliance.user },
    );
    await waitUntil('every notice at the SMTP server', async () => sink.messages.length >= PEOPLE);

    // Counted once recorded: the outcome writes trail the relay's acceptance by a moment.
    const after = await waitUntil(
      `the sent counter to move by ${PEOPLE}`,
      async () => {
        const text = await scrapeText();
        const sent = sampleValue(text, 'forthright_notices_sent_total', { relay: 'default' }) ?? 0;
        return sent - sentBefore >= PEOPLE ? text : null;
      },
      30_000,
    );
    expect(sampleValue(after, 'forthright_notices_sent_total', { relay: 'default' })! - sentBefore).toBe(
      sink.messages.length,
    );
    expect(
      sampleValue(after, 'forthright_notices_failed_total', { relay: 'default', class: 'permanent' }),
    ).toBe(undefined);

    // promtool accepts the whole scrape (ours and the SDK's).
    const file = join(dir, 'scrape.prom');
    writeFileSync(file, after);
    const check = promtool(['check', 'metrics'], readFileSync(file, 'utf8'));
    expect(check.status, check.output).toBe(0);
  }, 240_000);
});
