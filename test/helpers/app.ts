import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { buildApp } from '../../api/app';
import type { App } from '../../api/app';
import { loadConfig } from '../../core/config';
import { createLogger } from '../../core/logger';
import type { TestDatabase } from './db';
import { devServerAddress } from './temporal';

/**
 * The API alone, without a worker: for tests of who may call what (routes refuse before any
 * workflow is touched). Its client is on the shared Temporal dev server. `close()` when done.
 */
export async function startApiOnly(
  db: TestDatabase,
  env: Record<string, string> = {},
): Promise<{ app: App; close(): Promise<void> }> {
  const config = loadConfig({
    FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-api-')),
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: devServerAddress(),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const connection = await Connection.connect({ address: devServerAddress() });
  const app = await buildApp({
    config,
    pool: db.pool,
    temporal: new Client({ connection }),
    logger: createLogger('silent', 'test'),
  });
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await connection.close();
    },
  };
}
