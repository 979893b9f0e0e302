// Exports an incident's evidence dossier (core/use-cases/dossier.ts): dossier.pdf for people,
// dossier.json for machines, manifest.json with the SHA-256 of each. The export is recorded in the
// audit trail with the manifest's hash, under the operator's name.
//
//   npm run dossier -- <incidentId>                    into ./dossier-<incidentId>/
//   npm run dossier -- <incidentId> --out <dir>
//
// The delivery log is streamed page by page, so an incident of a million people needs no more
// memory than a small one (only time and disk). Prints the files and their hashes, never the
// personal data inside them. Uses DATABASE_URL, or the embedded database (started for the export
// when `npm start` is not running it).
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../core/config';
import { DOSSIER_FILES, exportDossier } from '../core/use-cases/dossier';
import { withDatabase } from './lib/database';

const USAGE = 'usage: npm run dossier -- <incidentId> [--out <dir>]';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { out: { type: 'string' } }, allowPositionals: true });
  const incidentId = z.uuid().safeParse(positionals[0]);
  if (!incidentId.success || positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const dir = resolve(values.out ?? `dossier-${incidentId.data}`);
  const config = loadConfig();
  return withDatabase(config, async (pool) => {
    // The operator at the terminal, as the audit entry's actor; exporting is a compliance task.
    const actor = { id: `cli:${userInfo().username}`, role: 'compliance' as const };
    const result = await exportDossier({ pool }, actor, { incidentId: incidentId.data, dir });
    for (const f of result.manifest.files)
      console.log(`${f.sha256}  ${join(dir, f.name)}  (${f.bytes} bytes)`);
    console.log(
      `${result.manifestSha256}  ${join(dir, DOSSIER_FILES.manifest.name)}  (recorded in the audit trail)`,
    );
    return 0;
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`dossier: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
