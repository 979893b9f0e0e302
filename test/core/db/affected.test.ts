import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as affected from '../../../core/db/affected';
import * as cases from '../../../core/db/cases';
import * as deliveries from '../../../core/db/deliveries';
import * as incidents from '../../../core/db/incidents';
import { upsertCustomers, upsertHoldings } from '../../../core/db/inventory';
import type { CustomerInput, HoldingInput } from '../../../core/db/inventory';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import { countPeople } from '../../../core/law';
import { newIncident } from '../../helpers/factories';

/**
 * Identification's one-notice-per-person rule on a real database: records of one incident sharing
 * their own email address (trimmed, case-insensitive) and name (trimmed, case-folded, white space
 * collapsed) are merged into the lowest customer id's notice, with the union of what was exposed
 * and of their jurisdictions; deceased customers are never merged; a retry changes nothing. (Records
 * sharing only an address are different people: see affected-people.test.ts.)
 */

const customers: CustomerInput[] = [
  // One person, three records: different case, spaces (in the address and the name), two states, two cards.
  { externalId: 'ann-1', fullName: 'Ann Lee', email: 'ann@example.com', country: 'US', region: 'US-TX' },
  { externalId: 'ann-2', fullName: 'Ann Lee', email: 'Ann@Example.com', country: 'US', region: 'US-CA' },
  { externalId: 'ann-3', fullName: ' ANN   lee', email: ' ANN@EXAMPLE.COM ', country: 'US', region: 'US-TX' },
  // Someone else, on their own.
  { externalId: 'bob', fullName: 'Bob Roe', email: 'bob@example.com', country: 'US', region: 'US-TX' },
  // Two deceased customers with one representative: two data subjects, two notices.
  {
    externalId: 'dec-1',
    fullName: 'Dan Old',
    email: 'dan@example.com',
    country: 'US',
    region: 'US-TX',
    status: 'deceased',
    representativeName: 'Rita Estate',
    representativeEmail: 'estate@example.com',
  },
  {
    externalId: 'dec-2',
    fullName: 'Dora Old',
    email: 'dora@example.com',
    country: 'US',
    region: 'US-TX',
    status: 'deceased',
    representativeName: 'Rita Estate',
    representativeEmail: 'estate@example.com',
  },
  // A deceased customer whose own address another record also uses: not merged, handled by hand.
  {
    externalId: 'dec-3',
    fullName: 'Bob Roe Sr',
    email: 'BOB@example.com',
    country: 'US',
    status: 'deceased',
  },
];

const holding = (
  customerExternalId: string,
  system: string,
  categories: HoldingInput['categories'],
  maskedIdentifiers?: Record<string, string>,
): HoldingInput => ({
  customerExternalId,
  system,
  categories,
  ...(maskedIdentifiers ? { maskedIdentifiers } : {}),
});

const holdings: HoldingInput[] = [
  holding('ann-1', 'crm', ['name', 'email']),
  holding('ann-2', 'billing', ['payment_card'], { payment_card: '4242' }),
  holding('ann-3', 'billing', ['payment_card', 'postal_address'], { payment_card: '1881' }),
  holding('bob', 'crm', ['name', 'email']),
  holding('dec-1', 'crm', ['name']),
  holding('dec-2', 'crm', ['name']),
  holding('dec-3', 'crm', ['email']),
];

interface Row {
  externalId: string;
  status: string;
  mergedInto: string | null;
  categories: string[];
  masked: Record<string, string | string[]>;
  jurisdiction: string;
  noticeJurisdictions: string[] | null;
  referenceCode: string;
}

