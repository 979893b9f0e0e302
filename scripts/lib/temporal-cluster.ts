import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import pg from 'pg';
import { stringify } from 'yaml';
import {
  asLocalServer,
  delay,
  ensureDatabase,
  isListening,
  LocalServerError,
  logTail,
  spawnServer,
  waitUntilReady,
  type LocalServer,
} from './local-servers';
import type { TemporalServerTools } from './tools';

/**
 * A real Temporal server — `go.temporal.io/server`, built by `provision.sh cluster` — with
 * PostgreSQL persistence, for the "cluster" mode of the launcher, for tests that must run on what
 * production runs (several workers, a worker killed mid-delivery) and for benchmarks.
 *
 * What differs from the dev server (`temporal server start-dev`, SQLite, one process):
 * - persistence in PostgreSQL, in two databases of its own (`temporal` and `temporal_visibility`),
 *   created and brought to the schema of this server version by Temporal's SQL tool, the same
 *   `temporal-sql-tool` a production deployment runs before an upgrade;
 * - `numHistoryShards` > 1, so workflow histories are spread over shards as in a cluster (the
 *   number is fixed for the life of the databases: a cluster cannot change it later);
 * - the four services — frontend, history, matching, worker (Temporal's own internal worker:
 *   schedules, batch operations) — as separate processes that find each other through the
 *   `cluster_membership` table, as separate pods or machines would; `processes: 'single'` runs
 *   them in one process instead.
 *
 * The configuration is a generated YAML file (`<dir>/config/forthright.yaml`) in the server's
 * own format and templating; the database password is not in it but read from the environment
 * (`{{ env "TEMPORAL_POSTGRES_PASSWORD" }}`), as a production deployment would. The README's
 * "Temporal cluster" section says how each part maps to a production cluster and to Temporal Cloud.
 */

const LOOPBACK = '127.0.0.1';
const run = promisify(execFile);

/** The services of a Temporal server; the frontend first (it starts alone, before the others). */
export const TEMPORAL_SERVICES = ['frontend', 'matching', 'history', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

/** gRPC and membership (ringpop) ports of each service. */
export type TemporalClusterPorts = Record<TemporalService, { grpc: number; membership: number }>;

/**
 * The ports of the server's development configuration, shifted with the frontend: frontend 7233,
 * history 7234, matching 7235, worker 7239; membership 6933, 6934, 6935, 6939.
 */
export function clusterPorts(frontend = 7233): TemporalClusterPorts {
  const shift = frontend - 7233;
  return {
    frontend: { grpc: 7233 + shift, membership: 6933 + shift },
    history: { grpc: 7234 + shift, membership: 6934 + shift },
    matching: { grpc: 7235 + shift, membership: 6935 + shift },
    worker: { grpc: 7239 + shift, membership: 6939 + shift },
  };
}

/**
 * Eight ports nothing listens on, for a cluster beside others (tests). All below 32768: the
 * `cluster_membership` table keeps ports in a SMALLINT, so a port from the ephemeral range (what
 * `freePort()` returns) stops a service at start with "out of range for type smallint".
 */
export async function freeClusterPorts(): Promise<TemporalClusterPorts> {
  const ports = new Set<number>();
  while (ports.size < 8) {
    const port = 10_000 + Math.floor(Math.random() * 22_000);
    if (!ports.has(port) && (await canListen(port))) ports.add(port);
  }
  const [a, b, c, d, e, f, g, h] = [...ports] as [number, ...number[]];
  return {
    frontend: { grpc: a, membership: b! },
    history: { grpc: c!, membership: d! },
    matching: { grpc: e!, membership: f! },
    worker: { grpc: g!, membership: h! },
  };
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolveListen) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveListen(false));
    server.listen(port, LOOPBACK, () => server.close(() => resolveListen(true)));
  });
}

export interface TemporalClusterOptions {
  tools: TemporalServerTools;
  /**
   * A PostgreSQL URL whose user may create databases (its database part is ignored): the server's
   * own databases are created there. The user and password are also the server's.
   */
  postgresUrl: string;
  /** @default { main: 'temporal', visibility: 'temporal_visibility' } */
  databases?: { main: string; visibility: string };
  /** Where the generated configuration and the services' logs go. */
  dir: string;
  /** @default clusterPorts(7233) */
  ports?: TemporalClusterPorts;
  /** Fixed when the databases are first set up. @default 4 */
  numHistoryShards?: number;
  /** One process per service, or all four in one. @default 'separate' */
  processes?: 'separate' | 'single';
  /** Registered if missing. @default ['default'] */
  namespaces?: string[];
  /** How long a closed workflow is kept. @default 3 days */
  retentionDays?: number;
  /** Each service's own log level. @default 'warn' */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Entries of the dynamic configuration file, added to (or replacing) Forthright's defaults. */
  dynamicConfig?: Record<string, unknown>;
  /** Own process groups (the launcher's Ctrl-C ordering). @default false */
  detached?: boolean;
  /** @default 120 s */
  startTimeoutMs?: number;
}

