import { expect } from 'vitest';
import type { DataCategory } from '../../core/domain/categories';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { startSmtpSink } from '../helpers/smtp';
import type { CapturedMessage, SmtpSink } from '../helpers/smtp';
import { eventually, importInventory, incidentStatus, openAndApprove, startSystem } from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * A small world for the customer page and support tests, built the real way: an inventory through
 * the API, incidents opened by an officer and approved by compliance, the worker sending notices on
 * the Temporal dev server to a real SMTP sink. Tests read tokens and reference codes from the
 * emails customers received, as a customer would.
 *
 * - alice (en, Texas): crm and billing (card ending 4242); affected by both incidents
 * - bruno (de, Germany): crm
 * - harold (deceased; representative Ruth at ruth@example.net): crm
 * - ivan (deceased, no representative): crm, so he is handled by hand (`manual`)
 */
export interface DeliveredWorld {
  db: TestDatabase;
  smtp: SmtpSink;
  system: TestSystem;
  /** The incident on crm + billing (name, email, payment card) and the one on billing only. */
  incidents: { crmAndBilling: string; billingOnly: string };
  /** The one notice `address` received for `incidentId`. */
  messageTo(address: string, incidentId: string): CapturedMessage;
  close(): Promise<void>;
}

export const PEOPLE = {
  alice: 'alice@example.com',
  bruno: 'bruno@example.de',
  harold: 'harold@example.com',
  ruth: 'ruth@example.net',
  ivan: 'ivan@example.com',
} as const;

export async function deliveredWorld(): Promise<DeliveredWorld> {
  const db = await createTestDatabase();
  const smtp = await startSmtpSink();
  const system = await startSystem(db, smtp.url);

  const customers = [
    {
      externalId: 'A1',
      fullName: 'Alice Archer',
      email: PEOPLE.alice,
      locale: 'en-US',
      country: 'US',
      region: 'US-TX',
    },
    { externalId: 'B1', fullName: 'Bruno Becker', email: PEOPLE.bruno, locale: 'de', country: 'DE' },
    {
      externalId: 'H1',
      fullName: 'Harold Hale',
      email: PEOPLE.harold,
      country: 'US',
      region: 'US-TX',
      status: 'deceased',
      representativeName: 'Ruth Hale',
      representativeEmail: PEOPLE.ruth,
    },
    {
      externalId: 'I1',
      fullName: 'Ivan Iles',
      email: PEOPLE.ivan,
      country: 'US',
      region: 'US-TX',
      status: 'deceased',
    },
  ];
  const crm = (id: string) => ({
    customerExternalId: id,
    system: 'crm',
    categories: ['name', 'email'],
    from: '2025-01-01T00:00:00Z',
  });
  const holdings = [
    crm('A1'),
    {
      customerExternalId: 'A1',
      system: 'billing',
      categories: ['payment_card'],
      from: '2025-01-01T00:00:00Z',
      maskedIdentifiers: { payment_card: '4242' },
    },
    crm('B1'),
    crm('H1'),
    crm('I1'),
  ];
  await importInventory(system, customers, holdings);

  const notifyAbout = (title: string, systems: string[], dataCategories: DataCategory[]) =>
    openAndApprove(system, {
      title,
      description: 'A misconfigured backup exposed customer records to the internet.',
      discoveredAt: '2026-02-03T09:00:00Z',
      occurredFrom: '2026-01-01T00:00:00Z',
      occurredTo: '2026-02-01T00:00:00Z',
      systems,
      dataCategories,
    });

  const crmAndBilling = await notifyAbout(
    'Exposed CRM and billing backup',
    ['crm', 'billing'],
    ['name', 'email', 'payment_card'],
  );
  const billingOnly = await notifyAbout('Exposed billing export', ['billing'], ['payment_card']);
  for (const id of [crmAndBilling, billingOnly])
    await eventually(async () => (await incidentStatus(system, id)) === 'completed', 90_000);

  return {
    db,
    smtp,
    system,
    incidents: { crmAndBilling, billingOnly },
    messageTo(address, incidentId) {
      const found = smtp.messages.filter(
        (m) => m.envelopeTo.includes(address) && m.messageId.includes(incidentId),
      );
      expect(found, `notices to ${address} for ${incidentId}`).toHaveLength(1);
      return found[0]!;
    },
    async close() {
      await system?.stop();
      await smtp?.close();
      await db?.drop();
    },
  };
}

/** The page token in a notice's link (64 hex characters). */
export function pageTokenIn(message: CapturedMessage): string {
  const token = /\/n\/([0-9a-f]{64})\b/.exec(message.text)?.[1];
  expect(token, 'page link in the notice').toBeDefined();
  return token!;
}

/** The reference code a notice quotes (also in its X-Forthright-Reference header). */
export function referenceIn(message: CapturedMessage): string {
  const reference = message.headers['x-forthright-reference'];
  expect(reference).toMatch(/^FR-\d{4}-\d{4}$/);
  expect(message.text).toContain(reference);
  return reference!;
}
