import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/lib/tools';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * The streaming CSV import (`scripts/import.ts`, as an operator runs it): a customers file written
 * before contact and consent existed imports as it always did, a file with the new columns brings
 * addresses and consent, and the old file again leaves them in place (issue 14 item 1).
 */
const dir = mkdtempSync(join(tmpdir(), 'forthright-import-'));
let db: TestDatabase;

function importFile(kind: string, text: string): Promise<{ code: number | null; output: string }> {
  const file = join(dir, `${kind}-${Date.now()}.csv`);
  writeFileSync(file, text);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import.ts', kind, file], {
      cwd: repoRoot,
      env: { ...process.env, FORTHRIGHT_DATA_DIR: dir, DATABASE_URL: db.url, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

const stored = async () =>
  (
    await db.pool.query(
      `SELECT external_id, email, postal_address, electronic_consent_method FROM customers ORDER BY external_id`,
    )
  ).rows;

describe('scripts/import.ts customers', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const OLD = 'externalId,fullName,email,country,region\nC-1,Ann Old,ann@example.com,US,US-NY\n';

  it('imports a file from before contact and consent as before', async () => {
    const run = await importFile('customers', OLD);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('customers: 1 rows — 1 new, 0 updated, 0 unchanged');
    expect(await stored()).toEqual([
      { external_id: 'C-1', email: 'ann@example.com', postal_address: null, electronic_consent_method: null },
    ]);
  });

  it('takes the address and consent columns, and a customer without email; the old file again keeps them', async () => {
    const run = await importFile(
      'customers',
      'externalId,fullName,email,country,region,addressLine1,addressLocality,addressRegion,addressPostalCode,' +
        'addressCountry,electronicConsentAt,electronicConsentMethod\n' +
        'C-1,Ann Old,ann@example.com,US,US-NY,1 Main St,Albany,NY,12207,US,2025-01-01T00:00:00Z,paper form\n' +
        'C-2,Ned Post,,US,US-NY,5 Elm St,Albany,NY,12207,US,,\n',
    );
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('customers: 2 rows — 1 new, 1 updated, 0 unchanged');
    const address = (line: string) => ({
      lines: [line],
      locality: 'Albany',
      region: 'NY',
      postalCode: '12207',
      country: 'US',
    });
    const expected = [
      {
        external_id: 'C-1',
        email: 'ann@example.com',
        postal_address: address('1 Main St'),
        electronic_consent_method: 'paper form',
      },
      {
        external_id: 'C-2',
        email: null,
        postal_address: address('5 Elm St'),
        electronic_consent_method: null,
      },
    ];
    expect(await stored()).toEqual(expected);

    const again = await importFile('customers', OLD);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain('customers: 1 rows — 0 new, 0 updated, 1 unchanged');
    expect(await stored()).toEqual(expected);
  });
});
