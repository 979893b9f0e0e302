// The launcher behind `npm start`: brings up everything Forthright needs on this machine, with demo
// data, and stops it all on Ctrl-C.
//
//   node --import tsx scripts/start.ts [--services-only | --setup-only] [--cluster]
//
// What is local is decided by what is configured: a variable left unset means "run it here".
//   TEMPORAL_ADDRESS unset → a Temporal dev server on 127.0.0.1:TEMPORAL_DEV_PORT (UI on TEMPORAL_UI_PORT)
//   DATABASE_URL unset     → embedded PostgreSQL on EMBEDDED_PG_PORT, data in FORTHRIGHT_DATA_DIR/postgres
//   SMTP_URL unset         → the maildev mail catcher on MAIL_CATCHER_SMTP_PORT, web view on MAIL_CATCHER_WEB_PORT
// Then: migrations (the one place they run; the worker and API wait for them); demo inventory (DEMO_CUSTOMERS, once, into an empty inventory) and demo users
// with tokens (DEMO_DATA=true only: a development switch, which `npm start` sets); the worker and the API as
// child processes; and a summary once GET /readyz answers 200. --services-only stops before the
// worker and API (to run those yourself, e.g. under a debugger). --setup-only runs the migrations
// and demo data against what is configured, prints the tokens and exits (docker compose's `setup`).
// --cluster (`npm run start:cluster`): with TEMPORAL_ADDRESS unset, a real Temporal server
// (go.temporal.io/server, built by `provision.sh cluster`) on the same PostgreSQL — its own
// databases, four history shards, one process per service — instead of the dev server; see
// scripts/lib/temporal-cluster.ts and the README's "Temporal cluster".
//
// Ctrl-C or SIGTERM: the worker and API are asked to drain and stop first, then the servers. All
// of them run in their own process groups, so the terminal's Ctrl-C reaches this launcher alone
// and the order holds. A second Ctrl-C kills whatever is left at once.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig, type Config } from '../core/config';
import { countCustomers } from '../core/db/inventory';
import { createPool } from '../core/db/pool';
import { listWithStatus, upsertWithToken } from '../core/db/users';
import { createLogger, type Logger } from '../core/logger';
import type { Role } from '../core/domain/model';
import { migrateDatabase, startEmbeddedDatabase } from './lib/database';
import {
  delay,
  LocalServerError,
  startMailCatcher,
  startTemporalDevServer,
  type LocalServer,
} from './lib/local-servers';
import { clusterPorts, startTemporalCluster } from './lib/temporal-cluster';
import { repoRoot, temporalCliPath, temporalServerTools, ToolMissingError } from './lib/tools';
import { seedDemoInventory } from './seed';
import { WORKER_NODE_FLAGS } from '../worker/node-flags';

const port = z.coerce.number().int().min(1).max(65_535);
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** The launcher's own settings (core/config.ts holds the application's). */
const LauncherEnv = z.object({
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.optional(),
  MAIL_CATCHER_SMTP_PORT: port.default(1025),
  MAIL_CATCHER_WEB_PORT: port.default(1080),
  DEMO_DATA: flag.optional(),
  DEMO_CUSTOMERS: z.coerce.number().int().min(0).max(10_000_000).default(2000),
});

/** One demo user per role, plus a second compliance officer (an incident's opener may not approve it). */
const DEMO_USERS: { key: string; role: Role; email: string; displayName: string }[] = [
  { key: 'officer', role: 'officer', email: 'officer@example.com', displayName: 'Olivia Officer' },
  { key: 'compliance', role: 'compliance', email: 'compliance@example.com', displayName: 'Chris Compliance' },
  {
    key: 'compliance2',
    role: 'compliance',
    email: 'compliance2@example.com',
    displayName: 'Casey Compliance',
  },
  { key: 'support', role: 'support', email: 'support@example.com', displayName: 'Sam Support' },
  { key: 'admin', role: 'admin', email: 'admin@example.com', displayName: 'Alex Admin' },
];

/**
 * The launcher's own log: JSON lines like the worker's and the API's (pretty on a terminal), named
 * `launcher`, at LOG_LEVEL once the configuration is read. Constant messages, counts and names of
 * things in fields; never a person's data (a demo user is named by its key, not its address). The
 * summary and the demo tokens it prints once started are for the person at the terminal, not a log.
 */
