import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import type { App } from '../../api/app';
import { loadConfig } from '../../core/config';
import { createPool } from '../../core/db/pool';
import { createLogger } from '../../core/logger';
import { VERSION } from '../../core/version';
import { freePort } from '../../scripts/lib/local-servers';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { devServerAddress } from '../helpers/temporal';

const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** An app on the given pool and Temporal address, logging into `lines`. */
async function appOn(
  db: TestDatabase,
  pool: TestDatabase['pool'],
  temporalAddress: string,
  lines: string[] = [],
): Promise<{ app: App; close(): Promise<void> }> {
  const config = loadConfig({
    FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-health-')),
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: temporalAddress,
  });
  // Lazy: a Temporal that is not there fails the readiness probe, not the app's start.
  const connection = Connection.lazy({ address: temporalAddress, connectTimeout: 1_000 });
  const logger = createLogger(
    'info',
    'api',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  const app = await buildApp({ config, pool, temporal: new Client({ connection }), logger });
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await connection.close();
    },
  };
}

describe('health routes', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 2 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('answers liveness, readiness and the version when PostgreSQL and Temporal answer', async () => {
    const { app, close } = await appOn(db, db.pool, devServerAddress());
    try {
      expect((await app.inject('/livez')).json()).toEqual({ status: 'ok' });
      for (const url of ['/readyz', '/healthz']) {
        const ready = await app.inject(url);
        expect(ready.statusCode, url).toBe(200);
        expect(ready.json()).toEqual({ status: 'ok', database: 'ok', temporal: 'ok', version: VERSION });
      }
      const version = await app.inject('/api/version');
      expect(version.statusCode).toBe(200);
      expect(version.json()).toEqual({ version: packageVersion });
      expect((await app.inject('/docs/json')).json().info.version).toBe(packageVersion);
    } finally {
      await close();
    }
  });

  it('is live but not ready when the database does not answer', async () => {
    const gone = createPool(`postgres://nobody@127.0.0.1:${await freePort()}/none`, 1);
    const { app, close } = await appOn(db, gone, devServerAddress());
    try {
      expect((await app.inject('/livez')).statusCode).toBe(200);
      const ready = await app.inject('/readyz');
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'unavailable', database: 'unreachable', temporal: 'ok' });
    } finally {
      await close();
      await gone.end();
    }
  });

  it('is live but not ready when Temporal does not answer', async () => {
    const { app, close } = await appOn(db, db.pool, `127.0.0.1:${await freePort()}`);
    try {
      expect((await app.inject('/livez')).statusCode).toBe(200);
      const ready = await app.inject('/readyz');
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'unavailable', database: 'ok', temporal: 'unreachable' });
    } finally {
      await close();
    }
  }, 30_000);
});

describe('request logs', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 2 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("carry the incident id and its workflow id on an incident's routes, and not elsewhere", async () => {
    const lines: string[] = [];
    const { app, close } = await appOn(db, db.pool, devServerAddress(), lines);
    const id = randomUUID();
    try {
      await app.inject(`/api/incidents/${id}/notices?x=1`);
      await app.inject('/api/incidents');
    } finally {
      await close();
    }
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const aboutIncident = entries.filter((e) => String((e.req as { url?: string })?.url).includes(id));
    expect(aboutIncident.length).toBeGreaterThan(0);
    // Both of its lines (incoming request, request completed) carry the ids.
    const reqIds = new Set(aboutIncident.map((e) => e.reqId));
    const ofThatRequest = entries.filter((e) => reqIds.has(e.reqId));
    expect(ofThatRequest.length).toBe(2);
    for (const e of ofThatRequest) {
      expect(e).toMatchObject({ incidentId: id, workflowId: `incident-${id}`, version: VERSION });
    }
    const others = entries.filter((e) => e.reqId !== undefined && !reqIds.has(e.reqId));
    expect(others.length).toBeGreaterThan(0);
    for (const e of others) expect(e.incidentId).toBeUndefined();
  });
});
