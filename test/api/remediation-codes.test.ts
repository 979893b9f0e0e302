import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app';
import * as audit from '../../core/db/audit';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { identifyAffected, importInventory, newIncident, newUser } from '../helpers/factories';
import { bearer } from '../helpers/system';

const NEXT_YEAR = `${new Date().getUTCFullYear() + 1}-01-31`;
const header = 'provider,product,term_months,enroll_by,code,minor';

/**
 * The remediation-code routes on a real database: a vendor's file imported by an officer (audited,
 * the codes themselves nowhere in the trail), a bad file a 400 naming `csv` and the line, the
 * status against the people the law says need a code, and the eligible without one.
 */
describe('/api/incidents/:id/remediation-codes', () => {
  let db: TestDatabase;
  let app: App;
  let api: Awaited<ReturnType<typeof startApiOnly>>;
  let incidentId: string;
  let officer: string;
  let support: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApiOnly(db);
    app = api.app;
    const customers = ['DE-1', 'DE-2', 'DE-3'].map((externalId) => ({ externalId, region: 'US-DE' }));
    await importInventory(db.pool, {
      customers,
      holdings: customers.map((c) => ({
        customerExternalId: c.externalId,
        system: 'hr',
        categories: ['ssn'],
      })),
    });
    const officerUser = await newUser(db.pool, { role: 'officer', email: 'officer@codes-api.example.com' });
    officer = officerUser.token;
    support = (await newUser(db.pool, { role: 'support', email: 'support@codes-api.example.com' })).token;
    ({
      incident: { id: incidentId },
    } = await newIncident(db.pool, { systems: ['hr'], dataCategories: ['ssn'], openedBy: officerUser.user }));
    await identifyAffected(db.pool, incidentId);
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  const importFile = (csv: string, token = officer, enrollUrl = 'https://enroll.example/x') =>
    app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/remediation-codes`,
      headers: bearer(token),
      payload: { csv, enrollUrl },
    });

  it('imports a file, refuses a bad one naming the line, and reports the shortfall', async () => {
    const bad = await importFile(
      `${header}\nCredWatch,Monitor 12,12,${NEXT_YEAR},CW-1,no\nCredWatch,Monitor 12,x,${NEXT_YEAR},CW-2,no`,
    );
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json()).toMatchObject({
      field: 'csv',
      message: expect.stringMatching(/line 3: term_months/),
    });
    expect(
      (await importFile(`${header}\nCredWatch,Monitor 12,12,${NEXT_YEAR},CW-1,no`, support)).statusCode,
    ).toBe(403);
    const badUrl = await importFile(
      `${header}\nCredWatch,Monitor 12,12,${NEXT_YEAR},CW-1,no`,
      officer,
      'ftp://x',
    );
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json()).toMatchObject({ field: 'enrollUrl' });

    const ok = await importFile(
      `${header}\nCredWatch,Monitor 12,12,${NEXT_YEAR},CW-1,no\nCredWatch,Monitor 12,12,${NEXT_YEAR},CW-2,no`,
    );
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      alreadyImported: false,
      pools: [
        { provider: 'CredWatch', product: 'Monitor 12', termMonths: 12, forMinors: false, codes: 2, free: 2 },
      ],
    });
    const entry = (await audit.listForIncident(db.pool, incidentId)).find(
      (e) => e.action === 'remediation_codes_imported',
    );
    expect(JSON.stringify(entry!.detail)).not.toMatch(/CW-\d/);

    // Delaware requires a year of credit monitoring for exposed SSNs (6 Del. C. § 12B-102(e)).
    const status = await app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/remediation-codes`,
      headers: bearer(support),
    });
    expect(status.statusCode, status.body).toBe(403);
    const seen = await app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/remediation-codes`,
      headers: bearer(officer),
    });
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json()).toMatchObject({
      eligible: { adults: 3, minors: 0 },
      free: { adults: 2, minors: 0 },
      short: { adults: 1, minors: 0 },
      requiredMonths: { adults: 12, minors: 0 },
      requiredBy: [{ citation: '6 Del. C. § 12B-102(e)', months: 12 }],
      termTooShort: [],
    });

    // Nobody has a code before delivery: all three are listed, paged.
    const page1 = await app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/remediation-codes/without?limit=2`,
      headers: bearer(officer),
    });
    expect(page1.statusCode, page1.body).toBe(200);
    const body = page1.json<{ items: { externalId: string }[]; next: number | null }>();
    expect(body.items.map((p) => p.externalId)).toEqual(['DE-1', 'DE-2']);
    const page2 = await app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/remediation-codes/without?limit=2&after=${body.next}`,
      headers: bearer(officer),
    });
    expect(page2.json()).toMatchObject({ items: [{ externalId: 'DE-3' }], next: null });
  });
});