export interface TemporalCluster {
  /** host:port of the frontend: what TEMPORAL_ADDRESS points at. */
  readonly address: string;
  readonly configFile: string;
  readonly version: string;
  /** One per process, frontend first. */
  readonly services: readonly (LocalServer & { readonly service: string })[];
  /** Stops every process: Temporal's worker service, the frontend (no new calls), then the rest. */
  stop(): Promise<void>;
}

interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  adminUrl: string;
}

function postgresTarget(url: string): PostgresTarget {
  const u = new URL(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    adminUrl: admin.toString(),
  };
}

/**
 * Creates the two databases if they are missing and brings both schemas to this server version
 * with Temporal's SQL tool: `setup-schema -v 0.0` once (the version table), then
 * `update-schema -d <module>/schema/postgresql/v12/<name>/versioned`, which applies only the
 * versions not yet applied — so this runs at every start and is what an upgrade runs too.
 */
export async function setUpTemporalDatabases(
  tools: TemporalServerTools,
  postgresUrl: string,
  databases: { main: string; visibility: string },
): Promise<void> {
  const pgt = postgresTarget(postgresUrl);
  const base = ['--plugin', 'postgres12', '--ep', pgt.host, '--port', String(pgt.port), '--user', pgt.user];
  // The password goes through the environment, not the command line (visible in `ps`).
  const env = { ...process.env, SQL_PASSWORD: pgt.password };
  for (const [database, schema] of [
    [databases.main, 'temporal'],
    [databases.visibility, 'visibility'],
  ] as const) {
    const sql = async (args: string[]) => {
      try {
        await run(tools.sqlTool, [...base, '--db', database, ...args], { env });
      } catch (err) {
        const e = err as { stderr?: string; stdout?: string; message: string };
        throw new LocalServerError(
          `temporal-sql-tool ${args[0]} on ${database} failed: ${(e.stderr || e.stdout || e.message).trim().slice(-2000)}`,
        );
      }
    };
    await ensureDatabase(pgt.adminUrl, database);
    if (!(await hasVersionTable(postgresUrl, database))) await sql(['setup-schema', '-v', '0.0']);
    await sql(['update-schema', '-d', join(tools.schemaDir, 'postgresql', 'v12', schema, 'versioned')]);
  }
}

async function hasVersionTable(postgresUrl: string, database: string): Promise<boolean> {
  const url = new URL(postgresUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string | null }>(
      `SELECT to_regclass('public.schema_version') AS t`,
    );
    return rows[0]?.t != null;
  } finally {
    await client.end();
  }
}

/** The server's YAML configuration (its own format, rendered by the server as a template). */
export function clusterConfig(options: {
  postgres: { host: string; port: number; user: string };
  databases: { main: string; visibility: string };
  ports: TemporalClusterPorts;
  numHistoryShards: number;
  logLevel: string;
  dynamicConfigFile: string;
}): string {
  const { postgres, databases, ports } = options;
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${postgres.host}:${postgres.port}`,
      connectProtocol: 'tcp',
      user: postgres.user,
      password: 'PASSWORD',
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (s: TemporalService) => ({
    rpc: { grpcPort: ports[s].grpc, membershipPort: ports[s].membership, bindOnIP: LOOPBACK },
  });
  const config = {
    log: { stdout: true, level: options.logLevel },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: options.numHistoryShards,
      datastores: { default: store(databases.main, 10), visibility: store(databases.visibility, 4) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: LOOPBACK } },
    services: Object.fromEntries(TEMPORAL_SERVICES.map((s) => [s, service(s)])),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `${LOOPBACK}:${ports.frontend.grpc}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: options.dynamicConfigFile, pollInterval: '10s' },
  };
  return [
    '# enable-template',
    '# Generated by scripts/lib/temporal-cluster.ts: the Temporal server configuration, in its own format.',
    '# The password is read from the environment when the server starts, never written here.',
    stringify(config).replaceAll(
      'password: PASSWORD',
      'password: {{ env "TEMPORAL_POSTGRES_PASSWORD" | quote }}',
    ),
  ].join('\n');
}

/**
 * Forthright's dynamic configuration: the dev server's one change (the transfer queue's poll rate,
 * without which back-to-back activities crawl) and a short namespace cache refresh, so a namespace
 * registered at start is usable within seconds.
 */
export const CLUSTER_DYNAMIC_CONFIG: Record<string, unknown> = {
  'history.transferProcessorMaxPollRPS': 1000,
  'system.namespaceCacheRefreshInterval': '2s',
};

