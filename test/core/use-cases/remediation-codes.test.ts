import { mkdtempSync } from 'node:fs';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as audit from '../../../core/db/audit';
import { copyCustomers } from '../../../core/db/inventory';
import * as letters from '../../../core/db/letters';
import { deliverShardPass } from '../../../core/delivery';
import { renderLetterFile } from '../../../core/letters/batch';
import { pageToken } from '../../../core/delivery/page-token';
import { ValidationError } from '../../../core/errors';
import { SmtpPool } from '../../../core/mail/smtp-pool';
import type { StaffAlert, StaffMailer } from '../../../core/mail/staff-mailer';
import { TemplateCache } from '../../../core/mail/template-cache';
import { loadPageTemplates } from '../../../core/mail/templates';
import { customerPageHtml, findCustomerPage } from '../../../core/use-cases/customer-page';
import { lookUpCases } from '../../../core/use-cases/support';
import { planChannels } from '../../../core/use-cases/channels';
import { openLetterBatch } from '../../../core/use-cases/letters';
import { variantPreviews } from '../../../core/use-cases/notice-previews';
import { assess, placeIncidentHold } from '../../../core/use-cases/obligations';
import {
  codeStatus,
  importCodes,
  listPeopleWithoutCode,
  parseCodeFile,
  warnIfCodesShort,
} from '../../../core/use-cases/remediation-codes';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import {
  approvedNotice,
  customerWith,
  identifyAffected,
  importInventory,
  newIncident,
  newStaff,
} from '../../helpers/factories';
import type { CustomerOverrides, StaffMember } from '../../helpers/factories';
import { startSmtpSink } from '../../helpers/smtp';
import type { SmtpSink } from '../../helpers/smtp';

const ENROLL_URL = 'https://enroll.idguard.example/forthright';
const NEXT_YEAR = `${new Date().getUTCFullYear() + 1}-06-30`;

/** A vendor file: `rows` of [product, term, minor, code], IdGuard's. */
const vendorFile = (rows: [string, number, 'yes' | 'no', string][]) =>
  ['provider,product,term_months,enroll_by,code,minor']
    .concat(
      rows.map(([product, term, minor, code]) => `IdGuard,${product},${term},${NEXT_YEAR},${code},${minor}`),
    )
    .join('\n');

/**
 * Remediation codes on real PostgreSQL and a real SMTP server: a vendor's file imported as pools,
 * the low-pool warning before delivery, one code per eligible person given with the claim of their
 * notice (and never twice, however the passes are retried or run side by side), the code in the
 * email and on the person's page with how to enrol, and the eligible left without one listed.
 */
