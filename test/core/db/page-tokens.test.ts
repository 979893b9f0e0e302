import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';

// Migration 013 stops storing customer page tokens (issue 13 #9). It runs here on a copy of the two
// tables as they were before it, in a schema of its own: what it does to records already there.
const MIGRATION = readFileSync(
  fileURLToPath(new URL('../../../core/db/migrations/013_page-tokens-hashed.sql', import.meta.url)),
  'utf8',
);
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('page tokens (migration 013)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 1 });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('hashes the raw tokens already emailed in place, gives the others a random value, and drops the raw column', async () => {
    const token = (n: number) => String(n).repeat(64);
    const client = await db.pool.connect();
    try {
      await client.query(`CREATE SCHEMA pre013; SET search_path = pre013, public`);
      await client.query(`
        CREATE TABLE affected_customers (incident_id text, customer_id bigint, page_token text NOT NULL UNIQUE);
        CREATE TABLE deliveries (incident_id text, customer_id bigint, status text, sent_at timestamptz);
        INSERT INTO affected_customers VALUES ('i', 1, '${token(1)}'), ('i', 2, '${token(2)}'),
          ('i', 3, '${token(3)}'), ('i', 4, '${token(4)}');
        INSERT INTO deliveries VALUES ('i', 1, 'sent', '2026-01-10T00:00:00Z'), ('i', 2, 'sending', NULL),
          ('i', 3, 'retrying', NULL);`);
      await client.query(MIGRATION);
      const { rows } = await client.query(
        `SELECT customer_id::int AS id, page_seed AS seed, page_token_hash AS hash, page_expires_at AS expires,
                to_jsonb(a)::text AS record
         FROM affected_customers a ORDER BY customer_id`,
      );
      const [sent, sending, retrying, unsent] = rows;
      // Emailed: the link keeps working through the lookup by hash, and expires 400 days after sending.
      expect(sent).toMatchObject({ seed: null, hash: sha256(token(1)) });
      expect(sent.expires).toEqual(new Date('2027-02-14T00:00:00Z'));
      expect(sending).toMatchObject({ seed: null, hash: sha256(token(2)) });
      // Never emailed: a random value; the hash comes when the notice goes out.
      for (const r of [retrying, unsent]) {
        expect(r).toMatchObject({ hash: null, expires: null });
        expect(r.seed).toMatch(/^[0-9a-f]{64}$/);
      }
      for (const [i, r] of rows.entries()) expect(r.record).not.toContain(token(i + 1));
      const columns = await client.query(
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema = 'pre013' AND table_name = 'affected_customers'`,
      );
      expect(columns.rows.map((c) => c.column_name)).not.toContain('page_token');
    } finally {
      client.release();
    }
  });
});