/** Sets up the databases, writes the configuration, starts the services and registers the namespaces. */
export async function startTemporalCluster(options: TemporalClusterOptions): Promise<TemporalCluster> {
  const dir = resolve(options.dir);
  const configDir = join(dir, 'config');
  mkdirSync(configDir, { recursive: true });
  const ports = options.ports ?? clusterPorts();
  const databases = options.databases ?? { main: 'temporal', visibility: 'temporal_visibility' };
  const pgt = postgresTarget(options.postgresUrl);
  const address = `${LOOPBACK}:${ports.frontend.grpc}`;
  for (const s of TEMPORAL_SERVICES) {
    for (const port of [ports[s].grpc, ports[s].membership]) {
      if (port > 32_767)
        throw new LocalServerError(
          `Port ${port} (Temporal ${s}) is above 32767, which the server's cluster_membership table cannot hold; choose a lower TEMPORAL_DEV_PORT.`,
        );
      if (await isListening(port))
        throw new LocalServerError(
          `Port ${port} (Temporal ${s}) is already in use; stop what listens there or move the cluster's ports (TEMPORAL_DEV_PORT).`,
        );
    }
  }

  await setUpTemporalDatabases(options.tools, options.postgresUrl, databases);

  const dynamicConfigFile = join(configDir, 'dynamic.yaml');
  const dynamic = { ...CLUSTER_DYNAMIC_CONFIG, ...options.dynamicConfig };
  writeFileSync(
    dynamicConfigFile,
    stringify(Object.fromEntries(Object.entries(dynamic).map(([k, value]) => [k, [{ value }]]))),
  );
  const configFile = join(configDir, 'forthright.yaml');
  writeFileSync(
    configFile,
    clusterConfig({
      postgres: pgt,
      databases,
      ports,
      numHistoryShards: options.numHistoryShards ?? 4,
      logLevel: options.logLevel ?? 'warn',
      dynamicConfigFile,
    }),
  );

  const groups: string[][] =
    (options.processes ?? 'separate') === 'separate'
      ? TEMPORAL_SERVICES.map((s) => [s])
      : [[...TEMPORAL_SERVICES]];
  const env = { ...process.env, TEMPORAL_POSTGRES_PASSWORD: pgt.password };
  const spawnGroup = (group: readonly string[]) => {
    const name = group.length === 1 ? group[0]! : 'all';
    const server = spawnServer({
      name: `Temporal ${name}`,
      command: options.tools.server,
      args: [
        '--root',
        dir,
        '--config',
        'config',
        '--env',
        'forthright',
        '--allow-no-auth',
        'start',
        ...group.flatMap((s) => ['--service', s]),
      ],
      logFile: join(dir, 'logs', `${name}.log`),
      detached: options.detached ?? false,
      env,
    });
    return Object.assign(server, { service: name });
  };
  const services: ReturnType<typeof spawnGroup>[] = [];
  const stop = async () => {
    // Temporal's own worker service first (a client of the frontend, it fails hard without one),
    // then the frontend (no new calls), then matching and history together.
    const worker = services.find((s) => s.service === 'worker');
    await worker?.stop();
    await services[0]?.stop();
    await Promise.allSettled(services.map((s) => s.stop()));
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  const listening = (port: number) => async () => {
    const dead = services.find((s) => s.hasExited());
    if (dead)
      throw new LocalServerError(
        `${dead.name} exited while starting. Its last output (${dead.logFile}):\n${logTail(dead.logFile)}`,
      );
    return isListening(port);
  };

  try {
    // The frontend alone first: on fresh databases the first process to start writes the
    // cluster's metadata record, and two writing it at once fail one of them.
    const frontend = spawnGroup(groups[0]!);
    services.push(frontend);
    await waitUntilReady(frontend, listening(ports.frontend.grpc), Math.max(1000, deadline - Date.now()));
    services.push(...groups.slice(1).map(spawnGroup));
    await registerNamespaces(
      address,
      options.namespaces ?? ['default'],
      options.retentionDays ?? 3,
      deadline,
      services,
    );
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    address,
    configFile,
    version: options.tools.version,
    services: services.map((s) => Object.assign(asLocalServer(s), { service: s.service })),
    stop,
  };
}

/**
 * Registers each namespace unless it exists, then waits until a call that needs the frontend's
 * namespace cache, the history service and visibility (listing workflows) succeeds there: from
 * then on a worker can poll and a client start workflows.
 */
async function registerNamespaces(
  address: string,
  namespaces: string[],
  retentionDays: number,
  deadline: number,
  services: readonly (LocalServer & { hasExited(): boolean })[],
): Promise<void> {
  const connection = Connection.lazy({ address });
  let lastError: unknown;
  try {
    const attempt = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
      for (;;) {
        const dead = services.find((s) => s.hasExited());
        if (dead)
          throw new LocalServerError(
            `${dead.name} exited while starting. Its last output (${dead.logFile}):\n${logTail(dead.logFile)}`,
          );
        try {
          return await connection.withDeadline(Date.now() + 5000, call);
        } catch (err) {
          lastError = err;
          if (Date.now() > deadline)
            throw new LocalServerError(
              `The Temporal cluster at ${address} did not ${what} in time: ${String((lastError as Error)?.message ?? lastError)}. Logs: ${services.map((s) => s.logFile).join(', ')}`,
            );
          await delay(250);
        }
      }
    };
    for (const namespace of namespaces) {
      await attempt(`register namespace ${namespace}`, async () => {
        try {
          await connection.workflowService.registerNamespace({
            namespace,
            workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
          });
        } catch (err) {
          if ((err as { code?: number }).code !== 6) throw err; // ALREADY_EXISTS: registered before
        }
      });
      await attempt(`serve namespace ${namespace}`, () =>
        connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 }),
      );
    }
  } finally {
    await connection.close();
  }
}
