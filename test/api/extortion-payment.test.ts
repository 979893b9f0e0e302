import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app';
import { loadConfig } from '../../core/config';
import type { Config } from '../../core/config';
import * as audit from '../../core/db/audit';
import * as incidents from '../../core/db/incidents';
import { exportDossier } from '../../core/use-cases/dossier';
import { assess } from '../../core/use-cases/obligations';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { customerWith, identifyAffected, importInventory, newIncident, newUser } from '../helpers/factories';
import type { StaffMember } from '../helpers/factories';
import { bearer } from '../helpers/system';

const EXTORTION = 'US-NYDFS.regulator.extortion';
const EXPLANATION = 'US-NYDFS.regulator.extortion-explanation';

/**
 * NYDFS's extortion-payment notices (23 NYCRR 500.17(c)) on the real stack (PostgreSQL, the API):
 * for a covered entity (COMPANY_REGIMES=nydfs), recording the payment through the re-assessment
 * creates the 24-hour notice and the 30-day written explanation, both counted from the payment; the
 * rules stay silent until it is recorded, and a bad payment time is a 400 naming the field.
 */
describe('extortion payment (NYDFS 500.17(c))', () => {
  let db: TestDatabase;
  let app: App;
  let close: () => Promise<void>;
  let config: Readonly<Config>;
  let compliance: StaffMember;
  let incidentId: string;

  const ENV = { COMPANY_REGIMES: 'nydfs' };
  // In winter (EST all along), so the 30 calendar days are 30 × 24 hours.
  const DISCOVERED = new Date('2026-01-10T08:00:00.000Z');
  const PAID = new Date('2026-01-10T14:00:00.000Z');

  const obligationsNow = async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/obligations`,
      headers: bearer(compliance.token),
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as { ruleId: string; legalDueAt: string | null; dueAt: string | null }[];
  };
  const reassess = (payload: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/reassessment`,
      headers: bearer(compliance.token),
      payload: { reason: 'A ransom was paid', ...payload },
    });
  const ruleIds = async () => (await obligationsNow()).map((o) => o.ruleId);

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app, close } = await startApiOnly(db, ENV));
    config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...ENV });
    compliance = await newUser(db.pool, { role: 'compliance', email: 'ext-compliance@staff.example.com' });
    await importInventory(db.pool, {
      customers: [
        customerWith('email_with_consent', { externalId: 'EXT-1', fullName: 'Ed Ransom', region: 'US-NJ' }),
      ],
      holdings: [{ customerExternalId: 'EXT-1', system: 'files-ext', categories: ['ssn'] }],
    });
    ({
      incident: { id: incidentId },
    } = await newIncident(db.pool, {
      systems: ['files-ext'],
      dataCategories: ['ssn'],
      discoveredAt: DISCOVERED,
      title: 'Ransomware on the file server',
      description: 'Files were encrypted and copied; a ransom was demanded.',
    }));
    await identifyAffected(db.pool, incidentId);
    await assess({ pool: db.pool, config }, incidentId);
  });
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  it('without a recorded payment the extortion rules do not apply (the 72-hour notice does)', async () => {
    const ids = await ruleIds();
    expect(ids).toContain('US-NYDFS.regulator');
    expect(ids).not.toContain(EXTORTION);
    expect(ids).not.toContain(EXPLANATION);
    // A re-assessment that does not mention the payment leaves it unrecorded.
    expect((await reassess({})).statusCode).toBe(200);
    expect(await ruleIds()).not.toContain(EXTORTION);
  });

  it('refuses a payment in the future or not an instant, naming the field, and records nothing', async () => {
    const before = (await audit.listForIncident(db.pool, incidentId)).length;
    for (const extortionPaidAt of [new Date(Date.now() + 3_600_000).toISOString(), '2026-01-10', 42]) {
      const res = await reassess({ extortionPaidAt });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().message).toContain('extortionPaidAt');
    }
    expect((await audit.listForIncident(db.pool, incidentId)).length).toBe(before);
    expect((await incidents.get(db.pool, incidentId))!.extortionPaidAt).toBeNull();
  });

  it('recording the payment creates the 24-hour notice and the 30-day explanation, counted from it', async () => {
    const res = await reassess({ extortionPaidAt: PAID.toISOString() });
    expect(res.statusCode, res.body).toBe(200);
    const items = await obligationsNow();
    const notice = items.find((o) => o.ruleId === EXTORTION);
    const explanation = items.find((o) => o.ruleId === EXPLANATION);
    expect(notice).toMatchObject({
      legalDueAt: '2026-01-11T14:00:00.000Z',
      dueAt: '2026-01-11T14:00:00.000Z',
    });
    expect(explanation).toMatchObject({
      legalDueAt: '2026-02-09T14:00:00.000Z',
      dueAt: '2026-02-09T14:00:00.000Z',
    });
    // Stored on the incident, and the correction audited with the facts before and after.
    expect((await incidents.get(db.pool, incidentId))!.extortionPaidAt).toEqual(PAID);
    const request = (await audit.listForIncident(db.pool, incidentId))
      .filter((e) => e.action === 'reassessment_requested')
      .at(-1)!;
    expect(request.detail).toMatchObject({
      extortionPaidAt: PAID.toISOString(),
      before: { extortionPaidAt: null },
      after: { extortionPaidAt: PAID.toISOString() },
    });
    // The incident shows it.
    const incident = await app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}`,
      headers: bearer(compliance.token),
    });
    expect(incident.json().extortionPaidAt).toBe(PAID.toISOString());
  });

  it('the evidence dossier lists the payment with the incident’s facts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'extortion-dossier-'));
    await exportDossier({ pool: db.pool }, compliance.actor, { incidentId, dir });
    const dossier = JSON.parse(readFileSync(join(dir, 'dossier.json'), 'utf8'));
    expect(dossier.incident.facts.extortionPaidAt).toBe(PAID.toISOString());
  });

  it('a payment recorded by mistake is cleared with null, and its obligations go', async () => {
    expect((await reassess({ extortionPaidAt: null })).statusCode).toBe(200);
    const ids = await ruleIds();
    expect(ids).not.toContain(EXTORTION);
    expect(ids).not.toContain(EXPLANATION);
    expect((await incidents.get(db.pool, incidentId))!.extortionPaidAt).toBeNull();
  });
});
