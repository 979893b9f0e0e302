import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataCategory } from '../../core/domain/categories';
import type { Language } from '../../core/mail/i18n';
import { TemplateCache } from '../../core/mail/template-cache';
import { defaultTemplatesDir } from '../../core/mail/templates';
import { CATALOG, CA_HEADINGS, MARKETING, unescapeHtml } from '../core/mail/fixtures';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { startSmtpSink } from '../helpers/smtp';
import type { CapturedMessage, SmtpSink } from '../helpers/smtp';
import { bearer, eventually, importInventory, reviewedNotice, startSystem } from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * Issue 5's acceptance on real parts: customers in four languages and several jurisdictions are
 * notified by the worker on the Temporal dev server, and every check reads the email as it arrived
 * at a real SMTP server (parsed with mailparser). The worker drafts from a copy of templates/ that
 * the test edits after the notice was drafted, to show that what is sent is what was approved.
 */

const CA_TITLE = 'Notice of Data Breach';
const EXPOSED: DataCategory[] = ['name', 'email', 'payment_card'];
const EDIT_MARKER = 'This sentence was added to the template after the notice was drafted.';

interface Customer {
  externalId: string;
  fullName: string;
  email: string;
  locale: string;
  country: string;
  region?: string;
  status?: 'deceased';
  representativeName?: string;
  representativeEmail?: string;
}

const c = (
  externalId: string,
  fullName: string,
  email: string,
  locale: string,
  country: string,
  region?: string,
): Customer => ({
  externalId,
  fullName,
  email,
  locale,
  country,
  ...(region ? { region } : {}),
});

const CUSTOMERS = {
  en: c('EN1', 'Emma Walker', 'emma@example.com', 'en', 'US', 'US-TX'),
  es: c('ES1', 'Sofía García', 'sofia@example.es', 'es-ES', 'ES'),
  fr: c('FR1', 'Camille Martin', 'camille@example.fr', 'fr', 'FR'),
  de: c('DE1', 'Jonas Müller', 'jonas@example.de', 'de', 'DE'),
  caEn: c('CA1', 'Carol Reyes', 'carol@example.com', 'en-US', 'US', 'US-CA'),
  caEs: c('CA2', 'Carlos Reyes', 'carlos@example.com', 'es-MX', 'US', 'US-CA'),
  twoSystems: c('TS1', 'Tara Brooks', 'tara@example.com', 'en', 'US', 'US-TX'),
  script: c('XS1', '<script>alert(1)</script>', 'script@example.com', 'en', 'US', 'US-TX'),
  deceased: {
    ...c('DC1', 'Harold Hale', 'harold@example.com', 'en', 'US', 'US-TX'),
    status: 'deceased',
    representativeName: 'Ruth Hale',
    representativeEmail: 'ruth@example.net',
  },
  deceasedAlone: { ...c('DC2', 'Ivan Iles', 'ivan@example.com', 'en', 'US', 'US-TX'), status: 'deceased' },
} satisfies Record<string, Customer>;

const LANGUAGE_OF: [Language, Customer][] = [
  ['en', CUSTOMERS.en],
  ['es', CUSTOMERS.es],
  ['fr', CUSTOMERS.fr],
  ['de', CUSTOMERS.de],
];

/** Heading texts (h1, h2) of an HTML part, in document order. */
const headingsOf = (html: string) =>
  [...html.matchAll(/<h([12])>([\s\S]*?)<\/h\1>/g)].map((m) =>
    unescapeHtml(m[2]!.replace(/<[^>]+>/g, '').trim()),
  );

/** The items of the "what information was involved" list of an HTML part. */
const exposedItems = (html: string) => {
  const list = /<ul class="exposed">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => unescapeHtml(m[1]!.trim()));
};

/** Where each required heading first appears in `text`, which must be in the given order. */
const positions = (text: string, headings: string[]) => headings.map((h) => text.indexOf(h));

