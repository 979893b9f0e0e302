// End-to-end delivery benchmark: `npx tsx bench/delivery.ts` (see bench/README.md).
//
// Starts its own PostgreSQL, Temporal dev server and counting SMTP server on free ports, then:
//   1. batched delivery (the product: incidentWorkflow, worker as a process of its own) of 10,000
//      and of 100,000 notices, each on a fresh worker whose peak RSS is sampled;
//   2. the ceiling: plain nodemailer with the same pool size sending the same rendered 100,000
//      messages to the same SMTP server (bench/ceiling.ts, a process of its own);
//   3. the naive design (one activity per email, bench/naive/) on the 10,000-notice inventory;
// and prints a table. Every server is stopped and its data removed at the end.
import { join } from 'node:path';
import { execFileSync, fork } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { startIncidentWorkflow } from '../api/temporal-client';
import { createPool } from '../core/db/pool';
import type { Pool } from '../core/db/pool';
import * as deliveries from '../core/db/deliveries';
import { loadConfig } from '../core/config';
import { TemplateCache } from '../core/mail/template-cache';
import { repoRoot } from '../scripts/lib/tools';
import { approvePending, approvedNotice, identifyAffected } from '../test/helpers/factories';
import { dataConverter } from '../core/data-converter';
import type { CeilingInput, CeilingResult } from './ceiling';
import type { SmtpCounts } from './lib/counting-smtp';
import {
  benchStaff,
  incidentStatus,
  lastSent,
  openBenchIncident,
  seedForNotices,
  until,
} from './lib/incident';
import { benchPayloadKey, startBenchServers, stopOnSignals, type BenchServers } from './lib/servers';
import { startWorkerProcess } from './lib/worker-process';
import type { naiveDeliveryWorkflow } from './naive/workflows';

const { values: args } = parseArgs({
  options: {
    notices: { type: 'string', default: '100000' },
    small: { type: 'string', default: '10000' },
    'skip-naive': { type: 'boolean', default: false },
    'skip-ceiling': { type: 'boolean', default: false },
  },
});
const LARGE = Number(args.notices);
const SMALL = Number(args.small);

/** Worker settings: the defaults of core/config.ts unless set in the environment. */
const SETTINGS = {
  // Ten connections (the product's default is 5): the gated send waits one database round trip per
  // message, so a few more connections keep the relay busy. The ceiling uses the same number.
  SMTP_POOL_SIZE: process.env.SMTP_POOL_SIZE ?? '10',
  DELIVERY_SHARDS: process.env.DELIVERY_SHARDS ?? '2',
  DELIVERY_BATCH_SIZE: process.env.DELIVERY_BATCH_SIZE ?? '500',
  DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '10',
  SEND_RATE_PER_SECOND: '0',
};

interface Row {
  scenario: string;
  notices: number;
  seconds: number;
  perSecond: number;
  peakRssMb?: number;
  maxHistory?: number;
  note?: string;
}

const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

async function main(): Promise<void> {
  const servers = await startBenchServers({ temporal: true, smtp: true });
  stopOnSignals(servers.stop);
  const rows: Row[] = [];
  let connection: Connection | undefined;
  try {
    const payloadKey = benchPayloadKey();
    connection = await Connection.connect({ address: servers.temporal!.address });
    const client = new Client({
      connection,
      dataConverter: dataConverter(Buffer.from(payloadKey, 'base64')),
    });
    // As in production (the Docker image): workers load a bundle built once, not webpack at start.
    const workflowBundlePath = join(servers.dir, 'workflow-bundle.js');
    execFileSync(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'scripts', 'build-workflows.ts'), workflowBundlePath],
      {
        stdio: 'ignore',
      },
    );
    const ctx: Ctx = { servers, client, payloadKey, workflowBundlePath };

    const small = await batched(ctx, SMALL);
    rows.push(small.row);
    const large = await batched(ctx, LARGE);
    rows.push(large.row);

    if (!args['skip-ceiling']) {
      const ceiling = await runCeiling(ctx, large);
      for (const run of ceiling.runs) {
        rows.push({
          scenario: `ceiling: nodemailer pool, ${run.variant}`,
          notices: ceiling.messages,
          seconds: run.seconds,
          perSecond: run.perSecond,
          note: `rendered beforehand in ${ceiling.renderSeconds.toFixed(0)} s, not timed`,
        });
      }
    }
    if (!args['skip-naive']) rows.push(await naive(ctx, small.databaseUrl, SMALL));
    await small.pool.end();
    await large.pool.end();
  } finally {
    await connection?.close();
    await servers.stop();
  }
  printTable(rows);
}

