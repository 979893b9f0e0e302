import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoInventory } from '../../scripts/seed';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

/**
 * The demo inventory (scripts/seed.ts) carries contact facts (issue 14): nearly everyone a postal
 * address in their own country, many a phone and an agreement to electronic notices, everyone still
 * an email address (the benchmarks count notices by it); through the real COPY import, idempotently.
 */
describe('seedDemoInventory', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('gives the demo customers postal addresses, phones and consent, and changes nothing when run again', async () => {
    expect(await seedDemoInventory(db.pool, { customers: 1000, seed: 1 })).toMatchObject({ customers: 1000 });
    const { rows } = await db.pool.query<{
      total: number;
      email: number;
      address: number;
      home: number;
      phone: number;
      consent: number;
    }>(
      `SELECT count(*)::int AS total, count(email)::int AS email, count(postal_address)::int AS address,
              count(*) FILTER (WHERE postal_address ->> 'country' = country)::int AS home,
              count(phone)::int AS phone, count(electronic_consent_at)::int AS consent
       FROM customers`,
    );
    const c = rows[0]!;
    expect(c.email).toBe(1000);
    expect(c.address).toBeGreaterThan(900);
    expect(c.home).toBe(c.address);
    expect(c.phone).toBeGreaterThan(500);
    expect(c.phone).toBeLessThan(700);
    expect(c.consent).toBeGreaterThan(620);
    expect(c.consent).toBeLessThan(780);
    expect(await seedDemoInventory(db.pool, { customers: 1000, seed: 1 })).toMatchObject({ customers: 1000 });
    const { rows: again } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM customers WHERE updated_at > created_at`,
    );
    expect(again[0]!.n).toBe(0);
  });
});