let log: Logger = createLogger('info', 'launcher');
const say = (message: string, fields: Record<string, unknown> = {}) => log.info(fields, message);

interface Plan {
  env: NodeJS.ProcessEnv;
  config: Readonly<Config>;
  localTemporal: { port: number; uiPort: number } | undefined;
  localMail: { smtpPort: number; webPort: number } | undefined;
  demoData: boolean;
  demoCustomers: number;
}

/** Reads the environment once: which services run here, and the environment the children get. */
function plan(env: NodeJS.ProcessEnv): Plan {
  const parsed = LauncherEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const l = parsed.data;
  const child: NodeJS.ProcessEnv = { ...env };
  let localTemporal: Plan['localTemporal'];
  if (!env.TEMPORAL_ADDRESS) {
    localTemporal = { port: l.TEMPORAL_DEV_PORT, uiPort: l.TEMPORAL_UI_PORT ?? l.TEMPORAL_DEV_PORT + 1000 };
    child.TEMPORAL_ADDRESS = `127.0.0.1:${localTemporal.port}`;
    child.TEMPORAL_UI_URL ??= `http://127.0.0.1:${localTemporal.uiPort}`;
  }
  let localMail: Plan['localMail'];
  if (!env.SMTP_URL) {
    localMail = { smtpPort: l.MAIL_CATCHER_SMTP_PORT, webPort: l.MAIL_CATCHER_WEB_PORT };
    child.SMTP_URL = `smtp://127.0.0.1:${localMail.smtpPort}`;
    child.MAIL_CATCHER_WEB_URL ??= `http://127.0.0.1:${localMail.webPort}`;
  }
  const config = loadConfig(child);
  // Children get absolute, resolved values, whatever their working directory.
  child.FORTHRIGHT_DATA_DIR = config.dataDir;
  child.DATABASE_URL = config.database.url;
  return {
    env: child,
    config,
    localTemporal,
    localMail,
    // Only on request: a production start (compose, or the launcher against a real database)
    // never creates demo users, whose tokens are printed and kept in a file.
    demoData: l.DEMO_DATA ?? false,
    demoCustomers: l.DEMO_CUSTOMERS,
  };
}

/** Tokens survive restarts (scripts keep working); a missing or unreadable file gets new ones. */
function demoTokens(file: string): Record<string, string> {
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // First start, or a damaged file: new tokens.
  }
  const tokens: Record<string, string> = {};
  for (const u of DEMO_USERS) {
    const old = previous[u.key];
    tokens[u.key] = typeof old === 'string' && old.length >= 32 ? old : randomBytes(24).toString('base64url');
  }
  return tokens;
}

async function prepareDemo(p: Plan, tokensFile: string): Promise<Record<string, string>> {
  const pool = createPool(p.config.database.url, 2);
  try {
    const customers = await countCustomers(pool);
    if (customers === 0 && p.demoCustomers > 0) {
      say('seeding demo customers', { customers: p.demoCustomers });
      const seeded = await seedDemoInventory(pool, { customers: p.demoCustomers, seed: 1 });
      say('demo inventory seeded', {
        customers: seeded.customers,
        holdings: seeded.holdings,
        seconds: Number(seeded.seconds.toFixed(1)),
      });
    } else {
      say('inventory already there', { customers });
    }
    const tokens = demoTokens(tokensFile);
    // A demo user someone deactivated stays so: a start never brings a person's access back.
    const deactivated = new Set((await listWithStatus(pool)).filter((u) => !u.active).map((u) => u.email));
    for (const u of DEMO_USERS) {
      if (deactivated.has(u.email)) {
        say('demo user deactivated: left so', { user: u.key });
        delete tokens[u.key];
        continue;
      }
      await upsertWithToken(
        pool,
        { email: u.email, displayName: u.displayName, role: u.role },
        tokens[u.key]!,
      );
    }
    writeFileSync(tokensFile, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
    return tokens;
  } finally {
    await pool.end();
  }
}

interface App {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

function spawnApp(name: string, entry: string, env: NodeJS.ProcessEnv): App {
  // node --import tsx runs TypeScript in one process (the tsx CLI would add a second), so signals
  // reach the application itself.
  // The worker's memory stays flat only with its Node flags (worker/node-flags.ts).
  const flags = entry === 'worker/main.ts' ? WORKER_NODE_FLAGS : [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', entry], {
    cwd: repoRoot,
    env,
    stdio: 'inherit',
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)));
    child.once('error', () => resolve(1));
  });
  return { name, child, exited };
}

