import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as affected from '../../../core/db/affected';
import { recipientAddress } from '../../../core/delivery';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import {
  TEST_CONSENT,
  customerWith,
  identifyAffected,
  importInventory,
  newIncident,
  postalAddressFor,
} from '../../helpers/factories';

/**
 * Identification (issue 14 items 1, 7, 8) on a real database: one notice per PERSON, not per
 * mailbox (people sharing a family address are different people; the company's person key, when it
 * has one, decides); an incident naming both systems and customers affects the union, each person
 * recorded with how they were found; and the contact facts are frozen on the affected record.
 */

interface Row {
  externalId: string;
  status: string;
  mergedInto: string | null;
  categories: string[];
  masked: Record<string, string | string[]>;
  foundBy: string;
}

describe('affected.identify: people, lists and contact', () => {
  let db: TestDatabase;
  const rows = async (incidentId: string): Promise<Map<string, Row>> => {
    const { rows: found } = await db.pool.query<Row>(
      `SELECT c.external_id AS "externalId", a.status, r.external_id AS "mergedInto", a.categories,
              a.masked_identifiers AS masked, a.found_by AS "foundBy"
       FROM affected_customers a JOIN customers c ON c.id = a.customer_id
       LEFT JOIN customers r ON r.id = a.merged_into
       WHERE a.incident_id = $1`,
      [incidentId],
    );
    return new Map(found.map((r) => [r.externalId, r]));
  };
  const card = (customerExternalId: string, lastDigits: string, system = 'billing') => ({
    customerExternalId,
    system,
    categories: ['payment_card' as const],
    maskedIdentifiers: { payment_card: lastDigits },
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    await importInventory(db.pool, {
      customers: [
        // A family sharing one mailbox: two people, two cards.
        { externalId: 'ANA', fullName: 'Ana Ruiz', email: 'family@example.com' },
        { externalId: 'LUIS', fullName: 'Luis Ruiz', email: 'Family@Example.com ' },
        // One person with two records the company keys as one: different addresses, different spelling.
        { externalId: 'KIM-1', fullName: 'Kim Park', email: 'kim@example.com', personKey: 'P-77' },
        { externalId: 'KIM-2', fullName: 'K. Park', email: 'kim.park@work.example', personKey: 'P-77' },
        // Twins the company keys apart, though they share address and (as recorded) name.
        { externalId: 'TWIN-A', fullName: 'Sam Lee', email: 'lees@example.com', personKey: 'P-1' },
        { externalId: 'TWIN-B', fullName: 'Sam Lee', email: 'lees@example.com', personKey: 'P-2' },
        // A keyed record and a keyless one with the same address and name: not merged (see identify).
        { externalId: 'JO-KEYED', fullName: 'Jo Bell', email: 'jo@example.com', personKey: 'P-9' },
        { externalId: 'JO-LOOSE', fullName: 'Jo Bell', email: 'jo@example.com' },
        // Contact facts, frozen at identification.
        customerWith('address_only', { externalId: 'POST', fullName: 'Pat Post', region: 'US-NY' }),
        customerWith('email_with_consent', { externalId: 'CONSENT', phone: '+1 415 555 0100' }),
        customerWith('none', { externalId: 'NOBODY' }),
      ],
      holdings: [
        card('ANA', '1111'),
        card('LUIS', '2222'),
        card('KIM-1', '3333'),
        card('KIM-2', '4444'),
        card('TWIN-A', '5555'),
        card('TWIN-B', '6666'),
        card('JO-KEYED', '7777'),
        card('JO-LOOSE', '8888'),
        card('POST', '9999'),
        card('CONSENT', '1010'),
        card('NOBODY', '2020'),
      ],
    });
  });
  afterAll(async () => {
    await db?.drop();
  });

  describe('one notice per person', () => {
    let incidentId: string;
    beforeAll(async () => {
      ({
        incident: { id: incidentId },
      } = await newIncident(db.pool, { systems: ['billing'], dataCategories: ['payment_card'] }));
      // 11 records: Kim's two are one person.
      expect(await identifyAffected(db.pool, incidentId)).toBe(10);
    });

    it('gives two people sharing a family address a notice each, naming only their own data', async () => {
      const found = await rows(incidentId);
      expect(found.get('ANA')).toMatchObject({
        status: 'pending',
        mergedInto: null,
        masked: { payment_card: '1111' },
      });
      expect(found.get('LUIS')).toMatchObject({
        status: 'pending',
        mergedInto: null,
        masked: { payment_card: '2222' },
      });
    });

    it('merges the records the company keys as one person, whatever their addresses and names', async () => {
      const found = await rows(incidentId);
      expect(found.get('KIM-1')).toMatchObject({
        status: 'pending',
        mergedInto: null,
        masked: { payment_card: ['3333', '4444'] },
      });
      expect(found.get('KIM-2')).toMatchObject({
        status: 'merged',
        mergedInto: 'KIM-1',
        masked: { payment_card: '4444' },
      });
    });

    it('keeps people apart whose keys differ, or of whom only one is keyed, even at one address and name', async () => {
      const found = await rows(incidentId);
      for (const id of ['TWIN-A', 'TWIN-B', 'JO-KEYED', 'JO-LOOSE'])
        expect(found.get(id), id).toMatchObject({ status: 'pending', mergedInto: null });
      expect(await affected.countMerged(db.pool, incidentId)).toBe(1);
    });

    it('freezes the postal address, phone and consent on the record, and copes with no email', async () => {
      const recipients = await affected.pendingRecipients(db.pool, incidentId, {
        shard: 0,
        shards: 1,
        after: 0,
        limit: 100,
        onlyRetrying: false,
      });
      const byName = new Map(recipients.map((r) => [r.fullName, r]));
      const post = byName.get('Pat Post')!;
      expect(post).toMatchObject({
        email: null,
        postalAddress: postalAddressFor('POST', 'US-NY'),
        electronicConsentAt: null,
        electronicConsentMethod: null,
        foundBy: 'system',
      });
      // Never an address to send to: email delivery records such a person undeliverable, never sends.
      expect(recipientAddress(post)).toBe('');
      const consent = byName.get('Customer CONSENT')!;
      expect(consent).toMatchObject({
        email: 'consent@example.com',
        phone: '+1 415 555 0100',
        electronicConsentAt: new Date(TEST_CONSENT.at),
        electronicConsentMethod: TEST_CONSENT.method,
      });
      expect(byName.get('Customer NOBODY')).toMatchObject({ email: null, postalAddress: null });

      // A later import does not move what was frozen.
      await importInventory(db.pool, {
        customers: [{ externalId: 'POST', fullName: 'Pat Post', email: null, postalAddress: null }],
      });
      const { rows: frozen } = await db.pool.query(
        `SELECT a.postal_address FROM affected_customers a JOIN customers c ON c.id = a.customer_id
         WHERE a.incident_id = $1 AND c.external_id = 'POST'`,
        [incidentId],
      );
      expect(frozen[0].postal_address).toEqual(postalAddressFor('POST', 'US-NY'));
    });
  });

  describe('systems and a list together', () => {
    it('affects the union: everyone the systems find, plus everyone named, each recorded with how', async () => {
      const {
        incident: { id: incidentId },
      } = await newIncident(db.pool, {
        // The systems find everyone (a card each in billing); the list names Luis and Kim too.
        systems: ['crm', 'billing'],
        dataCategories: ['payment_card', 'email'],
        customerExternalIds: ['LUIS', 'KIM-1'],
      });
      expect(await identifyAffected(db.pool, incidentId)).toBe(10);
      const found = await rows(incidentId);
      expect(found.get('ANA')).toMatchObject({ foundBy: 'system' });
      expect(found.get('LUIS')).toMatchObject({ foundBy: 'both', masked: { payment_card: '2222' } });
      // Kim's keyed records are one person: her notice is the union, found by both sources.
      expect(found.get('KIM-1')).toMatchObject({ foundBy: 'both', status: 'pending' });
      expect(found.get('KIM-2')).toMatchObject({ foundBy: 'system', status: 'merged' });
      const counts = (await affected.countFoundBy(db.pool, [incidentId])).get(incidentId);
      expect(counts).toEqual({ system: 8, list: 0, both: 2 });
    });

    it('gives a named customer without matching holdings the incident categories, found by the list', async () => {
      const {
        incident: { id: incidentId },
      } = await newIncident(db.pool, {
        systems: ['crm'],
        dataCategories: ['name', 'email'],
        customerExternalIds: ['ANA'],
      });
      expect(await identifyAffected(db.pool, incidentId)).toBe(1);
      const found = await rows(incidentId);
      expect([...found.keys()]).toEqual(['ANA']);
      expect(found.get('ANA')).toMatchObject({ foundBy: 'list', categories: ['name', 'email'], masked: {} });
      expect((await affected.countFoundBy(db.pool, [incidentId])).get(incidentId)).toEqual({
        system: 0,
        list: 1,
        both: 0,
      });
    });

    it('reads an empty list as nobody named: the systems alone', async () => {
      const {
        incident: { id: incidentId },
      } = await newIncident(db.pool, {
        systems: ['billing'],
        dataCategories: ['payment_card'],
        customerExternalIds: [],
      });
      expect(await identifyAffected(db.pool, incidentId)).toBe(10);
      expect((await affected.countFoundBy(db.pool, [incidentId])).get(incidentId)).toEqual({
        system: 10,
        list: 0,
        both: 0,
      });
    });
  });
});
