// End-to-end delivery benchmark: `npx tsx bench/delivery.ts` (see bench/README.md).
//
// Starts its own PostgreSQL, Temporal server (`--server dev`: the dev server; `--server cluster`: the
// real server with PostgreSQL persistence, scripts/lib/temporal-cluster.ts) and counting SMTP server
// on free ports, then:
//   1. batched delivery (the product: incidentWorkflow, workers as processes of their own) at each
//      size (`--small`, a comma list, then `--notices`), with each number of worker processes in
//      `--workers` (e.g. 1,2), each run on fresh workers whose peak RSS is sampled and on a copy
//      of the size's seeded inventory (seeded once);
//   2. the ceilings at the largest size: plain nodemailer with the same pool size sending the same
//      rendered messages to the same SMTP server (bench/ceiling.ts) in one process (`--ceilings 1`),
//      and in two processes at once, each half the people (`--ceilings 2`: the handoff ceiling with
//      both cores);
//   3. the naive design (one activity per email, bench/naive/) on the smallest inventory;
// and prints a table and the ratios. Every server is stopped and its data removed at the end.
import { join } from 'node:path';
import { execFileSync, fork } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
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
import type { CeilingInput, CeilingMessage, CeilingResult } from './ceiling';
import type { SmtpCounts } from './lib/counting-smtp';
import { cpuByKind, cpuPerNotice } from './lib/process-cpu';
import {
  benchStaff,
  incidentStatus,
  lastSent,
  openBenchIncident,
  seedForNotices,
  until,
} from './lib/incident';
import {
  benchPayloadKey,
  startBenchServers,
  stopOnSignals,
  type BenchServers,
  type BenchTemporal,
} from './lib/servers';
import { startWorkerProcess, type WorkerProcess } from './lib/worker-process';
import type { naiveDeliveryWorkflow } from './naive/workflows';

const { values: args } = parseArgs({
  options: {
    notices: { type: 'string', default: '100000' },
    small: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '1' },
    server: { type: 'string', default: 'dev' },
    ceilings: { type: 'string', default: '1,2' },
    'skip-naive': { type: 'boolean', default: false },
    'skip-ceiling': { type: 'boolean', default: false },
  },
});
const list = (v: string) =>
  v
    .split(',')
    .map((x) => Number(x.trim()))
    .filter((x) => Number.isInteger(x) && x > 0);
const LARGE = Number(args.notices);
/** Every size, smallest first; the ceilings run at the largest, the naive design at the smallest. */
const SIZES = [...new Set([...list(args.small), LARGE])].sort((a, b) => a - b);
const SMALL = SIZES[0]!;
/** In the order given: `--workers 2,1` runs two workers first, then the ceilings, then one. */
const WORKER_COUNTS = [...new Set(list(args.workers))];
const CEILINGS = args['skip-ceiling'] ? [] : list(args.ceilings).filter((c) => c === 1 || c === 2);
if (args.server !== 'dev' && args.server !== 'cluster') throw new Error('--server is dev or cluster');
const SERVER = args.server as BenchTemporal;
if (WORKER_COUNTS.length === 0) throw new Error('--workers is a list of worker process counts, e.g. 1,2');

/** Worker settings: the defaults of core/config.ts unless set in the environment. */
const SETTINGS = {
  // Ten connections (the product's default is 5): the gated send waits one database round trip per
  // message, so a few more connections keep the relay busy. The ceiling uses the same number.
  SMTP_POOL_SIZE: process.env.SMTP_POOL_SIZE ?? '10',
  // Two shards per worker process at most (see shardsFor): one shard is one activity at a time.
  DELIVERY_SHARDS: process.env.DELIVERY_SHARDS ?? '',
  DELIVERY_BATCH_SIZE: process.env.DELIVERY_BATCH_SIZE ?? '500',
  DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '10',
  SEND_RATE_PER_SECOND: '0',
};

/** Shards for a run: DELIVERY_SHARDS if set, else 2 per worker process (2 for one, 4 for two). */
const shardsFor = (workers: number) => SETTINGS.DELIVERY_SHARDS || String(2 * workers);

interface Row {
  scenario: string;
  notices: number;
  seconds: number;
  perSecond: number;
  /** Worker processes (Forthright rows) or sending processes (ceilings). */
  processes?: number;
  peakRssMb?: number[];
  maxHistory?: number;
  /** Load average (1 min) at the start and the end of the run. */
  load?: [number, number];
  /** Worker CPU seconds (all worker processes) during delivery. */
  workerCpuSeconds?: number;
  note?: string;
}

const load1 = () => loadavg()[0]!;

const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