interface Ctx {
  servers: BenchServers;
  client: Client;
  payloadKey: string;
  workflowBundlePath: string;
}

function workerEnv(ctx: Ctx, databaseUrl: string, taskQueue: string): Record<string, string> {
  return {
    ...SETTINGS,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: ctx.servers.temporal!.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    SMTP_URL: ctx.servers.smtp!.url,
    PAYLOAD_ENCRYPTION_KEY: ctx.payloadKey,
    FORTHRIGHT_DATA_DIR: ctx.servers.dir,
    WORKFLOW_BUNDLE_PATH: ctx.workflowBundlePath,
    LOG_LEVEL: 'info',
  };
}

async function prepareDatabase(ctx: Ctx, notices: number): Promise<{ url: string; pool: Pool }> {
  const url = await ctx.servers.createDatabase(`bench_${notices}`);
  const pool = createPool(url, 4);
  const seeded = await seedForNotices(pool, notices);
  log(`seeded ${seeded.customers} customers, ${seeded.holdings} holdings in ${seeded.seconds.toFixed(1)} s`);
  return { url, pool };
}

async function maxHistory(ctx: Ctx, taskQueue: string): Promise<number> {
  let max = 0;
  for await (const w of ctx.client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const d = await ctx.client.workflow.getHandle(w.workflowId, w.runId).describe();
    max = Math.max(max, d.historyLength);
  }
  return max;
}

async function checkSink(ctx: Ctx, expected: number, what: string): Promise<SmtpCounts> {
  const counts = await ctx.servers.smtp!.counts();
  if (counts.accepted !== expected || counts.duplicated !== 0 || counts.recipients !== expected) {
    throw new Error(
      `${what}: the SMTP server got ${JSON.stringify(counts)}, expected ${expected} distinct messages`,
    );
  }
  return counts;
}

