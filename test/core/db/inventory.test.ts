import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  copyCustomers,
  copyHoldings,
  countCustomers,
  listCategories,
  listSystems,
  upsertCustomers,
  upsertHoldings,
  type CustomerInput,
} from '../../../core/db/inventory';
import { parseCustomersCsv, parseHoldingsCsv } from '../../../core/db/inventory-csv';
import { InventoryImportError } from '../../../core/errors';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';

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

const ana: CustomerInput = {
  externalId: 'c-1',
  fullName: 'Ana Weber',
  email: 'ana@example.com',
  locale: 'de',
  country: 'DE',
};
const ben: CustomerInput = {
  externalId: 'c-2',
  fullName: 'Ben Ortiz',
  email: 'ben@example.org',
  country: 'US',
  region: 'US-CA',
  status: 'deceased',
  representativeName: 'Carla Ortiz',
  representativeEmail: 'carla@example.org',
};

/** A stream delivering the text in small pieces, so a header split across chunks is exercised. */
const csvStream = (text: string) => Readable.from(text.match(/[\s\S]{1,7}/g) ?? [], { objectMode: false });

async function holdingsOf(externalId: string) {
  const { rows } = await db.pool.query(
    `SELECT h.system, h.categories, h.held_from, h.held_to, h.masked_identifiers
     FROM holdings h JOIN customers c ON c.id = h.customer_id WHERE c.external_id = $1 ORDER BY h.system, h.held_from`,
    [externalId],
  );
  return rows;
}

describe('upsertCustomers', () => {
  it('inserts, then updates only what changed, keyed by external id', async () => {
    expect(await upsertCustomers(db.pool, [ana, ben])).toEqual({
      received: 2,
      inserted: 2,
      updated: 0,
      unchanged: 0,
    });
    expect(await upsertCustomers(db.pool, [ana, { ...ben, email: 'ben2@example.org' }])).toEqual({
      received: 2,
      inserted: 0,
      updated: 1,
      unchanged: 1,
    });
    const { rows } = await db.pool.query(
      'SELECT external_id, email, locale, region, status, representative_email FROM customers ORDER BY external_id',
    );
    expect(rows).toEqual([
      {
        external_id: 'c-1',
        email: 'ana@example.com',
        locale: 'de',
        region: null,
        status: 'active',
        representative_email: null,
      },
      {
        external_id: 'c-2',
        email: 'ben2@example.org',
        locale: 'en',
        region: 'US-CA',
        status: 'deceased',
        representative_email: 'carla@example.org',
      },
    ]);
    expect(await countCustomers(db.pool)).toBe(2);
  });

  it('keeps the last of repeated external ids in one request', async () => {
    const result = await upsertCustomers(db.pool, [ana, { ...ana, fullName: 'Ana W.' }]);
    expect(result).toMatchObject({ received: 1, inserted: 1 });
    const { rows } = await db.pool.query('SELECT full_name FROM customers');
    expect(rows).toEqual([{ full_name: 'Ana W.' }]);
  });
});

