// The servers a benchmark runs against, started fresh on free loopback ports and removed afterwards:
// embedded PostgreSQL (durable: fsync on, as in production), the Temporal dev server (SQLite file),
// and optionally the counting SMTP server in a process of its own.
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
import { repoRoot, temporalCliPath } from '../../scripts/lib/tools';
import { forkCountingSmtp, type CountingSmtpProcess } from './counting-smtp';

export interface BenchServers {
  dir: string;
  postgres: EmbeddedPostgres;
  temporal: TemporalDevServer | undefined;
  smtp: CountingSmtpProcess | undefined;
  /** A fresh migrated database on the cluster; returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchServers(options: {
  temporal: boolean;
  smtp: boolean;
}): Promise<BenchServers> {
  const dir = join(repoRoot, '.data', `bench-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let postgres: EmbeddedPostgres | undefined;
  let temporal: TemporalDevServer | undefined;
  let smtp: CountingSmtpProcess | undefined;
  const stop = async () => {
    await Promise.allSettled([smtp?.stop(), temporal?.stop(), postgres?.stop()]);
    // BENCH_KEEP=1 keeps the logs (worker-*.log, postgres.log) for a look afterwards.
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  };
  try {
    [postgres, temporal, smtp] = await Promise.all([
      freePort().then((port) =>
        startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port, durable: true }),
      ),
      options.temporal
        ? freePort().then((port) =>
            startTemporalDevServer({
              cliPath: temporalCliPath(),
              port,
              dbFile: join(dir, 'temporal.sqlite'),
            }),
          )
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