/** The product: incident workflow, approval, sharded batched delivery, worker as its own process. */
async function batched(ctx: Ctx, notices: number) {
  log(`batched delivery of ${notices} notices: preparing`);
  const { url, pool } = await prepareDatabase(ctx, notices);
  const { officer, compliance } = await benchStaff(pool);
  const incidentId = await openBenchIncident(pool, officer.user, `Benchmark: ${notices} customers`);
  const taskQueue = `bench-batched-${notices}`;
  const worker = await startWorkerProcess({
    env: workerEnv(ctx, url, taskQueue),
    logFile: join(ctx.servers.dir, `worker-batched-${notices}.log`),
  });
  await ctx.servers.smtp!.reset();
  const started = Date.now();
  await startIncidentWorkflow(
    { temporal: ctx.client, config: loadConfig(workerEnv(ctx, url, taskQueue)) },
    { id: incidentId, openedBy: officer.user.id },
  );
  await until(
    'the notice to await approval',
    async () => (await incidentStatus(pool, incidentId)) === 'awaiting_approval',
    600_000,
  );
  const identified = Date.now();
  log(`identified and drafted in ${((identified - started) / 1000).toFixed(1)} s; approving`);
  const approvedFrom = Date.now();
  const approval = await approvePending(
    { pool, temporal: ctx.client, config: loadConfig(workerEnv(ctx, url, taskQueue)) },
    compliance.user,
    incidentId,
    'benchmark',
  );
  // The workflow itself runs on until every obligation (regulators' too) is resolved; delivery is
  // over when the incident is `completed`.
  await until(
    'delivery to complete',
    async () => (await incidentStatus(pool, incidentId)) === 'completed',
    3_600_000,
  );
  const outcome = await deliveries.countsForIncident(pool, incidentId);
  const sent = await lastSent(pool, incidentId);
  const peakRssMb = await worker.stop();
  if (outcome.sent !== notices || sent.sent !== notices) {
    throw new Error(`expected ${notices} sent, the incident reports ${JSON.stringify(outcome)}`);
  }
  await checkSink(ctx, notices, `batched ${notices}`);
  const seconds = (sent.last!.getTime() - approvedFrom) / 1000;
  log(
    `batched ${notices}: last notice recorded ${seconds.toFixed(1)} s after approval; worker peak RSS ${peakRssMb.toFixed(0)} MB`,
  );
  return {
    databaseUrl: url,
    pool,
    incidentId,
    noticeId: approval.noticeId,
    row: {
      scenario: `Forthright batched (${SETTINGS.DELIVERY_SHARDS} shards)`,
      notices,
      seconds,
      perSecond: notices / seconds,
      peakRssMb,
      maxHistory: await maxHistory(ctx, taskQueue),
      note: `approval → last notice recorded; workflow start → completed ${((Date.now() - started) / 1000).toFixed(0)} s`,
    } satisfies Row,
  };
}

