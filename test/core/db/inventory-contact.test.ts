import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { copyCustomers, upsertCustomers, type CustomerInput } from '../../../core/db/inventory';
import { parseCustomersCsv } from '../../../core/db/inventory-csv';
import { InventoryImportError } from '../../../core/errors';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';

/**
 * Contact and consent in the inventory (issue 14 item 1): a postal address, a phone number, the
 * company's person key and the agreement to electronic notices, by JSON and CSV alike, stored as the
 * same values; email optional; files and requests from before these fields keep working and never
 * wipe them (a field left out keeps what is stored; null or an empty cell clears it).
 */

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE customers, holdings RESTART IDENTITY CASCADE');
});

const address = {
  lines: ['221B Baker Street', 'Flat 2'],
  locality: 'London',
  postalCode: 'NW1 6XE',
  country: 'GB',
};
const mia: CustomerInput = {
  externalId: 'm-1',
  fullName: 'Mia Jones',
  email: 'mia@example.com',
  country: 'GB',
  personKey: 'P-1001',
  phone: '+44 20 7946 0000',
  postalAddress: address,
  electronicConsent: { at: '2024-05-01T10:00:00Z', method: 'account settings' },
};
const noEmail: CustomerInput = {
  externalId: 'n-1',
  fullName: 'Ned Post',
  country: 'US',
  region: 'US-NY',
  postalAddress: {
    lines: ['1 Main St'],
    locality: 'Albany',
    region: 'NY',
    postalCode: '12207',
    country: 'US',
  },
};

const CONTACT_HEADER =
  'externalId,fullName,email,country,region,personKey,phone,addressLine1,addressLine2,addressLocality,' +
  'addressRegion,addressPostalCode,addressCountry,electronicConsentAt,electronicConsentMethod\n';
const csvStream = (text: string) => Readable.from([text]);

async function contactOf(externalId: string) {
  const { rows } = await db.pool.query(
    `SELECT email, person_key, phone, postal_address, electronic_consent_at, electronic_consent_method
     FROM customers WHERE external_id = $1`,
    [externalId],
  );
  return rows[0];
}

describe('contact and consent, by JSON', () => {
  it('stores the address, phone, key and consent, and a customer without email', async () => {
    expect(await upsertCustomers(db.pool, [mia, noEmail])).toMatchObject({ inserted: 2 });
    expect(await contactOf('m-1')).toEqual({
      email: 'mia@example.com',
      person_key: 'P-1001',
      phone: '+44 20 7946 0000',
      postal_address: address,
      electronic_consent_at: new Date('2024-05-01T10:00:00Z'),
      electronic_consent_method: 'account settings',
    });
    expect(await contactOf('n-1')).toMatchObject({ email: null, electronic_consent_at: null });
  });

  it('keeps what a request leaves out, and clears what it sets to null', async () => {
    await upsertCustomers(db.pool, [mia]);
    const { personKey: _k, phone: _p, postalAddress: _a, electronicConsent: _c, ...old } = mia;
    // A request written before these fields existed: nothing changes.
    expect(await upsertCustomers(db.pool, [old])).toMatchObject({ unchanged: 1 });
    expect(await contactOf('m-1')).toMatchObject({ postal_address: address, person_key: 'P-1001' });
    expect(
      await upsertCustomers(db.pool, [{ ...old, postalAddress: null, electronicConsent: null }]),
    ).toMatchObject({ updated: 1 });
    expect(await contactOf('m-1')).toMatchObject({
      postal_address: null,
      electronic_consent_at: null,
      electronic_consent_method: null,
      phone: '+44 20 7946 0000',
    });
  });

  it('is refused by the database when consent is half given or an address has no country', async () => {
    await expect(
      db.pool.query(
        `INSERT INTO customers (external_id, full_name, country, electronic_consent_at) VALUES ('x', 'X', 'US', now())`,
      ),
    ).rejects.toThrow(/customers_electronic_consent_check/);
    await expect(
      db.pool.query(
        `INSERT INTO customers (external_id, full_name, country, postal_address)
         VALUES ('x', 'X', 'US', '{"lines": ["1 Main St"], "locality": "Albany"}')`,
      ),
    ).rejects.toThrow(/customers_postal_address_check/);
  });
});