describe('affected.identify: one notice per person', () => {
  let db: TestDatabase;
  let incidentId: string;
  const rows = async (): Promise<Map<string, Row>> => {
    const { rows: found } = await db.pool.query<Row>(
      `SELECT c.external_id AS "externalId", a.status, r.external_id AS "mergedInto", a.categories,
              a.masked_identifiers AS masked, a.jurisdiction, a.notice_jurisdictions AS "noticeJurisdictions",
              a.reference_code AS "referenceCode"
       FROM affected_customers a JOIN customers c ON c.id = a.customer_id
       LEFT JOIN customers r ON r.id = a.merged_into
       WHERE a.incident_id = $1`,
      [incidentId],
    );
    return new Map(found.map((r) => [r.externalId, r]));
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await upsertCustomers(db.pool, customers);
    await upsertHoldings(db.pool, holdings);
    ({
      incident: { id: incidentId },
    } = await newIncident(db.pool, {
      systems: ['crm', 'billing'],
      dataCategories: ['name', 'email', 'payment_card', 'postal_address'],
    }));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('merges the records sharing an address into the lowest id, with the union of what was exposed', async () => {
    expect(await affected.identify(db.pool, incidentId)).toBe(5); // Ann, Bob, three deceased
    const found = await rows();
    expect(found.size).toBe(customers.length);
    expect(found.get('ann-1')).toMatchObject({
      status: 'pending',
      mergedInto: null,
      categories: ['email', 'name', 'payment_card', 'postal_address'],
      masked: { payment_card: ['1881', '4242'] },
      jurisdiction: 'US-TX',
      noticeJurisdictions: ['US-CA', 'US-TX'],
    });
    // The merged records keep what they themselves exposed, and where they are.
    expect(found.get('ann-2')).toMatchObject({
      status: 'merged',
      mergedInto: 'ann-1',
      categories: ['payment_card'],
      jurisdiction: 'US-CA',
    });
    expect(found.get('ann-3')).toMatchObject({ status: 'merged', mergedInto: 'ann-1' });
    expect(found.get('bob')).toMatchObject({
      status: 'pending',
      mergedInto: null,
      categories: ['email', 'name'],
      noticeJurisdictions: null,
    });
    expect(found.get('dec-1')).toMatchObject({ status: 'pending', mergedInto: null });
    expect(found.get('dec-2')).toMatchObject({ status: 'pending', mergedInto: null });
    expect(found.get('dec-3')).toMatchObject({ status: 'manual', mergedInto: null });
    expect(await affected.countMerged(db.pool, incidentId)).toBe(2);
  });

  it('changes nothing when run again (a retried activity)', async () => {
    const before = await rows();
    expect(await affected.identify(db.pool, incidentId)).toBe(5);
    expect(await rows()).toEqual(before);
  });

  it('counts people per jurisdiction: a person in two states counts in both, once in each, with all their data', async () => {
    const groups = await affected.groupsByJurisdiction(db.pool, incidentId);
    const byJurisdiction = new Map(groups.map((g) => [g.jurisdiction, g]));
    // Ann (twice in Texas: once), Bob, Dan, Dora; plus Bob Sr (no region).
    expect(byJurisdiction.get('US-TX')).toMatchObject({ count: 4 });
    expect(byJurisdiction.get('US-TX')!.categories).toEqual([
      'email',
      'name',
      'payment_card',
      'postal_address',
    ]);
    // Ann's Californian record exposed a card; Ann, as California may count her, lost all four.
    expect(byJurisdiction.get('US-CA')).toMatchObject({
      count: 1,
      categories: ['email', 'name', 'payment_card', 'postal_address'],
    });
    expect(byJurisdiction.get('US')).toMatchObject({ count: 1 });
  });

  it('groups people as the statutes count them: per category set, a merged person marked with all their states', async () => {
    const groups = await affected.personGroups(db.pool, incidentId);
    const ann = ['US-CA', 'US-TX'];
    const annCategories = ['email', 'name', 'payment_card', 'postal_address'];
    expect(groups).toEqual([
      { jurisdiction: 'US', country: 'US', categories: ['email'], personJurisdictions: null, count: 1 },
      { jurisdiction: 'US-CA', country: 'US', categories: annCategories, personJurisdictions: ann, count: 1 },
      {
        jurisdiction: 'US-TX',
        country: 'US',
        categories: ['email', 'name'],
        personJurisdictions: null,
        count: 1,
      },
      { jurisdiction: 'US-TX', country: 'US', categories: annCategories, personJurisdictions: ann, count: 1 },
      { jurisdiction: 'US-TX', country: 'US', categories: ['name'], personJurisdictions: null, count: 2 },
    ]);
    // Ann counts in both states, once in a pooled total: Ann, Bob, Dan and Dora.
    expect(countPeople(groups.filter((g) => g.jurisdiction !== 'US'))).toBe(4);
  });

  it('keeps the counts adding up: merged records are in none of the delivery counts', async () => {
    const counts = await deliveries.countsForIncident(db.pool, incidentId);
    expect(counts).toEqual({ sent: 0, pending: 4, retrying: 0, undeliverable: 0, manual: 1, merged: 2 });
    const summary = (await incidents.counts(db.pool, [incidentId])).get(incidentId)!;
    expect(summary).toEqual({ affected: 5, notified: 0, failed: 0, pending: 4, manual: 1, merged: 2 });
    const recipients = await affected.pendingRecipients(db.pool, incidentId, {
      shard: 0,
      shards: 1,
      after: 0,
      limit: 100,
      onlyRetrying: false,
    });
    expect(recipients.map((r) => r.email).sort()).toEqual(
      ['ann@example.com', 'bob@example.com', 'dan@example.com', 'dora@example.com'].sort(),
    );
  });

  it("leads support from a merged record's reference or address to the recipient's case", async () => {
    const found = await rows();
    const ann = found.get('ann-1')!;
    for (const reference of [found.get('ann-2')!.referenceCode, found.get('ann-3')!.referenceCode]) {
      const byReference = await cases.findByReference(db.pool, reference);
      expect(byReference.map((c) => c.referenceCode)).toEqual([ann.referenceCode]);
      expect(byReference[0]!.mergedRecords.map((m) => m.externalId)).toEqual(['ann-2', 'ann-3']);
    }
    const byEmail = await cases.findByEmail(db.pool, 'ANN@example.com', 50);
    expect(byEmail.map((c) => c.referenceCode)).toEqual([ann.referenceCode]);
    // Bob's address also names the deceased Bob Sr's own record: two subjects, two cases.
    const bob = await cases.findByEmail(db.pool, 'bob@example.com', 50);
    expect(bob.map((c) => c.externalId).sort()).toEqual(['bob', 'dec-3']);
  });
});