describe('core/use-cases/remediation-codes', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let templates: TemplateCache;
  let sink: SmtpSink;
  let smtp: SmtpPool;
  let staff: { officer: StaffMember; compliance: StaffMember };
  const alerts: { key: string; to: string[]; alert: StaffAlert }[] = [];
  // Records what the staff mailer would send, once per key as the real one does (by its audit entry).
  let staffMailer: StaffMailer;

  /** Customers held in `system` with their SSN exposed, and an incident on it, identified. */
  const incidentWith = async (system: string, customers: CustomerOverrides[]) => {
    await importInventory(db.pool, {
      customers,
      holdings: customers.map((c) => ({ customerExternalId: c.externalId, system, categories: ['ssn'] })),
    });
    const { incident } = await newIncident(db.pool, {
      systems: [system],
      dataCategories: ['ssn'],
      discoveredAt: new Date(Date.now() - 3_600_000),
      openedBy: staff.officer.user,
    });
    await identifyAffected(db.pool, incident.id);
    return incident.id;
  };

  /** Delivers the incident's approved notice through the shard pass, `shards` shards side by side. */
  const deliver = async (incidentId: string, noticeId: string, shards = 1) => {
    let sent = 0;
    await Promise.all(
      Array.from({ length: shards }, async (_, shard) => {
        for (let after: number | null = 0; after !== null;) {
          const pass = await deliverShardPass(
            { pool: db.pool, smtp, templates, config },
            { incidentId, noticeId, shard, shards, after, onlyRetrying: false },
            { budgetMs: 60_000 },
          );
          sent += pass.sent;
          after = pass.next;
        }
      }),
    );
    return sent;
  };

  /** Each person's code (by external id), as given. */
  const codesOf = async (incidentId: string) => {
    const { rows } = await db.pool.query<{ externalId: string; code: string }>(
      `SELECT c.external_id AS "externalId", k.code FROM remediation_codes k JOIN customers c ON c.id = k.customer_id
       WHERE k.incident_id = $1 ORDER BY c.external_id`,
      [incidentId],
    );
    return Object.fromEntries(rows.map((r) => [r.externalId, r.code]));
  };

  const mailTo = (externalId: string) => {
    const found = sink.messages.filter((m) =>
      m.envelopeTo.includes(`${externalId.toLowerCase()}@example.com`),
    );
    expect(found, externalId).toHaveLength(1);
    return found[0]!;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startSmtpSink();
    smtp = new SmtpPool({ url: sink.url, size: 2 });
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-codes-')),
      DATABASE_URL: db.url,
      SMTP_URL: sink.url,
      LOG_LEVEL: 'silent',
    });
    templates = new TemplateCache(db.pool);
    staff = await newStaff(db.pool);
    staffMailer = {
      async sendOnce(key: string, to: string[], alert: StaffAlert) {
        if (!(await audit.exists(db.pool, key))) alerts.push({ key, to, alert });
      },
    } as unknown as StaffMailer;
  });

  afterAll(async () => {
    await smtp?.close();
    await sink?.close();
    await db?.drop();
  });

  it('reads a vendor file into its products and names the line of the first problem', () => {
    const products = parseCodeFile(
      vendorFile([
        ['Total', 24, 'no', 'A-1'],
        ['Minor', 24, 'yes', 'M-1'],
        ['Total', 24, 'no', 'A-2'],
      ]),
    );
    expect(products.map((p) => [p.product, p.forMinors, p.codes])).toEqual([
      ['Total', false, ['A-1', 'A-2']],
      ['Minor', true, ['M-1']],
    ]);
    const refused = (text: string) => {
      try {
        parseCodeFile(text);
      } catch (err) {
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).field).toBe('csv');
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(
      refused(
        vendorFile([
          ['Total', 24, 'no', 'A-1'],
          ['Total', 24, 'no', 'A-1'],
        ]),
      ),
    ).toMatch(/^line 3: the code is listed twice \(first on line 2\)/);
    expect(refused(vendorFile([['Total', 0, 'no', 'A-1']]))).toMatch(/^line 2: term_months/);
    expect(refused(vendorFile([['Total', 24, 'maybe' as 'yes', 'A-1']]))).toMatch(/^line 2: minor/);
    expect(refused('provider,product,code\nIdGuard,Total,A-1')).toMatch(/term_months/);
    expect(
      refused('provider,product,term_months,enroll_by,code,minor\nIdGuard,Total,24,2001-01-01,A-1,no'),
    ).toMatch(/^line 2: enroll_by has passed/);
  });

  it("stores the inventory's date of birth by JSON and by COPY, keeps it when a file leaves it out, refuses a bad one", async () => {
    const dob = async (externalId: string) =>
      (
        await db.pool.query<{ d: string | null }>(
          `SELECT to_char(date_of_birth, 'YYYY-MM-DD') AS d FROM customers WHERE external_id = $1`,
          [externalId],
        )
      ).rows[0]?.d;
    await importInventory(db.pool, { customers: [{ externalId: 'DOB-1', dateOfBirth: '2015-04-01' }] });
    expect(await dob('DOB-1')).toBe('2015-04-01');
    // A later import without the field keeps it; null clears it.
    await importInventory(db.pool, { customers: [{ externalId: 'DOB-1', fullName: 'Renamed' }] });
    expect(await dob('DOB-1')).toBe('2015-04-01');
    await copyCustomers(
      db.pool,
      Readable.from([
        'externalId,fullName,email,country,dateOfBirth\nDOB-2,Two,dob2@example.com,US,2009-12-31\n',
      ]),
    );
    expect(await dob('DOB-2')).toBe('2009-12-31');
    await copyCustomers(
      db.pool,
      Readable.from(['externalId,fullName,email,country\nDOB-2,Two,dob2@example.com,US\n']),
    );
    expect(await dob('DOB-2')).toBe('2009-12-31');
    await expect(
      copyCustomers(
        db.pool,
        Readable.from(['externalId,fullName,email,country,dateOfBirth\nDOB-3,Three,,US,31/12/2009\n']),
      ),
    ).rejects.toMatchObject({ problems: [{ row: 1, field: 'dateOfBirth' }] });
    await importInventory(db.pool, { customers: [{ externalId: 'DOB-1', dateOfBirth: null }] });
    expect(await dob('DOB-1')).toBeNull();
  });

  it('N codes for N+1 eligible: a warning before delivery, no code given twice, the one without a code listed, codes in the notices', async () => {
    // Three Connecticut adults and a Massachusetts child, SSNs exposed: all four must be offered
    // identity-theft protection (CT 24 months, MA 18). A New York resident must not (no such rule).
    const people: CustomerOverrides[] = [
      { externalId: 'CT-1', region: 'US-CT' },
      { externalId: 'CT-2', region: 'US-CT' },
      { externalId: 'CT-3', region: 'US-CT' },
      { externalId: 'MA-KID', region: 'US-MA', dateOfBirth: `${new Date().getUTCFullYear() - 10}-03-01` },
      { externalId: 'NY-1', region: 'US-NY' },
    ];
    const incidentId = await incidentWith('codes-crm', people);
    await assess({ pool: db.pool, config }, incidentId);

    // Two adult codes (for three adults) and one minor code, in one vendor file: two pools.
    const file = vendorFile([
      ['Total Protect', 24, 'no', 'IDG-A-0001'],
      ['Total Protect', 24, 'no', 'IDG-A-0002'],
      ['Total Protect Minor', 24, 'yes', 'IDG-M-0001'],
    ]);
    const imported = await importCodes({ pool: db.pool }, staff.officer.actor, {
      incidentId,
      csv: file,
      enrollUrl: ENROLL_URL,
    });
    expect(imported.alreadyImported).toBe(false);
    expect(imported.pools.map((p) => [p.product, p.forMinors, p.codes, p.free])).toEqual([
      ['Total Protect', false, 2, 2],
      ['Total Protect Minor', true, 1, 1],
    ]);
    // The same file again is the same pools; a code imported before is refused, naming the field.
    expect(
      (
        await importCodes({ pool: db.pool }, staff.officer.actor, {
          incidentId,
          csv: file,
          enrollUrl: ENROLL_URL,
        })
      ).alreadyImported,
    ).toBe(true);
    await expect(
      importCodes({ pool: db.pool }, staff.officer.actor, {
        incidentId,
        csv: vendorFile([['Total Protect', 24, 'no', 'IDG-A-0002']]),
        enrollUrl: ENROLL_URL,
      }),
    ).rejects.toMatchObject({
      field: 'csv',
      message: expect.stringMatching(/imported before, e\.g\. IDG-A-0002/),
    });
    // A person holds one code at most, and a code goes to one person: the schema says so too.
    await expect(
      db.pool.query(
        `INSERT INTO remediation_codes (pool_id, incident_id, provider, for_minors, code)
         SELECT pool_id, incident_id, provider, for_minors, code FROM remediation_codes WHERE code = 'IDG-A-0001'`,
      ),
    ).rejects.toMatchObject({ code: '23505', constraint: 'remediation_code_once' });

    // Before delivery: one adult short, and the warning goes out once, to compliance and the officer.
    const before = await codeStatus({ pool: db.pool, config }, incidentId);
    expect(before).toMatchObject({
      eligible: { adults: 3, minors: 1 },
      withCode: { adults: 0, minors: 0 },
      free: { adults: 2, minors: 1 },
      short: { adults: 1, minors: 0 },
      requiredMonths: { adults: 24, minors: 18 },
      termTooShort: [],
    });
    expect(before.requiredBy.map((r) => r.citation).sort()).toEqual([
      'Conn. Gen. Stat. § 36a-701b(b)(2)(B)',
      'M.G.L. c. 93H § 3A(a)',
    ]);
    const warning = await warnIfCodesShort({ pool: db.pool, config, staffMailer }, incidentId);
    expect(warning.warned).toBe(true);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.alert).toMatchObject({
      kind: 'codes_short',
      note: expect.stringContaining('Short by 1 adult'),
    });
    expect(alerts[0]!.to.sort()).toEqual([staff.compliance.user.email, staff.officer.user.email].sort());
    expect((await warnIfCodesShort({ pool: db.pool, config, staffMailer }, incidentId)).warned).toBe(false);
    expect(alerts).toHaveLength(1);
    const shortEntries = (await audit.listForIncident(db.pool, incidentId)).filter(
      (e) => e.action === 'remediation_codes_short',
    );
    expect(shortEntries).toHaveLength(1);
    expect(shortEntries[0]!.detail).toMatchObject({ short: { adults: 1, minors: 0 } });

    // Delivery: everyone gets one notice; the codes go with the claims, in customer order.
    const notice = await approvedNotice(
      { pool: db.pool, templates, config },
      incidentId,
      staff.compliance.user,
    );
    // Compliance's previews show where each person's code will be, and how to enrol.
    const previews = await variantPreviews({ pool: db.pool, templates, config }, notice.id);
    const offering = previews.variants.filter((v) => v.sample.text.includes('Identity-theft protection'));
    expect(offering.length).toBeGreaterThan(0);
    for (const v of offering)
      expect(v.sample.text).toContain(`${ENROLL_URL} and use the enrollment code SAMPLE-CODE.`);
    expect(previews.variants.filter((v) => v.sample.text.includes('SAMPLE-CODE'))).toHaveLength(
      offering.length,
    );
    sink.messages.length = 0;
    expect(await deliver(incidentId, notice.id)).toBe(5);
    const given = await codesOf(incidentId);
    expect(given).toEqual({ 'CT-1': 'IDG-A-0001', 'CT-2': 'IDG-A-0002', 'MA-KID': 'IDG-M-0001' });

    // The notices say so: the code, the term, where and by when to enrol; without a code, to call.
    const ct1 = mailTo('CT-1');
    expect(ct1.text).toContain('24 months of identity-theft prevention and mitigation services from IdGuard');
    expect(ct1.text).toContain(`To sign up, go to ${ENROLL_URL} and use the enrollment code IDG-A-0001.`);
    expect(ct1.html).toContain('<strong>IDG-A-0001</strong>');
    expect(mailTo('MA-KID').text).toContain('use the enrollment code IDG-M-0001');
    const ct3 = mailTo('CT-3');
    expect(ct3.text).not.toMatch(/IDG-/);
    expect(ct3.text).toContain('Your personal page explains how to sign up');
    expect(mailTo('NY-1').text).not.toContain('Identity-theft protection');
    for (const code of ['IDG-A-0001', 'IDG-A-0002', 'IDG-M-0001'])
      expect(
        sink.messages.filter((m) => m.text.includes(code)),
        code,
      ).toHaveLength(1);

    // The one without a code is listed for follow-up; a retried pass sends nothing and gives nothing.
    const without = await listPeopleWithoutCode({ pool: db.pool, config }, staff.officer.actor, {
      incidentId,
      after: 0,
      limit: 100,
    });
    expect(without.map((p) => [p.externalId, p.minor, p.deliveryStatus])).toEqual([['CT-3', false, 'sent']]);
    expect(await deliver(incidentId, notice.id)).toBe(0);
    expect(await codesOf(incidentId)).toEqual(given);
    expect(sink.messages).toHaveLength(5);

    // More codes later: the status counts them; nobody already sent is given one behind their notice's back.
    await importCodes({ pool: db.pool }, staff.officer.actor, {
      incidentId,
      csv: vendorFile([['Total Protect', 24, 'no', 'IDG-A-0003']]),
      enrollUrl: ENROLL_URL,
    });
    expect(await codeStatus({ pool: db.pool, config }, incidentId)).toMatchObject({
      eligible: { adults: 3, minors: 1 },
      withCode: { adults: 2, minors: 1 },
      free: { adults: 1, minors: 0 },
      short: { adults: 0, minors: 0 },
    });

    // The page: the code and how to enrol for CT-1; for CT-3, that the code is not ready and whom to ask.
    const pageOf = async (externalId: string) => {
      const { rows } = await db.pool.query<{ seed: string }>(
        `SELECT a.page_seed AS seed FROM affected_customers a JOIN customers c ON c.id = a.customer_id
         WHERE a.incident_id = $1 AND c.external_id = $2`,
        [incidentId, externalId],
      );
      const token = pageToken(config.pageTokens.key, rows[0]!.seed);
      const found = await findCustomerPage(db.pool, token);
      if (found.kind !== 'page') throw new Error(`no page for ${externalId}: ${found.kind}`);
      return customerPageHtml({ pool: db.pool, templates, config, pages: loadPageTemplates() }, found, token);
    };
    const page = await pageOf('CT-1');
    expect(page).toContain('<section id="protection">');
    expect(page).toContain('Your enrollment code: <strong>IDG-A-0001</strong>');
    expect(page).toContain(`<a href="${ENROLL_URL}">${ENROLL_URL}</a>`);
    expect(page).toContain('Enter your enrollment code IDG-A-0001 when asked.');
    expect(page).toContain('24 months of identity-theft protection from IdGuard');
    const pending = await pageOf('CT-3');
    expect(pending).toContain('your enrollment code is not ready yet');
    expect(pending).not.toMatch(/IDG-/);
    expect(await pageOf('NY-1')).not.toContain('<section id="protection">');

    // Support's lookup renders the notice again from its copy, code included, and it verifies.
    const [found] = await lookUpCases({ pool: db.pool, templates, config }, staff.compliance.actor, {
      reference: (
        await db.pool.query<{ ref: string }>(
          `SELECT a.reference_code AS ref FROM affected_customers a JOIN customers c ON c.id = a.customer_id
         WHERE a.incident_id = $1 AND c.external_id = 'CT-1'`,
          [incidentId],
        )
      ).rows[0]!.ref,
    });
    expect(found!.notice!.sent).toMatchObject({ verified: true });
    expect(found!.notice!.text).toContain('use the enrollment code IDG-A-0001');
  });

  it('gives each code once when shards claim side by side, and leaves the rest without', async () => {
    const people = Array.from({ length: 40 }, (_, i) => ({
      externalId: `DC-${String(i).padStart(2, '0')}`,
      region: 'US-DC',
    }));
    const incidentId = await incidentWith('codes-shards', people);
    await importCodes({ pool: db.pool }, staff.officer.actor, {
      incidentId,
      csv: vendorFile(
        Array.from(
          { length: 30 },
          (_, i) => ['Shield 18', 18, 'no', `DC-CODE-${i}`] as [string, number, 'no', string],
        ),
      ),
      enrollUrl: ENROLL_URL,
    });
    const notice = await approvedNotice(
      { pool: db.pool, templates, config },
      incidentId,
      staff.compliance.user,
    );
    sink.messages.length = 0;
    expect(await deliver(incidentId, notice.id, 4)).toBe(40);
    const given = await codesOf(incidentId);
    expect(Object.keys(given)).toHaveLength(30);
    expect(new Set(Object.values(given)).size).toBe(30);
    // Each code is in exactly one message, and that message is its holder's.
    for (const [externalId, code] of Object.entries(given)) {
      const holders = sink.messages.filter((m) => m.text.includes(`enrollment code ${code}.`));
      expect(
        holders.map((m) => m.envelopeTo[0]),
        code,
      ).toEqual([`${externalId.toLowerCase()}@example.com`]);
    }
    const without = await listPeopleWithoutCode({ pool: db.pool, config }, staff.officer.actor, {
      incidentId,
      after: 0,
      limit: 100,
    });
    expect(without).toHaveLength(10);
    expect(without.every((p) => !(p.externalId in given))).toBe(true);
  });

  it("gives codes in the letters' claim: one each, in the batch's transaction, the rest counted", async () => {
    // People reached by post only: Connecticut residents without an email address.
    const people = ['L-1', 'L-2', 'L-3'].map((externalId) =>
      customerWith('address_only', { externalId, region: 'US-CT' }),
    );
    const incidentId = await incidentWith('codes-letters', people);
    await assess({ pool: db.pool, config }, incidentId);
    await planChannels({ pool: db.pool, config }, incidentId);
    await approvedNotice({ pool: db.pool, templates, config }, incidentId, staff.compliance.user);
    await importCodes({ pool: db.pool }, staff.officer.actor, {
      incidentId,
      csv: vendorFile([
        ['Mail Shield', 24, 'no', 'MAIL-1'],
        ['Mail Shield', 24, 'no', 'MAIL-2'],
      ]),
      enrollUrl: ENROLL_URL,
    });
    const deps = { pool: db.pool, templates, config };
    const batch = (await openLetterBatch(deps, { incidentId, key: 'codes-letters' }))!;
    expect(batch.letters).toBe(3);
    expect(await codesOf(incidentId)).toEqual({ 'L-1': 'MAIL-1', 'L-2': 'MAIL-2' });
    const opened = (await audit.listForIncident(db.pool, incidentId)).find(
      (e) => e.action === 'letter_batch_opened',
    );
    expect(opened!.detail).toMatchObject({ codesAssigned: 2, withoutCode: 1 });
    // The same batch again (a retried step) gives nothing more; the letters render with the codes.
    await openLetterBatch(deps, { incidentId, key: 'codes-letters' });
    expect(Object.keys(await codesOf(incidentId))).toHaveLength(2);
    // What each letter is rendered from carries its code (core/letters/batch.ts personalises it).
    const printed = await letters.fileLetters(db.pool, batch.batchId, 1, { after: 0, limit: 10 });
    expect(printed.map((r) => r.remediation?.code ?? null)).toEqual(['MAIL-1', 'MAIL-2', null]);
    expect((await renderLetterFile(deps, { batchId: batch.batchId, fileNo: 1 })).letters).toBe(3);
  });

  it("fills California's notice date and law-enforcement statement", async () => {
    const notDelayed = await incidentWith('ca-plain', [{ externalId: 'CA-1', region: 'US-CA' }]);
    const held = await incidentWith('ca-held', [{ externalId: 'CA-2', region: 'US-CA' }]);
    await assess({ pool: db.pool, config }, held);
    await placeIncidentHold({ pool: db.pool }, staff.officer.actor, {
      incidentId: held,
      reason: 'The FBI asked us to wait.',
    });
    sink.messages.length = 0;
    for (const incidentId of [notDelayed, held]) {
      const notice = await approvedNotice(
        { pool: db.pool, templates, config },
        incidentId,
        staff.compliance.user,
      );
      expect(await deliver(incidentId, notice.id)).toBe(1);
    }
    const today = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Los_Angeles',
      dateStyle: 'long',
    }).format(new Date());
    const plain = mailTo('CA-1');
    expect(plain.subject).toMatch(/^Notice of Data Breach/);
    expect(plain.text).toContain('This notice was not delayed because of a law enforcement investigation.');
    expect(plain.text.split('\n').slice(0, 8).join('\n')).toContain(today);
    expect(mailTo('CA-2').text).toContain(
      'We delayed this notice because a law enforcement agency told us that telling you sooner could have harmed its investigation.',
    );
  });
});