describe('upsertHoldings', () => {
  beforeEach(async () => {
    await upsertCustomers(db.pool, [ana, ben]);
  });

  it('stores holdings with canonical categories, periods and masked identifiers', async () => {
    const result = await upsertHoldings(db.pool, [
      {
        customerExternalId: 'c-1',
        system: 'billing',
        categories: ['payment_card', 'name', 'name'],
        from: '2020-01-01T00:00:00Z',
        maskedIdentifiers: { payment_card: '4242' },
      },
      { customerExternalId: 'c-1', system: 'crm', categories: ['email'] },
    ]);
    expect(result).toEqual({
      received: 2,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      unknownCustomerExternalIds: [],
    });
    const rows = await holdingsOf('c-1');
    expect(rows[0]).toMatchObject({
      system: 'billing',
      categories: ['payment_card', 'name'],
      held_to: null,
      masked_identifiers: { payment_card: '4242' },
    });
    expect((rows[0].held_from as Date).toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(rows[1]).toMatchObject({ system: 'crm', categories: ['email'], held_from: -Infinity });
  });

  it('is idempotent and updates a holding in place', async () => {
    const holding = {
      customerExternalId: 'c-2',
      system: 'crm',
      categories: ['email' as const],
      from: '2021-05-01T00:00:00+02:00',
    };
    await upsertHoldings(db.pool, [holding]);
    expect(await upsertHoldings(db.pool, [holding])).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    expect(await upsertHoldings(db.pool, [{ ...holding, to: '2024-01-01T00:00:00Z' }])).toMatchObject({
      updated: 1,
    });
    expect(await holdingsOf('c-2')).toHaveLength(1);
  });

  it('writes nothing and names the unknown customers when any is unknown', async () => {
    const result = await upsertHoldings(db.pool, [
      { customerExternalId: 'c-1', system: 'crm', categories: ['email'] },
      { customerExternalId: 'nobody', system: 'crm', categories: ['email'] },
      { customerExternalId: 'ghost', system: 'crm', categories: ['email'] },
    ]);
    expect(result.unknownCustomerExternalIds).toEqual(['ghost', 'nobody']);
    expect(result.inserted).toBe(0);
    expect(await holdingsOf('c-1')).toEqual([]);
  });
});

describe('copyCustomers', () => {
  it('imports a CSV file in any column order and re-imports idempotently', async () => {
    const csv =
      '\uFEFFexternalId,email,fullName,country,region,locale,status,representativeName,representativeEmail\r\n' +
      'k-1,kim@example.net,"Lee, Kim",US,US-NY,en,active,,\r\n' +
      'k-2,jo@example.net,Jo Dupont,FR,,fr,deceased,Marie Dupont,marie@example.net\r\n' +
      'k-1,kim2@example.net,"Lee, Kim",US,US-NY,en,active,,\r\n';
    expect(await copyCustomers(db.pool, csvStream(csv))).toEqual({
      received: 2,
      inserted: 2,
      updated: 0,
      unchanged: 0,
    });
    expect(await copyCustomers(db.pool, csvStream(csv))).toEqual({
      received: 2,
      inserted: 0,
      updated: 0,
      unchanged: 2,
    });
    const { rows } = await db.pool.query(
      'SELECT external_id, full_name, email, region, representative_name FROM customers ORDER BY 1',
    );
    expect(rows).toEqual([
      {
        external_id: 'k-1',
        full_name: 'Lee, Kim',
        email: 'kim2@example.net',
        region: 'US-NY',
        representative_name: null,
      },
      {
        external_id: 'k-2',
        full_name: 'Jo Dupont',
        email: 'jo@example.net',
        region: null,
        representative_name: 'Marie Dupont',
      },
    ]);
  });

  it('refuses the whole file, naming rows and fields, when a row is bad', async () => {
    const csv =
      'externalId,fullName,email,country,region\nok,Ok,ok@example.com,DE,\nbad,Bad,not-an-email,de,US-CA\n';
    const error = await copyCustomers(db.pool, csvStream(csv)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InventoryImportError);
    const problems = (error as InventoryImportError).problems;
    expect(problems).toEqual([
      { row: 2, field: 'email', message: 'must be an email address' },
      { row: 2, field: 'country', message: expect.stringContaining('ISO 3166-1') },
      { row: 2, field: 'region', message: expect.stringContaining('ISO 3166-2') },
    ]);
    expect((error as InventoryImportError).field).toBe('[1].email');
    expect(await countCustomers(db.pool)).toBe(0);
  });

  it('refuses unknown or missing columns before reading rows', async () => {
    await expect(
      copyCustomers(db.pool, csvStream('externalId,fullName,email,country,shoeSize\n')),
    ).rejects.toThrow(/Unknown CSV column\(s\): shoeSize/);
    await expect(copyCustomers(db.pool, csvStream('externalId,fullName\n'))).rejects.toThrow(
      /Missing CSV column\(s\): email, country/,
    );
  });
});

describe('copyHoldings', () => {
  beforeEach(async () => {
    await upsertCustomers(db.pool, [ana, ben]);
  });

  it('imports ;-separated categories in canonical order, with masked identifiers', async () => {
    const csv =
      'customerExternalId,system,categories,from,to,maskedIdentifiers\n' +
      'c-1,billing,payment_card; name;name,2019-03-01T00:00:00Z,2022-03-01T00:00:00Z,"{""payment_card"":""4242""}"\n' +
      'c-2,crm,email;phone,,,\n';
    expect(await copyHoldings(db.pool, csvStream(csv))).toEqual({
      received: 2,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      unknownCustomerExternalIds: [],
    });
    expect(await copyHoldings(db.pool, csvStream(csv))).toMatchObject({ unchanged: 2 });
    expect(await holdingsOf('c-1')).toEqual([
      {
        system: 'billing',
        categories: ['payment_card', 'name'],
        held_from: new Date('2019-03-01T00:00:00Z'),
        held_to: new Date('2022-03-01T00:00:00Z'),
        masked_identifiers: { payment_card: '4242' },
      },
    ]);
    expect(await holdingsOf('c-2')).toMatchObject([
      { system: 'crm', categories: ['email', 'phone'], held_from: -Infinity, masked_identifiers: {} },
    ]);
  });

  it('writes nothing when a customer is unknown', async () => {
    const csv = 'customerExternalId,system,categories\nc-1,crm,email\nzz-9,crm,email\n';
    expect(await copyHoldings(db.pool, csvStream(csv))).toMatchObject({
      unknownCustomerExternalIds: ['zz-9'],
      inserted: 0,
    });
    expect(await holdingsOf('c-1')).toEqual([]);
  });

  it('refuses unknown categories, bad instants and periods that end before they start', async () => {
    const csv =
      'customerExternalId,system,categories,from,to,maskedIdentifiers\n' +
      'c-1,crm,email;shoe_size,,,\n' +
      'c-1,hr,name,yesterday-ish,,\n' +
      'c-1,ads,name,2022-01-01T00:00:00Z,2021-01-01T00:00:00Z,[1]\n';
    const error = (await copyHoldings(db.pool, csvStream(csv)).catch(
      (e: unknown) => e,
    )) as InventoryImportError;
    expect(error).toBeInstanceOf(InventoryImportError);
    expect(error.problems.map((p) => [p.row, p.field])).toEqual([
      [1, 'categories'],
      [2, 'from'],
      [3, 'to'],
      [3, 'maskedIdentifiers'],
    ]);
  });
});

describe('listSystems and listCategories', () => {
  it('list what the inventory holds', async () => {
    await upsertCustomers(db.pool, [ana, ben]);
    await upsertHoldings(db.pool, [
      { customerExternalId: 'c-1', system: 'support-desk', categories: ['phone', 'email'] },
      { customerExternalId: 'c-2', system: 'billing', categories: ['payment_card'] },
      { customerExternalId: 'c-2', system: 'crm', categories: ['email'] },
    ]);
    expect(await listSystems(db.pool)).toEqual(['billing', 'crm', 'support-desk']);
    expect(await listCategories(db.pool)).toEqual(['payment_card', 'email', 'phone']);
  });

  it('are empty for an empty inventory', async () => {
    expect(await listSystems(db.pool)).toEqual([]);
    expect(await listCategories(db.pool)).toEqual([]);
  });
});

describe('parseCustomersCsv and parseHoldingsCsv', () => {
  it('give the JSON body shape', () => {
    expect(
      parseCustomersCsv('externalId,fullName,email,country,region\nc-9,"Ng, Al",al@example.com,SG,\n'),
    ).toEqual([{ externalId: 'c-9', fullName: 'Ng, Al', email: 'al@example.com', country: 'SG' }]);
    expect(
      parseHoldingsCsv(
        'customerExternalId,system,categories,maskedIdentifiers\nc-9,crm,email; phone,"{""payment_card"":""1111""}"\n',
      ),
    ).toEqual([
      {
        customerExternalId: 'c-9',
        system: 'crm',
        categories: ['email', 'phone'],
        maskedIdentifiers: { payment_card: '1111' },
      },
    ]);
  });

  it('refuse unknown columns', () => {
    expect(() => parseCustomersCsv('externalId,nickname\n')).toThrow(InventoryImportError);
  });
});
