import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app';
import { loadConfig } from '../../core/config';
import { assess } from '../../core/use-cases/obligations';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { customerWith, identifyAffected, importInventory, newIncident, newUser } from '../helpers/factories';
import type { StaffMember } from '../helpers/factories';
import { bearer } from '../helpers/system';

/**
 * The hold's request form through the API (45 CFR 164.412(b)): an unknown form is a 400 naming
 * `requestForm`; an oral hold answers each HIPAA obligation with its end 30 days on, a state's with none.
 */
describe('law-enforcement hold: written or oral (API)', () => {
  let db: TestDatabase;
  let app: App;
  let close: () => Promise<void>;
  let compliance: StaffMember;
  let incidentId: string;
  const ENV = { COMPANY_REGIMES: 'hipaa' };

  const hold = (payload: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/hold`,
      headers: bearer(compliance.token),
      payload: { reason: 'FBI agent, by telephone', ...payload },
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app, close } = await startApiOnly(db, ENV));
    const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...ENV });
    compliance = await newUser(db.pool, { role: 'compliance', email: 'leh-compliance@staff.example.com' });
    await importInventory(db.pool, {
      customers: [
        customerWith('email_with_consent', { externalId: 'LEH-1', fullName: 'Lee Hold', region: 'US-TX' }),
      ],
      holdings: [{ customerExternalId: 'LEH-1', system: 'ehr-leh', categories: ['medical', 'name'] }],
    });
    ({
      incident: { id: incidentId },
    } = await newIncident(db.pool, { systems: ['ehr-leh'], dataCategories: ['medical', 'name'] }));
    await identifyAffected(db.pool, incidentId);
    await assess({ pool: db.pool, config }, incidentId);
  });
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  it('refuses an unknown request form, naming the field', async () => {
    const res = await hold({ requestForm: 'telephone' });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().message).toContain('requestForm');
  });

  it('an oral hold ends HIPAA’s pause 30 days on; the state’s lasts until lifted', async () => {
    const res = await hold({ requestForm: 'oral' });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as {
      jurisdiction: string;
      heldSince: string | null;
      heldUntil: string | null;
    }[];
    const hipaa = items.filter((o) => o.jurisdiction === 'US-HIPAA' && o.heldSince);
    expect(hipaa.length).toBeGreaterThan(0);
    for (const o of hipaa) {
      expect(Date.parse(o.heldUntil!) - Date.parse(o.heldSince!)).toBe(30 * 86_400_000);
    }
    const texas = items.filter((o) => o.jurisdiction === 'US-TX' && o.heldSince);
    expect(texas.length).toBeGreaterThan(0);
    expect(texas.every((o) => o.heldUntil === null)).toBe(true);
  });
});