describe('contact and consent, by CSV', () => {
  const rows =
    'm-1,Mia Jones,mia@example.com,GB,,P-1001,+44 20 7946 0000,221B Baker Street,Flat 2,London,,NW1 6XE,GB,' +
    '2024-05-01T10:00:00Z,account settings\n' +
    'n-1,Ned Post,,US,US-NY,,,1 Main St,,Albany,NY,12207,US,,\n';

  it('imports the flat columns as the JSON import stores them: the same file again, or the JSON, changes nothing', async () => {
    expect(await copyCustomers(db.pool, csvStream(CONTACT_HEADER + rows))).toMatchObject({ inserted: 2 });
    expect(await contactOf('m-1')).toMatchObject({ postal_address: address, person_key: 'P-1001' });
    expect(await contactOf('n-1')).toMatchObject({ email: null, postal_address: noEmail.postalAddress });
    expect(await copyCustomers(db.pool, csvStream(CONTACT_HEADER + rows))).toMatchObject({ unchanged: 2 });
    expect(await upsertCustomers(db.pool, [mia, noEmail])).toMatchObject({ unchanged: 2 });
  });

  it('reads a file from before these columns as before, keeping the contact facts stored', async () => {
    await upsertCustomers(db.pool, [mia]);
    const old = 'externalId,fullName,email,country\nm-1,Mia Jones,mia@new.example.com,GB\n';
    expect(await copyCustomers(db.pool, csvStream(old))).toMatchObject({ updated: 1 });
    expect(await contactOf('m-1')).toMatchObject({
      email: 'mia@new.example.com',
      postal_address: address,
      electronic_consent_method: 'account settings',
    });
  });

  it('refuses the file, naming rows and fields, for an incomplete address, half a consent or a bad phone', async () => {
    const bad =
      'b-1,Bo,,US,,,,1 Main St,,,,,US,,\n' +
      'b-2,Cy,cy@example.com,US,,,,,,,,,,2024-01-01T00:00:00Z,\n' +
      'b-3,Di,di@example.com,US,,,call me,,,,,,,,\n';
    const error = await copyCustomers(db.pool, csvStream(CONTACT_HEADER + bad)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InventoryImportError);
    expect((error as InventoryImportError).problems).toEqual([
      { row: 1, field: 'addressLocality', message: 'is required with an address' },
      { row: 2, field: 'electronicConsentAt', message: expect.stringContaining('both or neither') },
      { row: 3, field: 'phone', message: expect.stringContaining('phone number') },
    ]);
  });

  it('reads a quoted empty cell as an empty one (exports that quote every field)', async () => {
    const quoted = '"n-1","Ned Post","","US","US-NY","","","1 Main St","","Albany","NY","12207","US","",""\n';
    expect(await copyCustomers(db.pool, csvStream(CONTACT_HEADER + quoted))).toMatchObject({ inserted: 1 });
    expect(await contactOf('n-1')).toMatchObject({
      email: null,
      postal_address: noEmail.postalAddress,
      electronic_consent_at: null,
      electronic_consent_method: null,
    });
  });

  it('folds the flat columns into the JSON shape for the API', () => {
    // Ned's empty contact cells are under columns the file has: they clear what is stored.
    expect(parseCustomersCsv(CONTACT_HEADER + rows)).toEqual([
      mia,
      { ...noEmail, personKey: null, phone: null, electronicConsent: null },
    ]);
  });

  it('clears a consent withdrawn in the source system when its cells come empty, through the API as by COPY', () => {
    const header = 'externalId,fullName,email,country,electronicConsentAt,electronicConsentMethod\n';
    const [withdrawn] = parseCustomersCsv(header + 'w-1,Wes Withdrawn,wes@example.com,US,,\n');
    expect(withdrawn).toMatchObject({ electronicConsent: null });
    // A file without the consent columns says nothing about consent: what is stored stays.
    const [silent] = parseCustomersCsv(
      'externalId,fullName,email,country\nw-1,Wes Withdrawn,wes@example.com,US\n',
    );
    expect(silent).not.toHaveProperty('electronicConsent');
  });
});
