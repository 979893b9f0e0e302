// The customer pages when the notices land (TARGETS.md: "≥ 50 % of the ceiling; p99 < 100 ms at 32
// concurrent clients; nobody behind a shared address turned away"): N different people open their
// own page once each, every one from a loopback source address of its own (127.x.y.z: the client
// socket is bound to it, so the server sees N clients), 32 at a time. Beside it, in the same run and
// on the same database, the ceiling: a bare Fastify route that hashes the token, looks the hash up in
// PostgreSQL and sends a stored HTML copy of the same size (bench/lib/page-server.ts). Both servers
// run as processes of their own; rounds alternate (product, ceiling; ceiling, product; …) over
// fresh people each round, so no page is served twice.
//
//   npm run bench:pages -- [--pages 3000] [--clients 32] [--rounds 2]
//
// Then the same with everyone behind ONE address (127.0.0.2, a carrier's NAT): every page must be
// served, none turned away.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config';
import * as cases from '../core/db/cases';
import { createPool, type Pool, type Queryable } from '../core/db/pool';
import { sha256Hex } from '../core/hash';
import { TemplateCache } from '../core/mail/template-cache';
import { repoRoot } from '../scripts/lib/tools';
import { notifiedPeople } from '../test/helpers/notified';
import { startBenchServers, stopOnSignals } from './lib/servers';
import { cpuByKind, cpuSecondsOf } from './lib/process-cpu';

const { values: args } = parseArgs({
  options: {
    pages: { type: 'string', default: '3000' },
    clients: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '2' },
  },
});
const PAGES = Number(args.pages);
const CLIENTS = Number(args.clients);
const ROUNDS = Number(args.rounds);
const WARM_UP = 1000;

const log = (message: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

/** The i-th distinct loopback address: 127.1.0.1, 127.1.0.2, … (never .0 or .255). */
const sourceAddress = (i: number) =>
  `127.${1 + Math.floor(i / 62_500)}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`;

interface PageServer {
  kind: 'product' | 'ceiling';
  port: number;
  child: ChildProcess;
}

function startPageServer(kind: PageServer['kind'], env: Record<string, string>, logFile: string) {
  const fd = openSync(logFile, 'a');
  const child = fork(join(repoRoot, 'bench', 'lib', 'page-server.ts'), [kind], {
    cwd: repoRoot,
    // BENCH_PAGE_SERVER_NODE_FLAGS, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof', for a look inside.
    execArgv: [
      ...(process.env.BENCH_PAGE_SERVER_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      'tsx',
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd, 'ipc'],
  });
  closeSync(fd);
  process.once('exit', () => child.kill('SIGKILL'));
  return new Promise<PageServer>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ kind, port: m.port, child }));
    child.once('exit', (code) => reject(new Error(`${kind} page server exited (${code}); see ${logFile}`)));
  });
}

function stopPageServer(server: PageServer): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

/** One GET on a fresh connection from `localAddress`; its status, body length and milliseconds. */
function fetchPage(port: number, path: string, localAddress: string) {
  const started = process.hrtime.bigint();
  return new Promise<{ status: number; bytes: number; ms: number }>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, localAddress, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          bytes,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

interface Load {
  server: string;
  pages: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  bytes: number;
  statuses: Map<number, number>;
  /** CPU milliseconds per page: the server's process, PostgreSQL's, the load generator's (this one). */
  cpu: { server: number; postgres: number; client: number };
}

/** Each token fetched once, by `CLIENTS` concurrent clients, each page from `address(i)`. */
async function load(
  server: PageServer,
  tokens: readonly string[],
  address: (i: number) => string,
  label: string = server.kind,
): Promise<Load> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  let bytes = 0;
  const cpuBefore = {
    server: cpuMsOf(server.child.pid!),
    postgres: postgresCpuMs(),
    client: process.cpuUsage(),
  };
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < tokens.length; i = next++) {
        const r = await fetchPage(server.port, `/n/${tokens[i]}`, address(i));
        latencies.push(r.ms);
        bytes = Math.max(bytes, r.bytes);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const client = process.cpuUsage(cpuBefore.client);
  const perPage = (ms: number) => ms / tokens.length;
  const cpu = {
    server: perPage(cpuMsOf(server.child.pid!) - cpuBefore.server),
    postgres: perPage(postgresCpuMs() - cpuBefore.postgres),
    client: perPage((client.user + client.system) / 1000),
  };
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return {
    server: label,
    pages: tokens.length,
    seconds,
    perSecond: tokens.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    bytes,
    statuses,
    cpu,
  };
}

/*
 * CPU time, the figure a busy machine distorts least: throughput and latency here depend on what
 * else the two cores run (other sessions' test suites, at times), but the CPU a page costs the server
 * and PostgreSQL barely does (bench/lib/process-cpu.ts: the server's process; the postmaster and its
 * backends, those that ended included).
 */
const cpuMsOf = (pid: number) => cpuSecondsOf(pid) * 1000;
const postgresCpuMs = () => cpuByKind().postgres * 1000;

const statusText = (s: Map<number, number>) =>
  [...s.entries()]
    .sort(([a], [b]) => a - b)
    .map(([code, n]) => `${n} × ${code}`)
    .join(', ');

