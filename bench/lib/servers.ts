// The servers a benchmark runs against, started fresh on free loopback ports and removed afterwards:
// embedded PostgreSQL (durable: fsync on, as in production), Temporal — the dev server (SQLite file)
// or the real server with PostgreSQL persistence (scripts/lib/temporal-cluster.ts, on the same
// PostgreSQL, its services as separate processes) — and optionally the counting SMTP server in a
// process of its own.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../../core/db/migrate';
import {
  freePort,
  startEmbeddedPostgres,
  startTemporalDevServer,
  type EmbeddedPostgres,
  type TemporalDevServer,
} from '../../scripts/lib/local-servers';
import { freeClusterPorts, startTemporalCluster } from '../../scripts/lib/temporal-cluster';
import { repoRoot, temporalCliPath, temporalServerTools } from '../../scripts/lib/tools';
import { forkCountingSmtp, type CountingSmtpProcess } from './counting-smtp';

/** Which Temporal server a benchmark runs on. */
export type BenchTemporal = 'dev' | 'cluster';

/** What a benchmark needs of either Temporal server. */
export interface BenchTemporalServer {
  kind: BenchTemporal;
  /** host:port of the frontend. */
  address: string;
  /** e.g. "dev server" or "temporal-server v1.29.1, PostgreSQL, 4 shards, 4 processes". */
  description: string;
  stop(): Promise<void>;
}