async function main(): Promise<void> {
  const servers = await startBenchServers({ temporal: SERVER, smtp: true });
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

    const runs: BatchedRun[] = [];
    for (const notices of SIZES) {
      // Seeded once per size; each run delivers on a copy of it, so every run starts alike.
      const template = await seedTemplate(ctx, notices);
      for (const [i, workers] of WORKER_COUNTS.entries()) {
        const run = await batched(ctx, notices, workers, template);
        rows.push(run.row);
        runs.push(run);
        // The ceilings right after the first run at the largest size (on its messages), so that the
        // two figures the target compares are measured as close together as the machine allows.
        if (notices === LARGE && i === 0) rows.push(...(await ceilings(ctx, run)));
      }
    }
    const smallest = runs[0];
    if (!args['skip-naive']) rows.push(await naive(ctx, smallest!.databaseUrl, SMALL));
    await Promise.all(runs.map((r) => r.pool.end()));
  } finally {
    await connection?.close();
    await servers.stop();
  }
  printTable(rows, servers.temporal!.description);
}

/** A promise with its resolve and reject (Promise.withResolvers, not in Node 20). */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Forthright's render and compose CPU per notice, measured by the ceiling process (bench/ceiling.ts). */
let renderComposeCost: CeilingResult['cost'] | undefined;

