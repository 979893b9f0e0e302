// Backs up Forthright's database while it runs (README "Operating Forthright → Backup and restore";
// scripts/lib/backup.ts says how):
//
//   npm run backup -- --out <new folder>
//       the embedded cluster (the default set-up; in cluster mode Temporal's two databases are in it
//       too): an online physical backup, consistent across all its databases, with the local key
//       files. Runs on the machine that holds the data folder; the cluster may be running (npm start)
//       or not (it is started for the backup).
//   DATABASE_URL set: pg_dump of Forthright's database as MIGRATION_DATABASE_URL's user (a pg_dump of
//       the server's version or newer: --pg-bin-dir <its bin folder>), and with --temporal-url <url of the temporal
//       database> --temporal-visibility-url <url>, Temporal's two as well.
//
// Prints the backup's label: the restore records it (core/use-cases/restores.ts).
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config';
import { backupCluster, backupWithPgDump } from './lib/backup';
import { embeddedPostgresPaths, startEmbeddedDatabase } from './lib/database';
import { isListening, type EmbeddedPostgres } from './lib/local-servers';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      'temporal-url': { type: 'string' },
      'temporal-visibility-url': { type: 'string' },
      'pg-bin-dir': { type: 'string' },
    },
  });
  if (!values.out) throw new Error('--out <new folder> is required');
  const config = loadConfig();
  if (config.database.embedded) {
    let server: EmbeddedPostgres | undefined;
    if (!(await isListening(config.database.embeddedPort))) server = await startEmbeddedDatabase(config);
    try {
      const manifest = await backupCluster({
        adminUrl: `postgres://forthright:forthright@127.0.0.1:${config.database.embeddedPort}/postgres`,
        dataDir: embeddedPostgresPaths(config).dataDir,
        out: values.out,
        dataFolder: config.dataDir,
      });
      console.log(
        `backup ${manifest.label}: ${manifest.databases.join(', ')} (PostgreSQL ${manifest.serverVersion}) in ${values.out}`,
      );
    } finally {
      await server?.stop();
    }
    return;
  }
  const urls = [{ name: 'forthright', url: config.database.migrationUrl }];
  if (values['temporal-url']) urls.push({ name: 'temporal', url: values['temporal-url'] });
  if (values['temporal-visibility-url'])
    urls.push({ name: 'temporal_visibility', url: values['temporal-visibility-url'] });
  const manifest = await backupWithPgDump({
    urls,
    out: values.out,
    dataFolder: config.dataDir,
    ...(values['pg-bin-dir'] ? { pgBinDir: values['pg-bin-dir'] } : {}),
  });
  console.log(`backup ${manifest.label}: ${manifest.databases.join(', ')} (pg_dump) in ${values.out}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`backup: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
