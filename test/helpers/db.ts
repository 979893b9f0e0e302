import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import * as incidents from '../../core/db/incidents';
import type { NewIncident } from '../../core/db/incidents';
import { createPool, type Pool } from '../../core/db/pool';
import * as users from '../../core/db/users';
import type { User } from '../../core/db/users';
import { incidentWorkflowId } from '../../core/domain/ids';

export interface TestDatabase {
  /** postgres:// URL of this database, for code under test that makes its own pool (a worker, the API). */
  url: string;
  /** A pool on it, for the test itself. */
  pool: Pool;
  /** Closes the pool and drops the database, disconnecting anyone still connected. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** @default 10 */
  poolSize?: number;
}

/**
 * A fresh, migrated database of its own: a copy of the template made by test/setup/global.ts, so it
 * costs a fraction of a second and no migration run. Drop it in `afterAll`.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const adminUrl = inject('databaseAdminUrl');
  const name = `test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE forthright_template`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), options.poolSize ?? 10);
  let dropped = false;
  return {
    url: url.toString(),
    pool,
    async drop() {
      if (dropped) return;
      dropped = true;
      await pool.end();
      await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * An incident written straight into the database (no workflow), opened by a test officer, for tests
 * of core/db: `facts` override the defaults (on crm, exposing email, no window).
 */
export async function insertIncident(
  pool: Pool,
  facts: Partial<Omit<NewIncident, 'id' | 'openedBy' | 'workflowId'>> = {},
): Promise<{ incidentId: string; officer: User }> {
  const officer = await users.upsertWithToken(
    pool,
    { email: 'officer@staff.example.com', displayName: 'Officer', role: 'officer' },
    randomBytes(16).toString('hex'),
  );
  const id = randomUUID();
  await incidents.insert(pool, {
    title: 'Test incident',
    description: 'A test incident.',
    discoveredAt: new Date(),
    occurredFrom: null,
    occurredTo: null,
    systems: ['crm'],
    dataCategories: ['email'],
    encrypted: false,
    keyCompromised: false,
    customerExternalIds: null,
    idempotencyKey: null,
    ...facts,
    id,
    openedBy: officer.id,
    workflowId: incidentWorkflowId(id),
  });
  return { incidentId: id, officer };
}