/** The plan of the customer page's one read (`cases.findPageByTokenHash`) for a token. */
async function lookupPlan(pool: Pool, token: string): Promise<string> {
  let statement: { text: string; values: unknown[] } | undefined;
  const recorder = {
    query: (query: { text: string; values: unknown[] }) => {
      statement = query;
      return Promise.resolve({ rows: [] });
    },
  } as unknown as Queryable;
  await cases.findPageByTokenHash(recorder, sha256Hex(token));
  const { rows } = await pool.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${statement!.text}`,
    statement!.values,
  );
  return rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n');
}

async function main(): Promise<void> {
  const servers = await startBenchServers({ temporal: false, smtp: false });
  stopOnSignals(servers.stop);
  const pageServers: PageServer[] = [];
  const url = await servers.createDatabase('pages');
  const pool = createPool(url, 4);
  try {
    const env = {
      DATABASE_URL: url,
      FORTHRIGHT_DATA_DIR: servers.dir,
      PAGE_TOKEN_KEY: randomBytes(32).toString('base64'),
    };
    const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    // Fresh people for every round and server, the warm-up, one more for the ceiling's copy, and
    // the shared-address run.
    const people = WARM_UP + PAGES * ROUNDS * 2 + 1 + PAGES * 2;
    log(`preparing ${people} people, their incident, its notice, and sending it`);
    // Sent through the product's own sending path (a relay that accepts everything): each person
    // has a working link and the stored copy of their notice, as after a real delivery.
    const { tokens } = await notifiedPeople({ pool, templates: new TemplateCache(pool), config }, people);
    log(`${tokens.length} notices sent`);
    const take = (() => {
      let at = 0;
      return (n: number) => tokens.slice(at, (at += n));
    })();

    const [product, ceiling] = await Promise.all([
      startPageServer('product', env, join(servers.dir, 'api.log')),
      startPageServer('ceiling', env, join(servers.dir, 'ceiling.log')),
    ]);
    pageServers.push(product, ceiling);

    // The ceiling's copies: one real page (of a person not measured), stored for every token.
    const [sample] = take(1);
    const html = await new Promise<string>((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port: product.port, path: `/n/${sample}` }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(body))));
        })
        .on('error', reject),
    );
    await pool.query('CREATE TABLE bench_page_copies (token_hash text PRIMARY KEY, html text NOT NULL)');
    await pool.query(`INSERT INTO bench_page_copies SELECT h, $2 FROM unnest($1::text[]) h`, [
      tokens.map(sha256Hex),
      html,
    ]);
    await pool.query('ANALYZE bench_page_copies');
    log(`the page's lookup, as PostgreSQL runs it:\n${await lookupPlan(pool, tokens.at(-1)!)}`);
    log(`a page is ${Buffer.byteLength(html)} bytes; warming up both servers`);
    const warm = take(WARM_UP);
    await load(product, warm, sourceAddress);
    await load(ceiling, warm, sourceAddress);

    const results: Load[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [product, ceiling] : [ceiling, product];
      for (const server of order) {
        const r = await load(server, take(PAGES), sourceAddress);
        log(
          `round ${round + 1} ${server.kind}: ${r.perSecond.toFixed(0)} pages/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (${statusText(r.statuses)})`,
        );
        results.push(r);
      }
    }
    log(`everyone behind one address (127.0.0.2)`);
    const shared = await load(product, take(PAGES), () => '127.0.0.2', 'product, one address');
    results.push(shared);
    results.push(await load(ceiling, take(PAGES), () => '127.0.0.2', 'ceiling, one address'));

    console.log(
      `\n| server | pages | clients | source addresses | seconds | pages/s | p50 ms | p99 ms | CPU ms/page: server | PostgreSQL | load generator | page bytes | answers |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|`,
    );
    for (const r of results)
      console.log(
        `| ${r.server} | ${r.pages} | ${CLIENTS} | ${r.server.endsWith('one address') ? 1 : r.pages} | ${r.seconds.toFixed(2)} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.cpu.server.toFixed(2)} | ${r.cpu.postgres.toFixed(2)} | ${r.cpu.client.toFixed(2)} | ${r.bytes} | ${statusText(r.statuses)} |`,
      );
    const mean = (kind: string, f: (r: Load) => number) => {
      const these = results.filter((r) => r.server === kind);
      return these.reduce((s, r) => s + f(r), 0) / these.length;
    };
    const [p, c] = [mean('product', (r) => r.perSecond), mean('ceiling', (r) => r.perSecond)];
    const serverSide = (kind: string) => mean(kind, (r) => r.cpu.server + r.cpu.postgres);
    const worstP99 = Math.max(...results.filter((r) => r.server === 'product').map((r) => r.p99));
    // Each round's two runs are next to each other in time: on a busy machine their ratio drifts less.
    const perRound = Array.from({ length: ROUNDS }, (_, round) => {
      const [a, b] = results.slice(round * 2, round * 2 + 2);
      const [prod, ceil] = a!.server === 'product' ? [a!, b!] : [b!, a!];
      return `${((prod.perSecond / ceil.perSecond) * 100).toFixed(0)} %`;
    });
    console.log(
      `\nproduct / ceiling (means): ${p.toFixed(0)} / ${c.toFixed(0)} pages/s = ${((p / c) * 100).toFixed(0)} %  (target ≥ 50 %)` +
        `\nproduct / ceiling, round by round: ${perRound.join(', ')}` +
        `\nCPU per page, server + PostgreSQL (means): product ${serverSide('product').toFixed(2)} ms, ceiling ${serverSide('ceiling').toFixed(2)} ms` +
        ` = ${((serverSide('ceiling') / serverSide('product')) * 100).toFixed(0)} % (the ceiling's CPU per page over the product's)` +
        `\nproduct p99 (worst round): ${worstP99.toFixed(1)} ms  (target < 100 ms)` +
        `\none address: ${shared.statuses.get(200) ?? 0} of ${shared.pages} served  (target: all)`,
    );
  } finally {
    await Promise.allSettled(pageServers.map(stopPageServer));
    await pool.end();
    await servers.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