export interface BenchServers {
  dir: string;
  postgres: EmbeddedPostgres;
  temporal: BenchTemporalServer | undefined;
  smtp: CountingSmtpProcess | undefined;
  /** A fresh migrated database on the cluster; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /**
   * A copy of `template` (CREATE DATABASE … TEMPLATE: a file copy, seconds for a seeded million),
   * so several runs start from the same inventory without seeding it again. Nothing may be
   * connected to the template.
   */
  cloneDatabase(name: string, template: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchServers(options: {
  /** true is the dev server. */
  temporal: boolean | BenchTemporal;
  smtp: boolean;
}): Promise<BenchServers> {
  const dir = join(repoRoot, '.data', `bench-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let postgres: EmbeddedPostgres | undefined;
  let temporal: BenchTemporalServer | undefined;
  let smtp: CountingSmtpProcess | undefined;
  const stop = async () => {
    if (postgres && process.env.BENCH_PG_STATEMENTS)
      await printStatementCosts(postgres.adminUrl).catch(console.error);
    await Promise.allSettled([smtp?.stop(), temporal?.stop(), postgres?.stop()]);
    // BENCH_KEEP=1 keeps the logs (worker-*.log, postgres.log) for a look afterwards.
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const kind = options.temporal === true ? 'dev' : options.temporal || undefined;
    const pgStarted = freePort().then((port) =>
      startEmbeddedPostgres({
        dataDir: join(dir, 'postgres'),
        port,
        durable: true,
        settings: {
          // BENCH_PG_STATEMENTS=1: the statements' cost is printed when the servers stop.
          ...(process.env.BENCH_PG_STATEMENTS
            ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' }
            : {}),
          // BENCH_PG_SETTINGS='name=value,…': to try server settings against the defaults.
          ...Object.fromEntries(
            (process.env.BENCH_PG_SETTINGS ?? '')
              .split(',')
              .filter((pair) => pair.includes('='))
              // Split at the first '=' only: a value may hold one (e.g. a connection string).
              .map((pair) => [
                pair.slice(0, pair.indexOf('=')).trim(),
                pair.slice(pair.indexOf('=') + 1).trim(),
              ]),
          ),
        },
      }),
    );
    [postgres, temporal, smtp] = await Promise.all([
      pgStarted,
      kind === 'dev'
        ? freePort().then(async (port) =>
            benchDevServer(
              await startTemporalDevServer({
                cliPath: temporalCliPath(),
                port,
                dbFile: join(dir, 'temporal.sqlite'),
              }),
            ),
          )
        : kind === 'cluster'
          ? pgStarted.then((pg) => benchCluster(pg, join(dir, 'temporal')))
          : undefined,
      options.smtp ? forkCountingSmtp() : undefined,
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  const server = postgres;
  if (process.env.BENCH_SLOW_MS) {
    // BENCH_SLOW_MS=20 logs statements slower than 20 ms to postgres.log (with BENCH_KEEP=1 to read it).
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    await admin.query(`ALTER SYSTEM SET log_min_duration_statement = ${Number(process.env.BENCH_SLOW_MS)}`);
    await admin.query('SELECT pg_reload_conf()');
    await admin.end();
  }
  return {
    dir,
    postgres: server,
    temporal,
    smtp,
    async cloneDatabase(name, template) {
      const admin = new pg.Client({ connectionString: server.adminUrl });
      await admin.connect();
      try {
        await admin.query(
          // FILE_COPY: a checkpoint and a copy of the files, instead of every block through the WAL.
          `CREATE DATABASE ${admin.escapeIdentifier(name)} TEMPLATE ${admin.escapeIdentifier(template)} STRATEGY FILE_COPY`,
        );
      } finally {
        await admin.end();
      }
      return server.urlFor(name);
    },
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: server.adminUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
      } finally {
        await admin.end();
      }
      const url = server.urlFor(name);
      await migrate(url);
      if (process.env.BENCH_AUDIT_CHAIN === 'off') await switchOffAuditChain(url);
      return url;
    },
    stop,
  };
}

function benchDevServer(dev: TemporalDevServer): BenchTemporalServer {
  return {
    kind: 'dev',
    address: dev.address,
    description: 'Temporal dev server (SQLite)',
    stop: () => dev.stop(),
  };
}

/**
 * The real server as test/cluster/two-workers.test.ts starts it: PostgreSQL persistence on the
 * benchmark's own (durable) PostgreSQL, 4 history shards, frontend, history, matching and worker
 * as separate processes. Built by `bash scripts/provision.sh cluster`.
 */
async function benchCluster(postgres: EmbeddedPostgres, dir: string): Promise<BenchTemporalServer> {
  const shards = 4;
  const cluster = await startTemporalCluster({
    tools: temporalServerTools(),
    postgresUrl: postgres.adminUrl,
    dir,
    ports: await freeClusterPorts(),
    numHistoryShards: shards,
    processes: 'separate',
  });
  return {
    kind: 'cluster',
    address: cluster.address,
    description: `Temporal server ${cluster.version} (PostgreSQL persistence, ${shards} history shards, ${cluster.services.length} service processes)`,
    stop: () => cluster.stop(),
  };
}

/**
 * BENCH_AUDIT_CHAIN=off: the audit trail as it was before migration 007 — no chaining trigger, no
 * chain index, nothing required of the chain columns — the baseline the chain's cost is measured
 * against (bench/audit-chain.ts). Never done to a product database.
 */
async function switchOffAuditChain(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      DROP TRIGGER audit_events_chain ON audit_events;
      DROP INDEX audit_events_chain_idx, audit_events_chain_no_incident_idx;
      ALTER TABLE audit_events ALTER COLUMN chain_seq DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL;`);
  } finally {
    await client.end();
  }
}

/** A payload key shared by the benchmark's client and the worker it starts. */
export const benchPayloadKey = () => randomBytes(32).toString('base64');

/** Stops everything on Ctrl-C too, so no server outlives the benchmark. */
export function stopOnSignals(stop: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the servers…`);
      void stop().finally(() => process.exit(130));
    });
  }
}

/** The 25 statements that took longest in all (pg_stat_statements, every database), for BENCH_PG_STATEMENTS=1. */
async function printStatementCosts(adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const { rows } = await admin.query<{
      ms: number;
      calls: string;
      rows: string;
      wal: string;
      fpi: string;
      dirtied: string;
      query: string;
    }>(
      `SELECT round(total_exec_time)::int AS ms, calls, rows, wal_bytes AS wal, wal_fpi AS fpi, shared_blks_dirtied AS dirtied, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25`,
    );
    console.log('\nPostgreSQL statements by total time (pg_stat_statements):');
    for (const r of rows)
      console.log(
        `${String(r.ms).padStart(8)} ms ${String(r.calls).padStart(8)} calls ${String(r.rows).padStart(9)} rows ${String(r.wal).padStart(12)} WAL B ${String(r.fpi).padStart(7)} FPI ${String(r.dirtied).padStart(7)} dirtied  ${r.query}`,
      );
  } finally {
    await admin.end();
  }
}
