import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config';
import * as audit from '../../core/db/audit';
import { DossierManifest } from '../../core/dossier/schema';
import { TemplateCache } from '../../core/mail/template-cache';
import { repoRoot } from '../../scripts/lib/tools';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { importInventory, newDeliveredIncident } from '../helpers/factories';

/** `npm run dossier -- <incidentId> --out <dir>` (scripts/dossier.ts) against the test database. */
describe('dossier command (scripts/dossier.ts)', () => {
  let db: TestDatabase;
  let incidentId: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'forthright-dossier-cli-'));
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/dossier.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, FORTHRIGHT_DATA_DIR: dataDir, DATABASE_URL: db.url, LOG_LEVEL: 'silent' },
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({ FORTHRIGHT_DATA_DIR: dataDir, DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
    await importInventory(db.pool, {
      customers: [{ externalId: 'C1', fullName: 'Carla Private' }],
      holdings: [{ customerExternalId: 'C1', system: 'crm', categories: ['email'] }],
    });
    const delivered = await newDeliveredIncident(
      { pool: db.pool, templates: new TemplateCache(db.pool), config },
      { incident: { title: 'Dossier from the command line' }, sent: 1 },
    );
    incidentId = delivered.incident.id;
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  });

  it('writes the three files, prints their hashes (no personal data) and audits the export', async () => {
    const out = join(dataDir, 'out');
    const { stdout } = await run([incidentId, '--out', out]);
    const manifest = DossierManifest.parse(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')));
    for (const f of manifest.files) {
      const sha256 = createHash('sha256')
        .update(readFileSync(join(out, f.name)))
        .digest('hex');
      expect(f.sha256).toBe(sha256);
      expect(stdout).toContain(`${sha256}  ${join(out, f.name)}`);
    }
    expect(stdout).not.toContain('Carla');
    const entry = (await audit.listForIncident(db.pool, incidentId)).find(
      (e) => e.action === 'dossier_exported',
    );
    expect(entry?.actor).toMatch(/^cli:/);
  }, 60_000);

  it('refuses a missing or malformed incident id with its usage', async () => {
    await expect(run(['not-a-uuid'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage'),
    });
  });
});
