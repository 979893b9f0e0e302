import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { returnPathFor } from '../../core/delivery/return-path';
import { freePort } from '../../scripts/lib/local-servers';
import { repoRoot } from '../../scripts/lib/tools';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { deliverReport, dsn } from '../helpers/reports';
import { devServerAddress } from '../helpers/temporal';

/**
 * api/main.ts as it runs in production: with BOUNCE_DOMAIN it starts the bounce listener beside
 * the HTTP API, and SIGTERM closes both (close-with-grace) and exits 0.
 */
describe('api/main.ts with BOUNCE_DOMAIN', () => {
  const dir = mkdtempSync(join(tmpdir(), 'forthright-bounce-process-'));
  const logFile = join(dir, 'api.log');
  const key = randomBytes(32);
  const bounces = { domain: 'bounces.example.test', key };
  let db: TestDatabase;
  let smtpPort: number;
  let api: ReturnType<typeof spawn>;
  let exited: Promise<number | null>;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 1 });
    smtpPort = await freePort();
    const fd = openSync(logFile, 'a');
    api = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'api/main.ts')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        FORTHRIGHT_DATA_DIR: dir,
        DATABASE_URL: db.url,
        TEMPORAL_ADDRESS: devServerAddress(),
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        LOG_LEVEL: 'info',
        BOUNCE_DOMAIN: bounces.domain,
        BOUNCE_SMTP_PORT: String(smtpPort),
        BOUNCE_TOKEN_KEY: key.toString('base64'),
      },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    exited = new Promise((resolve) =>
      api.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))),
    );
    const deadline = Date.now() + 60_000;
    while (!readFileSync(logFile, 'utf8').includes('bounce listener listening')) {
      if (api.exitCode !== null)
        throw new Error(`api exited:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
      if (Date.now() > deadline)
        throw new Error(`no listener:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 90_000);

  afterAll(async () => {
    if (api?.exitCode === null) api.kill('SIGKILL');
    await db?.drop();
  });

  it('listens for reports: refuses a stranger at RCPT TO, takes a report for a return path it issued', async () => {
    const stranger = `postmaster@${bounces.domain}`;
    expect(
      await deliverReport(smtpPort, stranger, dsn({ to: stranger, action: 'failed', status: '5.1.1' })),
    ).toMatchObject({
      accepted: false,
      code: 550,
    });
    // A return path this key issued, for a delivery this (empty) database never had: taken, and
    // recorded as nothing to record (a retry could not change that).
    const ours = returnPathFor(bounces, 987_654)!;
    expect(await deliverReport(smtpPort, ours, dsn({ to: ours, action: 'failed', status: '5.1.1' }))).toEqual(
      {
        accepted: true,
      },
    );
    // The log is written asynchronously: give it a moment.
    await expect
      .poll(() => readFileSync(logFile, 'utf8'), { timeout: 5_000 })
      .toContain('bounce report for a delivery that does not exist');
  });

  it('closes the listener with the API on SIGTERM and exits 0', async () => {
    api.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(deliverReport(smtpPort, 'x@y', 'x')).rejects.toThrow();
  });
});