async function waitForHealth(url: string, apps: App[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: App | undefined;
  for (const app of apps) void app.exited.then(() => (exited ??= app));
  for (;;) {
    if (exited) throw new LocalServerError(`The ${exited.name} exited while starting (its output is above).`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new LocalServerError(`${url} did not answer 200 within ${timeoutMs / 1000} s.`);
    await delay(250);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'services-only': { type: 'boolean', default: false },
      'setup-only': { type: 'boolean', default: false },
      cluster: { type: 'boolean', default: false },
    },
  });
  const envFile = join(repoRoot, '.env');
  // Variables already in the environment win over the file.
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const p = plan(process.env);
  const { config } = p;
  log = createLogger(config.logLevel, 'launcher');
  mkdirSync(join(config.dataDir, 'logs'), { recursive: true });
  const logs = join(config.dataDir, 'logs');

  const servers: LocalServer[] = [];
  /** Stopped before the others: it keeps its state in PostgreSQL. */
  let temporalCluster: LocalServer | undefined;
  const apps: App[] = [];
  let stopping = false;
  const stopAll = async (code: number): Promise<number> => {
    if (stopping) return code;
    stopping = true;
    const running = apps.filter((a) => a.child.exitCode === null && a.child.signalCode === null);
    if (running.length) say('stopping', { apps: running.map((a) => a.name) });
    for (const a of running) a.child.kill('SIGTERM');
    const drained = await Promise.race([
      Promise.all(running.map((a) => a.exited)).then(() => true),
      delay(30_000).then(() => false),
    ]);
    if (!drained) for (const a of running) a.child.kill('SIGKILL');
    if (servers.length) say('stopping servers', { servers: servers.map((s) => s.name) });
    await temporalCluster?.stop().catch(() => undefined);
    await Promise.allSettled(servers.map((s) => s.stop()));
    say('stopped');
    return code;
  };
  let signals = 0;
  const onSignal = new Promise<number>((resolve) => {
    const handler = () => {
      signals += 1;
      if (signals === 1) resolve(0);
      else {
        log.warn('second signal: killing everything now');
        for (const a of apps) a.child.kill('SIGKILL');
        process.exit(130);
      }
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });

  try {
    // --- Servers, in parallel -----------------------------------------------------------------
    const starting: Promise<void>[] = [];
    if (p.localTemporal && !values.cluster) {
      const cliPath = temporalCliPath();
      const t = p.localTemporal;
      starting.push(
        startTemporalDevServer({
          cliPath,
          port: t.port,
          uiPort: t.uiPort,
          dbFile: join(config.dataDir, 'temporal.sqlite'),
          namespaces: [config.temporal.namespace],
          logFile: join(logs, 'temporal.log'),
          detached: true,
        }).then((s) => void servers.push(s)),
      );
    }
    if (config.database.embedded) {
      starting.push(startEmbeddedDatabase(config, { detached: true }).then((s) => void servers.push(s)));
    }
    if (p.localMail) {
      starting.push(
        startMailCatcher({
          smtpPort: p.localMail.smtpPort,
          webPort: p.localMail.webPort,
          mailDir: join(config.dataDir, 'mail'),
          logFile: join(logs, 'maildev.log'),
          detached: true,
        }).then((s) => void servers.push(s)),
      );
    }
    const results = await Promise.allSettled(starting);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    if (p.localTemporal && values.cluster) {
      // After the database: the cluster keeps its state in it (databases temporal, temporal_visibility).
      say('starting the Temporal cluster (frontend, history, matching, worker on PostgreSQL)');
      const cluster = await startTemporalCluster({
        tools: temporalServerTools(),
        postgresUrl: config.database.migrationUrl,
        dir: join(config.dataDir, 'temporal-cluster'),
        ports: clusterPorts(p.localTemporal.port),
        namespaces: [config.temporal.namespace],
        detached: true,
      });
      temporalCluster = {
        name: `Temporal cluster ${cluster.version} (${cluster.services.length} processes)`,
        pid: cluster.services[0]!.pid,
        logFile: cluster.services[0]!.logFile,
        exited: Promise.all(cluster.services.map((s) => s.exited)).then(() => undefined),
        stop: cluster.stop,
      };
      servers.push(temporalCluster);
    }
    if (servers.length) say('servers running', { servers: servers.map((s) => s.name) });
    if (signals > 0) return await stopAll(0);
    // The one migration step, before the worker and the API (they only wait for the schema).
    await migrateDatabase(config, undefined, (warning) => log.warn({ warning }, 'migration warning'));
    say('database migrated');

    // --- Demo data ----------------------------------------------------------------------------
    const tokensFile = join(config.dataDir, 'demo-tokens.json');
    const tokens = p.demoData ? await prepareDemo(p, tokensFile) : undefined;
    if (signals > 0) return await stopAll(0);
    if (values['setup-only']) {
      if (tokens)
        for (const u of DEMO_USERS.filter((d) => tokens[d.key]))
          console.log(`  ${u.key.padEnd(12)} ${tokens[u.key]}   ${u.email}`);
      if (tokens) say('demo tokens written', { file: tokensFile });
      return await stopAll(0);
    }

    // --- Worker and API -----------------------------------------------------------------------
    const apiUrl = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${config.http.port}`;
    if (!values['services-only']) {
      for (const [name, entry] of [
        ['worker', 'worker/main.ts'],
        ['API', 'api/main.ts'],
      ] as const) {
        if (existsSync(join(repoRoot, entry))) apps.push(spawnApp(name, entry, p.env));
        else say('entry point missing: not started', { app: name, entry });
      }
      if (apps.some((a) => a.name === 'API'))
        await Promise.race([waitForHealth(`${apiUrl}/readyz`, apps, 120_000), onSignal]);
    }
    if (signals > 0) return await stopAll(0);

    // --- Summary ------------------------------------------------------------------------------
    const rel = (f: string) => relative(process.cwd(), f) || f;
    const lines = [
      '',
      'Forthright is running.',
      `  API:            ${apiUrl}`,
      `  Console:        ${config.http.publicBaseUrl}/console`,
      `  API docs:       ${config.http.publicBaseUrl}/docs`,
      values.cluster && p.localTemporal
        ? `  Temporal:       cluster at ${p.env.TEMPORAL_ADDRESS} (no web UI: \`temporal workflow list --address ${p.env.TEMPORAL_ADDRESS}\`)`
        : `  Temporal UI:    ${config.temporal.uiUrl}${p.localTemporal ? '' : ' (external)'}`,
      `  Mail catcher:   ${config.mail.catcherWebUrl ?? `none — mail goes to ${config.mail.smtpUrl}`}`,
      `  Bounces:        ${config.bounces.domain ? `listening on ${config.http.host}:${config.bounces.smtpPort} for bounces+…@${config.bounces.domain}` : 'not received (BOUNCE_DOMAIN unset)'}`,
      `  Database:       ${config.database.embedded ? `embedded PostgreSQL on 127.0.0.1:${config.database.embeddedPort}` : 'DATABASE_URL'}`,
      `  Logs:           ${rel(logs)}/`,
    ];
    if (tokens) {
      lines.push('', `Demo tokens (also in ${rel(tokensFile)}), sent as "Authorization: Bearer <token>":`);
      for (const u of DEMO_USERS.filter((d) => tokens[d.key]))
        lines.push(`  ${u.key.padEnd(12)} ${tokens[u.key]}   ${u.email}`);
      lines.push('', `  curl -H "Authorization: Bearer ${tokens.officer}" ${apiUrl}/api/incidents`);
    }
    lines.push('', 'Ctrl-C stops everything.', '');
    console.log(lines.join('\n'));

    // --- Run until a signal, or until the worker or API stops by itself -------------------------
    const crashed = apps.map((a) => a.exited.then((code) => ({ app: a, code })));
    const outcome = await Promise.race([onSignal.then(() => undefined), ...crashed]);
    if (outcome) {
      log.error({ app: outcome.app.name, code: outcome.code }, 'exited by itself: stopping everything');
      return await stopAll(1);
    }
    return await stopAll(0);
  } catch (err) {
    if (err instanceof LocalServerError || err instanceof ToolMissingError || err instanceof ConfigError) {
      log.error({ reason: err.message }, 'start failed');
    } else {
      log.error({ err }, 'start failed');
    }
    return await stopAll(1);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
