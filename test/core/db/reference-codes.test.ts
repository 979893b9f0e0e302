import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { identifyAffected, importEmailHolders, newIncident } from '../../helpers/factories';

// A reference code is what a customer quotes to support; it used to be the row's sequence number,
// so one code named its neighbours' (issue 13 #9). Migration 011 permutes it under a secret.

describe('reference codes (migration 011)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('are a permutation of the sequence: unique, in the usual shape, consecutive numbers far apart', async () => {
    const { rows } = await db.pool.query<{ code: string }>(
      `SELECT reference_code(n) AS code FROM generate_series(1, 20000) AS n ORDER BY n`,
    );
    const codes = rows.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^FR-\d{4}-\d{4}$/);
    const numbers = codes.map((c) => Number(c.slice(3).replace('-', '')));
    const close = numbers.slice(1).filter((n, i) => Math.abs(n - numbers[i]!) < 1000);
    // Unrelated 8-digit numbers are within 1,000 of each other 2 times in 100,000.
    expect(close.length).toBeLessThan(5);
  });

  it('are what identification gives the people of an incident, none following the one before', async () => {
    const customers = Array.from({ length: 50 }, (_, i) => ({ externalId: `REF-${i}` }));
    await importEmailHolders(db.pool, customers);
    const { incident } = await newIncident(db.pool);
    expect(await identifyAffected(db.pool, incident.id)).toBe(50);
    const { rows } = await db.pool.query<{ code: string }>(
      `SELECT reference_code AS code FROM affected_customers WHERE incident_id = $1 ORDER BY customer_id`,
      [incident.id],
    );
    const numbers = rows.map((r) => Number(r.code.slice(3).replace('-', '')));
    expect(new Set(numbers).size).toBe(50);
    expect(numbers.slice(1).filter((n, i) => Math.abs(n - numbers[i]!) <= 1)).toEqual([]);
  });
});
