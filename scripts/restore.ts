// Restores a backup of scripts/backup.ts onto a fresh instance, then runs the restore fence before
// anything else touches the database (README "Operating Forthright → Backup and restore"):
//
//   npm run restore -- --from <backup folder> [--report <folder>]
//       physical backup: laid down as the embedded cluster's data directory (which must not exist
//       yet: move the old one away), started (it replays its log), migrated, fenced, stopped; the
//       local key files go back into the data folder.
//       pg_dump backup: pg_restore into DATABASE_URL's database (a new, empty one), migrated, fenced.
//   npm run restore -- --fence-only --label <name> [--taken-at <ISO time>] [--report <folder>]
//       only the fence, on a database restored by other means (a provider's snapshot, PITR).
//
// The fence records the backup's marker and holds every notice that was not final in the backup
// (core/use-cases/restores.ts); the report lists them with their Message-IDs (default folder:
// <data folder>/restore-reports). Start the worker only after this has run.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config';
import { createPool } from '../core/db/pool';
import { layDownCluster, readManifest, restoreKeys, restoreWithPgRestore } from './lib/backup';
import { embeddedPostgresPaths, migrateDatabase, startEmbeddedDatabase } from './lib/database';
import { type EmbeddedPostgres } from './lib/local-servers';
import { fenceRestoredDatabase } from './lib/restore-report';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      report: { type: 'string' },
      'fence-only': { type: 'boolean', default: false },
      label: { type: 'string' },
      'taken-at': { type: 'string' },
      'pg-bin-dir': { type: 'string' },
    },
  });
  // The backup's key files go back before the configuration is read: reading it generates any key
  // file that is missing, which would then differ from the backup's.
  const manifest = values.from && !values['fence-only'] ? readManifest(values.from) : undefined;
  if (manifest) restoreKeys(values.from!, manifest, resolve(process.env.FORTHRIGHT_DATA_DIR ?? '.data'));
  const config = loadConfig();
  const reportDir = values.report ?? join(config.dataDir, 'restore-reports');
  let backup: { label: string; takenAt: string | null };
  let server: EmbeddedPostgres | undefined;
  try {
    if (values['fence-only']) {
      if (!values.label) throw new Error('--fence-only needs --label <the backup’s name>');
      backup = { label: values.label, takenAt: values['taken-at'] ?? null };
      if (config.database.embedded) server = await startEmbeddedDatabase(config);
    } else {
      if (!values.from || !manifest) throw new Error('--from <backup folder> is required');
      backup = manifest;
      if (manifest.format === 'physical') {
        if (!config.database.embedded)
          throw new Error('a physical backup restores the embedded cluster: unset DATABASE_URL');
        const { dataDir } = embeddedPostgresPaths(config);
        if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
          throw new Error(
            `${dataDir} exists: move it away first (a backup is restored onto a fresh instance)`,
          );
        layDownCluster(values.from, dataDir);
        server = await startEmbeddedDatabase(config);
      } else {
        await restoreWithPgRestore(
          values.from,
          'forthright',
          config.database.migrationUrl,
          values['pg-bin-dir'],
        );
      }
    }
    await migrateDatabase(config, (msg) => console.log(msg));
    const pool = createPool(config.database.migrationUrl, 2);
    try {
      const { result, notices, json, csv } = await fenceRestoredDatabase({ pool, config }, backup, reportDir);
      console.log(
        result.recorded
          ? `restore ${backup.label} recorded: ${result.restore.held} notice(s) held in ${result.held.length} incident(s)`
          : `restore ${backup.label} was recorded before: nothing more held`,
      );
      console.log(`${notices.length} notice(s) held in all, listed in ${json} and ${csv}`);
      for (const w of result.notYetDelivering)
        console.log(
          `incident ${w.incidentId} was ${w.status} in the backup: check the relay's log for its Message-IDs before its delivery runs`,
        );
    } finally {
      await pool.end();
    }
  } finally {
    await server?.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`restore: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