describe('individual notices, as received', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;
  let templatesDir: string;
  let incidentId: string;
  let draftedVersion: string;

  const status = async (id: string) =>
    (
      await system.app.inject({
        method: 'GET',
        url: `/api/incidents/${id}`,
        headers: bearer(system.tokens.officer),
      })
    ).json().status as string;
  const sent = () => smtp.messages.filter((m) => m.messageId.includes(incidentId));
  const messageTo = (address: string): CapturedMessage => {
    const found = sent().filter((m) => m.envelopeTo.includes(address));
    expect(found, `notices to ${address}`).toHaveLength(1);
    return found[0]!;
  };

  beforeAll(async () => {
    templatesDir = mkdtempSync(join(tmpdir(), 'forthright-templates-'));
    cpSync(defaultTemplatesDir(), templatesDir, { recursive: true });
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    system = await startSystem(db, smtp.url, {}, { templatesDir });

    const customers = Object.values(CUSTOMERS);
    const holdings: {
      customerExternalId: string;
      system: string;
      categories: string[];
      from: string;
      maskedIdentifiers?: Record<string, string>;
    }[] = customers.map((x) => ({
      customerExternalId: x.externalId,
      system: 'crm',
      categories: x === CUSTOMERS.twoSystems ? ['name', 'email', 'phone'] : ['name', 'email'],
      from: '2025-01-01T00:00:00Z',
    }));
    holdings.push({
      customerExternalId: CUSTOMERS.twoSystems.externalId,
      system: 'billing',
      categories: ['payment_card', 'postal_address'],
      from: '2025-06-01T00:00:00Z',
      maskedIdentifiers: { payment_card: '4242' },
    });
    // California's breach law covers a name with a card number, not a name with an email address.
    for (const x of [CUSTOMERS.caEn, CUSTOMERS.caEs]) {
      holdings.push({
        customerExternalId: x.externalId,
        system: 'billing',
        categories: ['payment_card'],
        from: '2025-01-01T00:00:00Z',
      });
    }
    await importInventory(system, customers, holdings);

    const opened = await system.app.inject({
      method: 'POST',
      url: '/api/incidents',
      headers: bearer(system.tokens.officer),
      payload: {
        title: 'Customer database copied by an intruder',
        description: 'An intruder copied a customer database through a stolen service account.',
        discoveredAt: '2026-02-03T09:00:00Z',
        occurredFrom: '2026-01-01T00:00:00Z',
        occurredTo: '2026-02-01T00:00:00Z',
        systems: ['crm', 'billing'],
        dataCategories: EXPOSED,
      },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    incidentId = opened.json().id;
    await eventually(async () => (await status(incidentId)) === 'awaiting_approval');
    draftedVersion = (
      await db.pool.query(`SELECT template_version FROM notices WHERE incident_id = $1`, [incidentId])
    ).rows[0].template_version;

    // The templates change on disk after the notice was drafted and before it is approved and sent:
    // neither the approval nor the sending may pick the change up.
    for (const format of ['text', 'html'] as const) {
      const file = join(templatesDir, `individual-notice/en/individual-notice.${format}.hbs`);
      const edited = readFileSync(file, 'utf8').replace('Sincerely,', `${EDIT_MARKER} Sincerely,`);
      expect(edited).toContain(EDIT_MARKER);
      writeFileSync(file, edited);
    }

    const approved = await system.app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/approval`,
      headers: bearer(system.tokens.compliance),
      payload: { decision: 'approve', ...(await reviewedNotice(system, incidentId)) },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    await eventually(async () => (await status(incidentId)) === 'completed', 90_000);
  });

  afterAll(async () => {
    await system?.stop();
    await smtp?.close();
    await db?.drop();
    if (templatesDir) rmSync(templatesDir, { recursive: true, force: true });
  });

  it('sends one notice to each reachable customer and none to anyone else', () => {
    const recipients = sent()
      .flatMap((m) => m.envelopeTo)
      .sort();
    const expected = Object.values(CUSTOMERS)
      .filter((x) => x !== CUSTOMERS.deceasedAlone)
      .map((x) => ('representativeEmail' in x ? x.representativeEmail : x.email))
      .sort();
    expect(recipients).toEqual(expected);
  });

  it.each(LANGUAGE_OF)('writes to the %s-speaking customer in their language', async (language, customer) => {
    const mail = messageTo(customer.email);
    const catalog = CATALOG[language];
    expect(mail.html).toContain(`<html lang="${language}">`);
    for (const category of EXPOSED.filter((x) => x !== 'payment_card')) {
      expect(mail.text).toContain(catalog.categories[category]);
      expect(unescapeHtml(mail.html)).toContain(catalog.categories[category]);
    }
    expect(mail.text).toContain(
      catalog.advice.identity.self.replaceAll('{company}', system.config.company.name),
    );
    for (const other of Object.keys(CATALOG) as Language[]) {
      if (other !== language) expect(mail.text).not.toContain(CATALOG[other].categories.email);
    }
    // Their page is in the same language.
    const token = /\/n\/([0-9a-f]{64})/.exec(mail.text)![1];
    const page = await system.app.inject({ method: 'GET', url: `/n/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<html lang="${language}">`);
  });

  it.each([
    ['English', CUSTOMERS.caEn],
    ['Spanish', CUSTOMERS.caEs],
  ])(
    "gives a California resident reading %s the statute's title and headings, in order",
    (_language, customer) => {
      const mail = messageTo(customer.email);
      expect(mail.subject.startsWith(CA_TITLE)).toBe(true);
      expect(mail.text.trimStart().startsWith(CA_TITLE)).toBe(true);

      const headings = headingsOf(mail.html);
      expect(headings[0]!.startsWith(CA_TITLE)).toBe(true);
      const required = headings.slice(1).filter((h) => CA_HEADINGS.some((r) => h.startsWith(r)));
      expect(required.map((h) => CA_HEADINGS.find((r) => h.startsWith(r)))).toEqual(CA_HEADINGS);

      const at = positions(mail.text, CA_HEADINGS);
      expect(at.every((p) => p > 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    },
  );

  it('does not use the California title or headings for a Texas resident', () => {
    const mail = messageTo(CUSTOMERS.en.email);
    expect(mail.subject).not.toContain(CA_TITLE);
    expect(mail.text).not.toContain(CA_TITLE);
    expect(positions(mail.text, CA_HEADINGS).every((p) => p === -1)).toBe(true);
  });

  it('tells a customer held in two systems the union of what was exposed there, and nothing else', () => {
    const mail = messageTo(CUSTOMERS.twoSystems.email);
    const en = CATALOG.en.categories;
    expect(exposedItems(mail.html).sort()).toEqual(
      [en.name, en.email, `${en.payment_card} (ending in 4242)`].sort(),
    );
    for (const notExposed of [en.phone, en.postal_address]) {
      expect(mail.text).not.toContain(notExposed);
      expect(unescapeHtml(mail.html)).not.toContain(notExposed);
    }
    // A customer held in crm only is not told about the card.
    expect(exposedItems(messageTo(CUSTOMERS.en.email).html).sort()).toEqual([en.name, en.email].sort());
  });

  it('escapes a name that looks like markup in the HTML part', () => {
    const mail = messageTo(CUSTOMERS.script.email);
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).not.toMatch(/<script/i);
    expect(mail.text).toContain('Dear <script>alert(1)</script>,');
  });

  it("writes to a deceased customer's representative as the representative", () => {
    const mail = messageTo(CUSTOMERS.deceased.representativeEmail);
    expect(mail.envelopeTo).toEqual([CUSTOMERS.deceased.representativeEmail]);
    expect(smtp.acceptedByRecipient.get(CUSTOMERS.deceased.email)).toBeUndefined();
    expect(mail.text).toContain('Dear Ruth Hale,');
    expect(mail.text).toContain('registered representative of the late Harold Hale');
    expect(mail.text).toContain(
      CATALOG.en.advice.identity.representative
        .replaceAll('{name}', 'Harold Hale')
        .replaceAll('{company}', system.config.company.name),
    );
    expect(mail.text).not.toContain('Dear Harold Hale');
    expect(mail.text).not.toContain(
      CATALOG.en.advice.identity.self.replaceAll('{company}', system.config.company.name),
    );
  });

  it('sends nothing for a deceased customer without a representative, and counts them for manual handling', async () => {
    expect(smtp.acceptedByRecipient.get(CUSTOMERS.deceasedAlone.email)).toBeUndefined();
    const delivery = await system.app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/delivery`,
      headers: bearer(system.tokens.officer),
    });
    expect(delivery.json()).toMatchObject({
      manual: 1,
      sent: Object.keys(CUSTOMERS).length - 1,
      undeliverable: 0,
    });
  });

  it('contains no marketing, offers or solicitation in any language', () => {
    expect(sent()).toHaveLength(Object.keys(CUSTOMERS).length - 1);
    for (const mail of sent()) {
      const visible = unescapeHtml(mail.html.replace(/<[^>]+>/g, ' '));
      for (const part of [mail.subject, mail.text, visible]) {
        expect(part.match(MARKETING)?.[0], mail.envelopeTo[0]).toBeUndefined();
      }
    }
  });

  it('sends what was approved even though the template files changed after drafting', async () => {
    const notice = (
      await db.pool.query(
        // The customers' notice (filing packets are notices of their own audience).
        `SELECT id, status, template_version FROM notices WHERE incident_id = $1 AND audience = 'individuals' ORDER BY version`,
        [incidentId],
      )
    ).rows;
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatchObject({ status: 'approved', template_version: draftedVersion });
    const usedNotices = (
      await db.pool.query(`SELECT DISTINCT notice_id FROM deliveries WHERE incident_id = $1`, [incidentId])
    ).rows.map((r) => r.notice_id);
    expect(usedNotices).toEqual([notice[0].id]);

    // The edit is really on disk: a snapshot taken now is a different version that has it...
    const now = await new TemplateCache(db.pool, templatesDir).snapshotCurrent();
    expect(now.version).not.toBe(draftedVersion);
    expect(now.sources['individual-notice/en/individual-notice.text.hbs']).toContain(EDIT_MARKER);
    // ...and yet no notice carries it.
    const english = sent().filter((m) => m.html.includes('<html lang="en">'));
    expect(english.length).toBeGreaterThan(0);
    for (const mail of sent()) {
      expect(mail.text).not.toContain(EDIT_MARKER);
      expect(mail.html).not.toContain(EDIT_MARKER);
    }
    for (const mail of english) expect(mail.text).toContain('Sincerely,');
  });
});
