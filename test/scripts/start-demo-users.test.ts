import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/lib/tools';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { bearer } from '../helpers/system';
import { devServerAddress } from '../helpers/temporal';

// Demo users hold tokens that are printed and kept in a file, so a production start must never
// create them, and no start may bring back one that was deactivated (issue 13 #9).

const dataDir = mkdtempSync(join(tmpdir(), 'forthright-demo-'));
const tokensFile = join(dataDir, 'demo-tokens.json');

/** `scripts/start.ts --setup-only` (compose's `setup`) against the test database; its output. */
function setup(extraEnv: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DEMO_DATA;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--setup-only'], {
      cwd: repoRoot,
      env: {
        ...env,
        FORTHRIGHT_DATA_DIR: dataDir,
        DATABASE_URL: db.url,
        // Configured, so the launcher starts neither Temporal nor a mail catcher of its own.
        TEMPORAL_ADDRESS: devServerAddress(),
        SMTP_URL: 'smtp://127.0.0.1:2525',
        DEMO_CUSTOMERS: '0',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

let db: TestDatabase;
const demoUsers = async () =>
  (
    await db.pool.query<{ email: string; active: boolean }>(
      `SELECT email, active FROM users WHERE email LIKE '%@example.com' ORDER BY email`,
    )
  ).rows;

describe('launcher demo users (scripts/start.ts)', () => {
  let api: Awaited<ReturnType<typeof startApiOnly>>;
  const me = async (token: string) =>
    (await api.app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).statusCode;

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApiOnly(db);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('a production-mode start (DEMO_DATA unset) creates no demo user and writes no tokens', async () => {
    const run = await setup({});
    expect(run.code, run.output).toBe(0);
    expect(await demoUsers()).toEqual([]);
    expect(existsSync(tokensFile)).toBe(false);
  }, 120_000);

  it('refuses a demo token once deactivated: neither a production nor a development start brings it back', async () => {
    // A development start (the explicit switch) makes the demo users; their tokens work.
    const dev = await setup({ DEMO_DATA: 'true' });
    expect(dev.code, dev.output).toBe(0);
    const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as Record<string, string>;
    expect(await me(tokens.admin!)).toBe(200);
    expect((await demoUsers()).length).toBeGreaterThanOrEqual(5);

    // Going live: the demo users are deactivated.
    await db.pool.query(`UPDATE users SET active = false WHERE email LIKE '%@example.com'`);
    expect(await me(tokens.admin!)).toBe(401);

    // A production-mode start leaves them deactivated.
    const production = await setup({});
    expect(production.code, production.output).toBe(0);
    expect(await me(tokens.admin!)).toBe(401);
    expect(await me(tokens.officer!)).toBe(401);

    // Even the development switch does not reactivate them; it says so and prints no token.
    const again = await setup({ DEMO_DATA: 'true' });
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(/"user":"admin","msg":"demo user deactivated: left so"/);
    expect(again.output).not.toContain(tokens.admin!);
    expect((await demoUsers()).every((u) => !u.active)).toBe(true);
    expect(await me(tokens.admin!)).toBe(401);
  }, 180_000);
});
