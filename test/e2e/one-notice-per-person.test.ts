import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withholdPageLink } from '../../core/delivery';
import { CATALOG, unescapeHtml } from '../core/mail/fixtures';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { startSmtpSink } from '../helpers/smtp';
import type { CapturedMessage, SmtpSink } from '../helpers/smtp';
import {
  bearer,
  eventually,
  importInventory,
  incidentStatus,
  openAndApprove,
  startSystem,
} from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * One notice per person, on real parts: a person who signed up three times (the same address in
 * different case, exposed through different systems, living in two states) receives exactly one
 * email at the SMTP server, listing everything exposed across the three records (two cards) and
 * meeting both states' content rules, with one reference code that support finds from any of the
 * three; people with addresses of their own are unaffected, and two deceased customers sharing a
 * representative are still two notices.
 */

const ANN = [
  { externalId: 'ANN-1', email: 'ann@example.com', region: 'US-TX' },
  { externalId: 'ANN-2', email: 'Ann@Example.com', region: 'US-CA' },
  { externalId: 'ANN-3', email: 'ANN@EXAMPLE.COM', region: 'US-TX' },
] as const;
const OTHERS = [
  { externalId: 'BOB', fullName: 'Bob Roe', email: 'bob@example.com', region: 'US-TX' },
  { externalId: 'CARA', fullName: 'Cara Diaz', email: 'cara@example.com', region: 'US-TX' },
] as const;
const ESTATE = 'estate@example.net';
const DECEASED = ['DEC-1', 'DEC-2'] as const;

const customers = [
  ...ANN.map((a) => ({ ...a, fullName: 'Ann Lee', locale: 'en', country: 'US' })),
  ...OTHERS.map((o) => ({ ...o, locale: 'en', country: 'US' })),
  ...DECEASED.map((externalId, i) => ({
    externalId,
    fullName: `Deceased ${i}`,
    email: `deceased${i}@example.com`,
    locale: 'en',
    country: 'US',
    region: 'US-TX',
    status: 'deceased',
    representativeName: 'Rita Estate',
    representativeEmail: ESTATE,
  })),
];
const since = '2025-01-01T00:00:00Z';
/** A card held in billing, shown in notices by its last digits. */
const card = (customerExternalId: string, lastDigits: string) => ({
  customerExternalId,
  system: 'billing',
  categories: ['payment_card'],
  from: since,
  maskedIdentifiers: { payment_card: lastDigits },
});
const holdings = [
  { customerExternalId: 'ANN-1', system: 'crm', categories: ['name', 'email'], from: since },
  card('ANN-2', '4242'),
  { customerExternalId: 'ANN-3', system: 'shipping', categories: ['postal_address', 'phone'], from: since },
  card('ANN-3', '1881'),
  ...OTHERS.map((o) => ({
    customerExternalId: o.externalId,
    system: 'crm',
    categories: ['name', 'email'],
    from: since,
  })),
  ...DECEASED.map((id) => ({ customerExternalId: id, system: 'crm', categories: ['name'], from: since })),
];

/** The items of the "what information was involved" list of an HTML part. */
const exposedItems = (html: string) => {
  const list = /<ul class="exposed">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => unescapeHtml(m[1]!.trim()));
};

