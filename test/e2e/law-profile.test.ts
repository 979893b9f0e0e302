import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { withFixtureConsent } from '../helpers/factories';
import { startSmtpSink } from '../helpers/smtp';
import type { SmtpSink } from '../helpers/smtp';
import { bearer, eventually, startSystem } from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/**
 * Issue 16 through the running system: the company profile comes from configuration
 * (COMPANY_REGIMES) and decides which sector regimes' rules apply; people recorded with a country but
 * no state are listed with the rules that might apply, in the preview and for an incident.
 */
describe('law rules API: the company profile and people with no state', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;

  const api = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
    system.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    system = await startSystem(db, smtp.url, { COMPANY_REGIMES: 'glba, nis2' });
    const customers = [
      { externalId: 'us-nostate', fullName: 'Una Nostate', email: 'una@example.com', country: 'US' },
      {
        externalId: 'us-tx',
        fullName: 'Tess Texas',
        email: 'tess@example.com',
        country: 'US',
        region: 'US-TX',
      },
      {
        externalId: 'us-il',
        fullName: 'Ian Illinois',
        email: 'ian@example.com',
        country: 'US',
        region: 'US-IL',
      },
    ];
    await api('POST', '/api/inventory/customers', system.tokens.admin, customers.map(withFixtureConsent));
    await api(
      'POST',
      '/api/inventory/holdings',
      system.tokens.admin,
      customers.map((c) => ({
        customerExternalId: c.externalId,
        // The Illinois customer is only in the CRM, for the notice test.
        system: c.externalId === 'us-il' ? 'crm' : 'billing',
        categories: ['ssn'],
      })),
    );
  });

  afterAll(async () => {
    await system?.stop();
    await smtp?.close();
    await db?.drop();
  });

  it('GET /api/rules shows the configured profile and the profile each rule needs', async () => {
    const response = await api('GET', '/api/rules', system.tokens.support);
    expect(response.statusCode, response.body).toBe(200);
    const { profile, items } = response.json() as {
      profile: { regime: string; token: string; applies: boolean }[];
      items: { ruleId: string; profile: string | null }[];
    };
    expect(profile.filter((p) => p.applies).map((p) => p.token)).toEqual(['glba', 'nis2']);
    const rule = (id: string) => items.find((r) => r.ruleId === id);
    expect(rule('US-FTC.regulator.safeguards')?.profile).toBe('glbaFinancialInstitution');
    expect(rule('US-CA.individuals')?.profile).toBeNull();
  });

  it('the preview applies the profile’s regimes and lists the people with no state', async () => {
    const response = await api('POST', '/api/rules/preview', system.tokens.officer, {
      discoveredAt: '2026-03-05T14:30:00Z',
      affected: [
        { jurisdiction: 'US', count: 300, categories: ['ssn'] },
        { jurisdiction: 'DE', count: 250, categories: ['email'] },
      ],
    });
    expect(response.statusCode, response.body).toBe(200);
    const { items, unplaced } = response.json() as {
      items: { ruleId: string }[];
      unplaced: { jurisdiction: string; count: number; mightApply: string[] }[];
    };
    const ids = items.map((d) => d.ruleId);
    // 550 consumers wherever they live: the FTC Safeguards Rule; NIS2's three reports; no HIPAA.
    expect(ids).toEqual(
      expect.arrayContaining([
        'US-FTC.regulator.safeguards',
        'EU-NIS2.regulator.early-warning',
        'EU-NIS2.regulator.final-report',
      ]),
    );
    expect(ids.some((id) => id.startsWith('US-HIPAA'))).toBe(false);
    expect(unplaced).toHaveLength(1);
    expect(unplaced[0]).toMatchObject({ jurisdiction: 'US', count: 300 });
    expect(unplaced[0]?.mightApply).toContain('US-TX.individuals');
  });

  it('an incident lists its people with no state (GET /api/incidents/:id/unplaced)', async () => {
    const opened = await api('POST', '/api/incidents', system.tokens.officer, {
      title: 'Billing export exposed',
      description: 'A billing export with SSNs was copied.',
      discoveredAt: '2026-03-05T14:30:00Z',
      systems: ['billing'],
      dataCategories: ['ssn'],
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const id = opened.json().id as string;
    await eventually(
      async () =>
        (await api('GET', `/api/incidents/${id}`, system.tokens.officer)).json().status ===
        'awaiting_approval',
    );
    const response = await api('GET', `/api/incidents/${id}/unplaced`, system.tokens.support);
    expect(response.statusCode, response.body).toBe(200);
    const { items } = response.json() as {
      items: { jurisdiction: string; count: number; regions: string[] }[];
    };
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ jurisdiction: 'US', count: 1 });
    expect(items[0]?.regions).toEqual(expect.arrayContaining(['US-CA', 'US-TX']));
    const missing = await api(
      'GET',
      '/api/incidents/00000000-0000-4000-8000-000000000000/unplaced',
      system.tokens.support,
    );
    expect(missing.statusCode).toBe(404);
  });

  it('Illinois: the approval view warns when the description states the number affected (815 ILCS 530/10(a))', async () => {
    const opened = await api('POST', '/api/incidents', system.tokens.officer, {
      title: 'CRM export exposed',
      description: 'An export of 12,400 customer records was copied from the CRM.',
      discoveredAt: '2026-03-05T14:30:00Z',
      systems: ['crm'],
      dataCategories: ['ssn'],
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const id = opened.json().id as string;
    await eventually(
      async () =>
        (await api('GET', `/api/incidents/${id}`, system.tokens.officer)).json().status ===
        'awaiting_approval',
    );
    const notices = (await api('GET', `/api/incidents/${id}/notices`, system.tokens.compliance)).json() as {
      items: { variants: { warnings: string[]; sample: { text: string } }[] }[];
    };
    const variant = notices.items[0]?.variants[0];
    expect(variant?.warnings).toHaveLength(1);
    expect(variant?.warnings[0]).toMatch(
      /What happened seems to state a number of people .*815 ILCS 530\/10\(a\)/,
    );
    // The warning is for the approver: the text itself is not changed behind their back.
    expect(variant?.sample.text).toContain('12,400 customer records');
  });
});