async function ceilings(ctx: Ctx, large: BatchedRun): Promise<Row[]> {
  const rows: Row[] = [];
  for (const processes of CEILINGS) {
    const variants: CeilingInput['variants'] = processes === 1 ? ['plain', 'same-options'] : ['plain'];
    const ceiling = await runCeiling(ctx, large, processes, variants);
    renderComposeCost ??= ceiling.cost;
    for (const run of ceiling.runs) {
      rows.push({
        scenario: `ceiling: nodemailer pool, ${run.variant}${processes > 1 ? `, ${processes} processes` : ''}`,
        notices: ceiling.messages,
        seconds: run.seconds,
        perSecond: run.perSecond,
        processes,
        peakRssMb: ceiling.peakRssMb,
        load: run.load,
        note:
          `rendered beforehand in ${ceiling.renderSeconds.toFixed(0)} s, not timed` +
          (ceiling.sendingCpu ? `; ${ceiling.sendingCpu}` : ''),
      });
    }
  }
  return rows;
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

/** Seeds the inventory for `notices` once, into a database the runs copy; returns its name. */
async function seedTemplate(ctx: Ctx, notices: number): Promise<string> {
  const name = `bench_${notices}`;
  const url = await ctx.servers.createDatabase(name);
  const pool = createPool(url, 4);
  try {
    const seeded = await seedForNotices(pool, notices);
    log(
      `seeded ${seeded.customers} customers, ${seeded.holdings} holdings in ${seeded.seconds.toFixed(1)} s`,
    );
    await pool.query('VACUUM ANALYZE');
  } finally {
    await pool.end();
  }
  return name;
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

interface BatchedRun {
  databaseUrl: string;
  pool: Pool;
  incidentId: string;
  noticeId: string;
  row: Row;
}

/**
 * The product: incident workflow, approval, sharded batched delivery, `workers` worker processes
 * polling the task queue, on a copy of the seeded inventory.
 */
async function batched(ctx: Ctx, notices: number, workers: number, template: string): Promise<BatchedRun> {
  log(`batched delivery of ${notices} notices with ${workers} worker process(es): preparing`);
  const url = await ctx.servers.cloneDatabase(`${template}_w${workers}`, template);
  const pool = createPool(url, 4);
  const { officer, compliance } = await benchStaff(pool);
  const incidentId = await openBenchIncident(pool, officer.user, `Benchmark: ${notices} customers`);
  const taskQueue = `bench-batched-${notices}-w${workers}`;
  const env = { ...workerEnv(ctx, url, taskQueue), DELIVERY_SHARDS: shardsFor(workers) };
  const procs: WorkerProcess[] = await Promise.all(
    Array.from({ length: workers }, (_, i) =>
      startWorkerProcess({
        env,
        logFile: join(ctx.servers.dir, `worker-batched-${notices}-w${workers}-${i + 1}.log`),
      }),
    ),
  );
  await ctx.servers.smtp!.reset();
  const started = Date.now();
  await startIncidentWorkflow(
    { temporal: ctx.client, config: loadConfig(env) },
    { id: incidentId, openedBy: officer.user.id },
  );
  await until(
    'the notice to await approval',
    async () => (await incidentStatus(pool, incidentId)) === 'awaiting_approval',
    1_800_000,
  );
  const identified = Date.now();
  log(`identified and drafted in ${((identified - started) / 1000).toFixed(1)} s; approving`);
  const loadBefore = load1();
  const cpuBefore = procs.map((p) => p.cpuSeconds());
  const allCpuBefore = cpuByKind();
  const approvedFrom = Date.now();
  const approval = await approvePending(
    { pool, temporal: ctx.client, config: loadConfig(env) },
    compliance.user,
    incidentId,
    'benchmark',
  );
  // The workflow itself runs on until every obligation (regulators' too) is resolved; delivery is
  // over when the incident is `completed`.
  await until(
    'delivery to complete',
    async () => (await incidentStatus(pool, incidentId)) === 'completed',
    4 * 3_600_000,
  );
  const loadAfter = load1();
  const cpu = procs.map((p, i) => p.cpuSeconds() - cpuBefore[i]!);
  const allCpu = cpuPerNotice(allCpuBefore, cpuByKind(), notices);
  const outcome = await deliveries.countsForIncident(pool, incidentId);
  const sent = await lastSent(pool, incidentId);
  const peakRssMb = await Promise.all(procs.map((p) => p.stop()));
  if (outcome.sent !== notices || sent.sent !== notices) {
    throw new Error(`expected ${notices} sent, the incident reports ${JSON.stringify(outcome)}`);
  }
  await checkSink(ctx, notices, `batched ${notices}`);
  const seconds = (sent.last!.getTime() - approvedFrom) / 1000;
  const spread = workers > 1 ? await batchesPerWorker(ctx, taskQueue, procs) : [];
  log(
    `batched ${notices}, ${workers} worker(s): last notice recorded ${seconds.toFixed(1)} s after approval` +
      ` (${(notices / seconds).toFixed(0)}/s); worker peak RSS ${peakRssMb.map((m) => m.toFixed(0)).join(' / ')} MB;` +
      ` worker CPU ${cpu.map((c) => c.toFixed(0)).join(' / ')} s; load ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}` +
      (spread.length ? `; batches per worker ${spread.join(' / ')}` : '') +
      `; ${allCpu}`,
  );
  return {
    databaseUrl: url,
    pool,
    incidentId,
    noticeId: approval.noticeId,
    row: {
      scenario: `Forthright batched, ${workers} worker${workers > 1 ? 's' : ''} (${shardsFor(workers)} shards)`,
      notices,
      seconds,
      perSecond: notices / seconds,
      processes: workers,
      peakRssMb,
      maxHistory: await maxHistory(ctx, taskQueue),
      load: [loadBefore, loadAfter],
      workerCpuSeconds: cpu.reduce((a, b) => a + b, 0),
      note:
        `workflow start → completed ${((Date.now() - started) / 1000).toFixed(0)} s; worker CPU ${cpu.map((c) => c.toFixed(0)).join(' / ')} s` +
        (spread.length ? `; batches per worker ${spread.join(' / ')}` : '') +
        `; ${allCpu}`,
    },
  };
}

/** How many `deliverBatch` calls each worker process ran (from the shards' histories). */
async function batchesPerWorker(ctx: Ctx, taskQueue: string, procs: WorkerProcess[]): Promise<number[]> {
  const counts = procs.map(() => 0);
  for await (const w of ctx.client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    if (w.type !== 'deliveryShardWorkflow') continue;
    const history = await ctx.client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
    // A started event names its scheduled event, which names the activity type.
    const batches = new Set<string>();
    for (const e of history.events ?? []) {
      if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'deliverBatch')
        batches.add(String(e.eventId));
      const started = e.activityTaskStartedEventAttributes;
      if (!started?.identity || !batches.has(String(started.scheduledEventId))) continue;
      const i = procs.findIndex((p) => started.identity!.startsWith(`${p.pid}@`));
      if (i >= 0) counts[i]!++;
    }
  }
  return counts;
}

interface CeilingRuns {
  cost: CeilingResult['cost'];
  messages: number;
  renderSeconds: number;
  peakRssMb: number[];
  runs: { variant: string; seconds: number; perSecond: number; load: [number, number] }[];
  /** Where the sending's CPU went, per message (two processes only). */
  sendingCpu?: string;
}

/**
 * Plain nodemailer sending the largest run's messages: in one process, or in `processes` processes
 * at once, each a share of the people, timed from the first process's start to the last one's end.
 */
async function runCeiling(
  ctx: Ctx,
  large: { databaseUrl: string; incidentId: string; noticeId: string },
  processes: number,
  variants: CeilingInput['variants'],
): Promise<CeilingRuns> {
  log(
    `ceiling (${processes} process(es)): rendering the same messages, then sending them with plain nodemailer`,
  );
  await ctx.servers.smtp!.reset();
  const input = (part?: CeilingInput['part']): CeilingInput => ({
    databaseUrl: large.databaseUrl,
    smtpUrl: ctx.servers.smtp!.url,
    incidentId: large.incidentId,
    noticeId: large.noticeId,
    poolSize: Number(SETTINGS.SMTP_POOL_SIZE),
    variants,
    ...(part ? { part } : {}),
  });
  const fork1 = (i: CeilingInput) =>
    fork(join(repoRoot, 'bench', 'ceiling.ts'), [], {
      execArgv: ['--import', 'tsx', '--max-old-space-size=8192'],
      env: { ...process.env, BENCH_CEILING: JSON.stringify(i) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  const exitedWith = (child: ReturnType<typeof fork>) =>
    new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`ceiling exited with ${code}`))),
    );

  let results: CeilingResult[];
  const loads: [number, number][] = [];
  // Two processes are timed together from their release (bench/ceiling.ts); one process renders and
  // sends in the same window, so only the first has the sending's CPU on its own.
  let sendingCpu: string | undefined;
  if (processes === 1) {
    const child = fork1(input());
    const loadBefore = load1();
    const result = await Promise.race([
      new Promise<CeilingResult>((resolve) => child.once('message', (m) => resolve(m as CeilingResult))),
      exitedWith(child),
    ]);
    await new Promise((r) => child.once('exit', r));
    results = [result];
    loads.push([loadBefore, load1()]);
  } else {
    const children = Array.from({ length: processes }, (_, index) => fork1(input({ index, of: processes })));
    // Each child's `ready` and `result`, or a rejection if it exits before sending them.
    const watched = children.map((child) => {
      const waits = {
        ready: deferred<CeilingMessage>(),
        result: deferred<CeilingMessage>(),
      };
      child.on('message', (m: CeilingMessage) => ('ready' in m ? waits.ready : waits.result).resolve(m));
      child.once('exit', (code) => {
        const err = new Error(`ceiling exited with ${code}`);
        waits.ready.reject(err);
        waits.result.reject(err);
      });
      // Either may be left unawaited when the other rejects first.
      waits.ready.promise.catch(() => undefined);
      waits.result.promise.catch(() => undefined);
      return waits;
    });
    await Promise.all(watched.map((w) => w.ready.promise));
    const loadBefore = load1();
    const allCpuBefore = cpuByKind();
    for (const c of children) c.send('go');
    const messages = await Promise.all(watched.map((w) => w.result.promise));
    results = messages.map((m) => (m as { result: CeilingResult }).result);
    loads.push([loadBefore, load1()]);
    // The senders report their own CPU (they exit as soon as they have sent); the servers are read here.
    sendingCpu = cpuPerNotice(
      allCpuBefore,
      {
        ...cpuByKind(),
        ceiling: allCpuBefore.ceiling + results.reduce((t, r) => t + r.runs[0]!.cpuSeconds, 0),
      },
      results.reduce((n, r) => n + r.messages, 0),
    );
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
    );
  }
  const messages = results.reduce((n, r) => n + r.messages, 0);
  const runs = variants.map((variant, v) => {
    const startedAt = Math.min(...results.map((r) => r.runs[v]!.startedAt));
    const endedAt = Math.max(...results.map((r) => r.runs[v]!.endedAt));
    const seconds = processes === 1 ? results[0]!.runs[v]!.seconds : (endedAt - startedAt) / 1000;
    return { variant, seconds, perSecond: messages / seconds, load: loads[0]! };
  });
  const counts = await ctx.servers.smtp!.counts();
  if (counts.accepted !== messages * variants.length) {
    throw new Error(
      `ceiling: the SMTP server got ${counts.accepted}, expected ${messages * variants.length}`,
    );
  }
  for (const run of runs)
    log(`ceiling ${run.variant}, ${processes} process(es): ${run.perSecond.toFixed(0)}/s`);
  return {
    cost: results[0]!.cost,
    messages,
    renderSeconds: Math.max(...results.map((r) => r.renderSeconds)),
    peakRssMb: results.map((r) => r.peakRssMb),
    runs,
    ...(sendingCpu ? { sendingCpu } : {}),
  };
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
      env: { ...workerEnv(ctx, databaseUrl, taskQueue), DELIVERY_SHARDS: shardsFor(1) },
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
      processes: 1,
      peakRssMb: [peakRssMb],
      maxHistory: await maxHistory(ctx, taskQueue),
      note: 'workflow start → last notice recorded',
    };
  } finally {
    await pool.end();
  }
}

