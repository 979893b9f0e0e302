import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { newUser } from '../helpers/factories';
import { bearer } from '../helpers/system';

/**
 * The inventory API with contact and consent (issue 14 item 1): the JSON body's nested
 * `postalAddress` and `electronicConsent`, the CSV body's flat columns, a customer without email;
 * unknown or malformed fields answered 400 naming the field. And the incident's explicit list of
 * customers (item 8): absent means nobody named; an empty list is refused, naming the field.
 */
describe('POST /api/inventory/customers with contact and consent', () => {
  let db: TestDatabase;
  let api: { app: App; close(): Promise<void> };
  let token: string;

  const post = (url: string, payload: unknown, contentType = 'application/json') =>
    api.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(token), 'content-type': contentType },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const stored = async (externalId: string) =>
    (
      await db.pool.query(
        `SELECT email, person_key, phone, postal_address, electronic_consent_method FROM customers WHERE external_id = $1`,
        [externalId],
      )
    ).rows[0];

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApiOnly(db);
    ({ token } = await newUser(db.pool, { role: 'officer' }));
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  const customer = {
    externalId: 'A-1',
    fullName: 'Ada Post',
    country: 'US',
    region: 'US-NY',
    personKey: 'P-1',
    phone: '+1 518 555 0100',
    postalAddress: {
      lines: ['1 Main St'],
      locality: 'Albany',
      region: 'NY',
      postalCode: '12207',
      country: 'US',
    },
    electronicConsent: { at: '2025-01-02T03:04:05Z', method: 'sign-up form' },
  };

  it('takes the contact fields, with or without an email address', async () => {
    const response = await post('/api/inventory/customers', [
      customer,
      { externalId: 'B-1', fullName: 'Ben Old', email: 'ben@example.com', country: 'US' },
    ]);
    expect(response.statusCode, response.body).toBe(200);
    expect(await stored('A-1')).toEqual({
      email: null,
      person_key: 'P-1',
      phone: '+1 518 555 0100',
      postal_address: customer.postalAddress,
      electronic_consent_method: 'sign-up form',
    });
    // A body as written before these fields: as before.
    expect(await stored('B-1')).toMatchObject({ email: 'ben@example.com', postal_address: null });
  });

  it('takes them from a CSV body, in flat columns', async () => {
    const csv =
      'externalId,fullName,email,country,addressLine1,addressLocality,addressCountry,electronicConsentAt,electronicConsentMethod\n' +
      'C-1,Cy Flat,,DE,Hauptstr. 1,Berlin,DE,2025-01-02T03:04:05Z,paper form\n';
    const response = await post('/api/inventory/customers', csv, 'text/csv');
    expect(response.statusCode, response.body).toBe(200);
    expect(await stored('C-1')).toMatchObject({
      email: null,
      postal_address: { lines: ['Hauptstr. 1'], locality: 'Berlin', country: 'DE' },
      electronic_consent_method: 'paper form',
    });
  });

  it.each([
    // An unknown key is named in the message, at the object that has it.
    ['0.postalAddress', { ...customer, postalAddress: { ...customer.postalAddress, street: 'x' } }],
    ['0.postalAddress.locality', { ...customer, postalAddress: { lines: ['1 Main St'], country: 'US' } }],
    ['0.postalAddress.lines', { ...customer, postalAddress: { ...customer.postalAddress, lines: [] } }],
    [
      '0.postalAddress.country',
      { ...customer, postalAddress: { ...customer.postalAddress, country: 'usa' } },
    ],
    ['0.electronicConsent.method', { ...customer, electronicConsent: { at: '2025-01-02T03:04:05Z' } }],
    ['0.phone', { ...customer, phone: 'call me' }],
    ['0.email', { ...customer, email: 'not-an-address' }],
  ])('answers 400 naming %s', async (field, body) => {
    const response = await post('/api/inventory/customers', [body]);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().field).toBe(field);
    if (field === '0.postalAddress') expect(response.json().message).toContain('street');
  });

  it('refuses an empty list of named customers on an incident, naming the field', async () => {
    const response = await post('/api/incidents', {
      title: 'Lost laptop',
      description: 'A laptop with a CRM export was lost.',
      discoveredAt: '2026-01-01T00:00:00Z',
      systems: ['crm'],
      dataCategories: ['email'],
      customerExternalIds: [],
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().field).toBe('customerExternalIds');
  });
});