describe('one notice per person', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;
  let incidentId: string;

  const get = async (url: string, token = system.tokens.officer) => {
    const response = await system.app.inject({ method: 'GET', url, headers: bearer(token) });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const sent = () => smtp.messages.filter((m) => m.messageId.includes(incidentId));
  const annMessages = () =>
    sent().filter((m) => m.envelopeTo.some((to) => to.toLowerCase() === 'ann@example.com'));
  const referenceOf = (m: CapturedMessage) => m.headers['x-forthright-reference']!;

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    system = await startSystem(db, smtp.url);
    await importInventory(system, customers, holdings);
    incidentId = await openAndApprove(system, {
      title: 'Three systems exposed',
      description: 'A contractor laptop holding exports of three systems was stolen.',
      discoveredAt: '2026-02-03T09:00:00Z',
      occurredFrom: '2026-01-01T00:00:00Z',
      occurredTo: '2026-02-01T00:00:00Z',
      systems: ['crm', 'billing', 'shipping'],
      dataCategories: ['name', 'email', 'payment_card', 'postal_address'],
    });
    await eventually(async () => (await incidentStatus(system, incidentId)) === 'completed', 90_000);
  });

  afterAll(async () => {
    await system?.stop();
    await smtp?.close();
    await db?.drop();
  });

  it('sends exactly one message to an address three records share, to the lowest customer id', () => {
    const messages = annMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]!.envelopeTo).toEqual(['ann@example.com']);
    expect(smtp.acceptedByRecipient.get('ann@example.com')).toBe(1);
  });

  it('lists the union of what the three records exposed, both cards included, and nothing else', () => {
    const mail = annMessages()[0]!;
    const en = CATALOG.en.categories;
    expect(exposedItems(mail.html).sort()).toEqual(
      [en.name, en.email, `${en.payment_card} (ending in 1881 and 4242)`, en.postal_address].sort(),
    );
    // Phone was held, but not exposed by this incident.
    expect(mail.text).not.toContain(en.phone);
  });

  it('meets the content rules of every state her records are in: Texas and California', () => {
    // The recipient record is in Texas; the record merged from California brings the California
    // title and headings (Cal. Civ. Code 1798.82(d)), which a notice to Bob in Texas does not have.
    const mail = annMessages()[0]!;
    expect(mail.subject.startsWith('Notice of Data Breach')).toBe(true);
    expect(mail.text).toContain('What Information Was Involved?');
    const bob = sent().find((m) => m.envelopeTo.includes('bob@example.com'))!;
    expect(bob.subject).not.toContain('Notice of Data Breach');
  });

  it('carries one reference code, which support finds from any of the records', async () => {
    const mail = annMessages()[0]!;
    const reference = referenceOf(mail);
    expect(reference).toMatch(/^FR-\d{4}-\d{4}$/);
    expect(mail.text).toContain(reference);

    const { rows } = await db.pool.query<{ external_id: string; reference_code: string }>(
      `SELECT c.external_id, a.reference_code FROM affected_customers a JOIN customers c ON c.id = a.customer_id
       WHERE a.incident_id = $1 AND c.external_id LIKE 'ANN-%' ORDER BY c.external_id`,
      [incidentId],
    );
    expect(rows.map((r) => r.external_id)).toEqual(['ANN-1', 'ANN-2', 'ANN-3']);
    expect(rows[0]!.reference_code).toBe(reference);

    const queries = [
      ...ANN.map((a) => `email=${encodeURIComponent(a.email)}`),
      ...rows.map((r) => `reference=${r.reference_code}`),
    ];
    for (const query of queries) {
      const { items } = await get(`/api/support/cases?${query}`, system.tokens.support);
      expect(items, query).toHaveLength(1);
      expect(items[0], query).toMatchObject({
        incident: { id: incidentId },
        referenceCode: reference,
        customer: { externalId: 'ANN-1' },
        status: 'notified',
        delivery: { status: 'sent', recipient: 'ann@example.com' },
        mergedRecords: [
          { externalId: 'ANN-2', referenceCode: rows[1]!.reference_code, categories: ['payment_card'] },
          {
            externalId: 'ANN-3',
            referenceCode: rows[2]!.reference_code,
            categories: ['payment_card', 'postal_address'],
          },
        ],
      });
      expect(items[0].categories.sort(), query).toEqual(['email', 'name', 'payment_card', 'postal_address']);
      // What support reads out is what arrived.
      expect(items[0].notice.text.trim(), query).toBe(withholdPageLink(mail).text.trim());
    }
  });

  it('leaves people with addresses of their own alone, and two deceased customers two notices', () => {
    for (const o of OTHERS) {
      const messages = sent().filter((m) => m.envelopeTo.includes(o.email));
      expect(messages, o.email).toHaveLength(1);
      expect(messages[0]!.text).toContain(`Dear ${o.fullName},`);
    }
    const estate = sent().filter((m) => m.envelopeTo.includes(ESTATE));
    expect(estate).toHaveLength(2);
    expect(new Set(estate.map(referenceOf)).size).toBe(2);
    // Five people, five messages, five reference codes.
    expect(sent()).toHaveLength(5);
    expect(new Set(sent().map(referenceOf)).size).toBe(5);
  });

  it('keeps the counts adding up, with the merged records counted apart and none left pending', async () => {
    const incident = await get(`/api/incidents/${incidentId}`);
    expect(incident.counts).toEqual({
      affected: 5,
      notified: 5,
      failed: 0,
      pending: 0,
      manual: 0,
      merged: 2,
    });
    const delivery = await get(`/api/incidents/${incidentId}/delivery`);
    expect(delivery).toMatchObject({
      sent: 5,
      pending: 0,
      retrying: 0,
      undeliverable: 0,
      manual: 0,
      merged: 2,
    });

    const { items } = await get(`/api/incidents/${incidentId}/affected?search=ann%40example.com`);
    const annId = items.find((i: { externalId: string }) => i.externalId === 'ANN-1').customerId;
    expect(
      items.map((i: { externalId: string; status: string; mergedInto: number | null }) => [
        i.externalId,
        i.status,
        i.mergedInto,
      ]),
    ).toEqual([
      ['ANN-1', 'notified', null],
      ['ANN-2', 'merged', annId],
      ['ANN-3', 'merged', annId],
    ]);

    const { rows } = await db.pool.query(
      `SELECT detail FROM audit_events WHERE incident_id = $1 AND action = 'affected_identified'`,
      [incidentId],
    );
    expect(rows.map((r) => r.detail)).toEqual([{ affected: 5, merged: 2 }]);
  });
});
