import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NativeConnection, State } from '@temporalio/worker';
import { createLogger } from '../../core/logger';
import { VERSION } from '../../core/version';
import { startHealthServer } from '../../worker/health-server';
import type { HealthServer } from '../../worker/health-server';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { devServerNativeConnection } from '../helpers/temporal';

/**
 * The worker's /livez and /readyz on real PostgreSQL and the dev server; the worker's state is
 * played by the test (the whole worker process answers them in test/e2e/no-personal-data-in-logs).
 */
describe('worker health server', () => {
  let db: TestDatabase;
  let connection: NativeConnection;
  let server: HealthServer;
  let state: State | null = null;
  let offline = false;
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 2 });
    connection = await devServerNativeConnection();
    server = await startHealthServer(
      { host: '127.0.0.1', port: 0, log: createLogger('silent', 'test') },
      { pool: db.pool, connection: () => (offline ? null : connection), workerState: () => state },
    );
  });
  afterAll(async () => {
    await server?.close();
    await connection?.close();
    await db?.drop();
  });

  it('is live at once, and ready only while the worker polls with PostgreSQL and Temporal answering', async () => {
    expect(await get('/livez')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get('/readyz')).toEqual({
      status: 503,
      body: {
        status: 'unavailable',
        polling: false,
        state: 'starting',
        database: 'ok',
        temporal: 'ok',
        version: VERSION,
      },
    });
    state = 'RUNNING';
    expect(await get('/readyz')).toMatchObject({ status: 200, body: { status: 'ok', polling: true } });
    state = 'DRAINING';
    expect(await get('/readyz')).toMatchObject({ status: 503, body: { polling: false, state: 'DRAINING' } });
    state = 'RUNNING';
    offline = true;
    expect(await get('/readyz')).toMatchObject({ status: 503, body: { temporal: 'unreachable' } });
    offline = false;
    expect((await get('/nothing')).status).toBe(404);
  });
});