async function runCeiling(
  ctx: Ctx,
  large: { databaseUrl: string; incidentId: string; noticeId: string },
): Promise<CeilingResult> {
  log('ceiling: rendering the same messages, then sending them with plain nodemailer');
  await ctx.servers.smtp!.reset();
  const variants: CeilingInput['variants'] = ['plain', 'same-options'];
  const input: CeilingInput = {
    databaseUrl: large.databaseUrl,
    smtpUrl: ctx.servers.smtp!.url,
    incidentId: large.incidentId,
    noticeId: large.noticeId,
    poolSize: Number(SETTINGS.SMTP_POOL_SIZE),
    variants,
  };
  const child = fork(join(repoRoot, 'bench', 'ceiling.ts'), [], {
    execArgv: ['--import', 'tsx', '--max-old-space-size=8192'],
    env: { ...process.env, BENCH_CEILING: JSON.stringify(input) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = await new Promise<CeilingResult>((resolve, reject) => {
    child.once('message', (m) => resolve(m as CeilingResult));
    child.once('exit', (code) => reject(new Error(`ceiling exited with ${code}`)));
  });
  await new Promise((r) => child.once('exit', r));
  const counts = await ctx.servers.smtp!.counts();
  if (counts.accepted !== result.messages * variants.length) {
    throw new Error(
      `ceiling: the SMTP server got ${counts.accepted}, expected ${result.messages * variants.length}`,
    );
  }
  for (const run of result.runs) log(`ceiling ${run.variant}: ${run.perSecond.toFixed(0)}/s`);
  return result;
}

/** One activity per email, on the 10,000-customer inventory, with a fresh incident. */
async function naive(ctx: Ctx, databaseUrl: string, notices: number): Promise<Row> {
  log(`naive delivery (one activity per email): preparing`);
  const pool = createPool(databaseUrl, 4);
  try {
    const config = loadConfig({
      DATABASE_URL: databaseUrl,
      FORTHRIGHT_DATA_DIR: ctx.servers.dir,
      LOG_LEVEL: 'silent',
    });
    const { officer, compliance } = await benchStaff(pool);
    const incidentId = await openBenchIncident(pool, officer.user, `Benchmark (naive): ${notices} customers`);
    const affectedCount = await identifyAffected(pool, incidentId);
    const notice = await approvedNotice(
      { pool, templates: new TemplateCache(pool), config },
      incidentId,
      compliance.user,
      'benchmark',
    );
    const taskQueue = `bench-naive-${notices}`;
    const worker = await startWorkerProcess({
      env: workerEnv(ctx, databaseUrl, taskQueue),
      logFile: join(ctx.servers.dir, `worker-naive-${notices}.log`),
      entry: 'bench/naive/worker.ts',
    });
    await ctx.servers.smtp!.reset();
    const started = Date.now();
    const handle = await ctx.client.workflow.start<typeof naiveDeliveryWorkflow>('naiveDeliveryWorkflow', {
      workflowId: `naive-${incidentId}`,
      taskQueue,
      args: [{ incidentId, noticeId: notice.id, after: 0 }],
    });
    await handle.result();
    const sent = await lastSent(pool, incidentId);
    const peakRssMb = await worker.stop();
    if (sent.sent !== notices)
      throw new Error(`naive: ${sent.sent} of ${notices} (affected ${affectedCount}) sent`);
    await checkSink(ctx, notices, 'naive');
    const seconds = (sent.last!.getTime() - started) / 1000;
    log(`naive ${notices}: ${seconds.toFixed(1)} s`);
    return {
      scenario: 'naive: one activity per email',
      notices,
      seconds,
      perSecond: notices / seconds,
      peakRssMb,
      maxHistory: await maxHistory(ctx, taskQueue),
      note: 'workflow start → last notice recorded',
    };
  } finally {
    await pool.end();
  }
}

function printTable(rows: Row[]): void {
  const cpu = cpus();
  console.log('');
  console.log(
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}, ` +
      `${process.platform}. PostgreSQL embedded (fsync on), Temporal dev server, counting SMTP server on loopback.`,
  );
  console.log(
    `Settings: ${Object.entries(SETTINGS)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  console.log('');
  const header = [
    'scenario',
    'notices',
    'seconds',
    'notices/s',
    'worker peak RSS',
    'max history events',
    'note',
  ];
  const body = rows.map((r) => [
    r.scenario,
    r.notices.toLocaleString('en-US'),
    r.seconds.toFixed(1),
    r.perSecond.toFixed(0),
    r.peakRssMb === undefined ? '' : `${r.peakRssMb.toFixed(0)} MB`,
    r.maxHistory === undefined ? '' : String(r.maxHistory),
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));

  const large = rows.find((r) => r.scenario.startsWith('Forthright') && r.notices === LARGE);
  const small = rows.find((r) => r.scenario.startsWith('Forthright') && r.notices === SMALL);
  const plain = rows.find((r) => r.scenario.endsWith('plain'));
  const same = rows.find((r) => r.scenario.endsWith('same-options'));
  const naiveRow = rows.find((r) => r.scenario.startsWith('naive'));
  console.log('');
  if (large && plain)
    console.log(
      `batched ${LARGE} / ceiling (plain nodemailer):        ${pct(large.perSecond / plain.perSecond)}  (target ≥ 85 %)`,
    );
  if (large && same)
    console.log(
      `batched ${LARGE} / ceiling (same composer options):   ${pct(large.perSecond / same.perSecond)}`,
    );
  if (small && naiveRow)
    console.log(
      `batched ${SMALL} / naive ${SMALL}:                      ${(small.perSecond / naiveRow.perSecond).toFixed(1)} ×  (target ≥ 5 ×)`,
    );
  if (small?.peakRssMb && large?.peakRssMb) {
    console.log(
      `worker peak RSS ${SMALL} → ${LARGE}:                   ${small.peakRssMb.toFixed(0)} MB → ${large.peakRssMb.toFixed(0)} MB  (target < 400 MB, flat)`,
    );
  }
  const maxH = Math.max(...rows.map((r) => r.maxHistory ?? 0));
  console.log(`largest workflow run history:                      ${maxH} events  (target ≤ 10,000)`);
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