function printTable(rows: Row[], temporal: string): void {
  const cpu = cpus();
  console.log('');
  console.log(
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}, ` +
      `${process.platform}. PostgreSQL embedded (fsync on), ${temporal}, counting SMTP server on loopback.`,
  );
  console.log(
    `Settings: ${Object.entries({ ...SETTINGS, DELIVERY_SHARDS: SETTINGS.DELIVERY_SHARDS || '2 per worker' })
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  console.log('');
  const header = [
    'scenario',
    'notices',
    'seconds',
    'notices/s',
    'peak RSS per process',
    'max history events',
    'load avg (1 min)',
    'note',
  ];
  const body = rows.map((r) => [
    r.scenario,
    r.notices.toLocaleString('en-US'),
    r.seconds.toFixed(1),
    r.perSecond.toFixed(0),
    r.peakRssMb === undefined ? '' : `${r.peakRssMb.map((m) => m.toFixed(0)).join(' / ')} MB`,
    r.maxHistory === undefined ? '' : String(r.maxHistory),
    r.load === undefined ? '' : `${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)}`,
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));

  const product = (notices: number, workers: number) =>
    rows.find((r) => r.scenario.startsWith('Forthright') && r.notices === notices && r.processes === workers);
  const ceiling = (processes: number, variant: string) =>
    rows.find(
      (r) => r.scenario.startsWith('ceiling') && r.processes === processes && r.scenario.includes(variant),
    );
  const naiveRow = rows.find((r) => r.scenario.startsWith('naive'));
  const say = (what: string, value: string) => console.log(`${what.padEnd(58)} ${value}`);
  console.log('');
  const one = product(LARGE, 1);
  const two = product(LARGE, 2);
  const plain1 = ceiling(1, 'plain');
  const same1 = ceiling(1, 'same-options');
  const plain2 = ceiling(2, 'plain');
  if (two && plain2)
    say(
      `2 workers ${LARGE} / ceiling (2 plain nodemailer processes):`,
      `${pct(two.perSecond / plain2.perSecond)}  (target ≥ 85 %)`,
    );
  if (two && one)
    say(
      `2 workers ${LARGE} / 1 worker ${LARGE}:`,
      `${(two.perSecond / one.perSecond).toFixed(2)} ×  (target ≥ 1.3 ×)`,
    );
  if (one && plain1)
    say(
      `1 worker ${LARGE} / ceiling (1 plain nodemailer process):`,
      `${pct(one.perSecond / plain1.perSecond)}`,
    );
  if (one && same1)
    say(
      `1 worker ${LARGE} / ceiling (1 process, same composer options):`,
      pct(one.perSecond / same1.perSecond),
    );
  if (plain2 && plain1)
    say('ceiling 2 processes / 1 process:', `${(plain2.perSecond / plain1.perSecond).toFixed(2)} ×`);
  const smallOne = product(SMALL, 1);
  if (smallOne && naiveRow)
    say(
      `1 worker ${SMALL} / naive ${SMALL}:`,
      `${(smallOne.perSecond / naiveRow.perSecond).toFixed(1)} ×  (target ≥ 5 ×)`,
    );
  for (const workers of WORKER_COUNTS) {
    const peaks = SIZES.map((n) => product(n, workers))
      .filter((r): r is Row => r?.peakRssMb !== undefined)
      .map((r) => `${Math.max(...r.peakRssMb!).toFixed(0)} MB`);
    if (peaks.length)
      say(
        `worker peak RSS, ${workers} worker(s), ${SIZES.join(' → ')}:`,
        `${peaks.join(' → ')}  (target < 400 MB, flat)`,
      );
  }
  if (renderComposeCost && one?.workerCpuSeconds) {
    // Amdahl: threads for rendering and composing can take only that share off the worker's
    // main thread; a second process takes all of it (and its own event loop, pool and connections).
    const perNotice = (one.workerCpuSeconds * 1000) / one.notices;
    const share = (renderComposeCost.renderMs + renderComposeCost.composeMs) / perNotice;
    say(
      'render + compose per notice / worker CPU per notice (1 worker):',
      `${(renderComposeCost.renderMs + renderComposeCost.composeMs).toFixed(3)} ms (render ${renderComposeCost.renderMs.toFixed(3)}, compose ${renderComposeCost.composeMs.toFixed(3)}) / ${perNotice.toFixed(3)} ms = ${pct(share)}` +
        ` → worker threads for them: at most ${(1 / (1 - Math.min(share, 0.99))).toFixed(2)} × one worker`,
    );
  }
  const maxH = Math.max(...rows.map((r) => r.maxHistory ?? 0));
  say('largest workflow run history:', `${maxH} events  (target ≤ 10,000)`);
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
