import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app';
import { loadConfig } from '../../core/config';
import { recordIncidentStatus } from '../../core/use-cases/incidents';
import { assess } from '../../core/use-cases/obligations';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { customerWith, identifyAffected, importInventory, newIncident, newUser } from '../helpers/factories';
import type { StaffMember } from '../helpers/factories';
import { bearer } from '../helpers/system';

/**
 * The retention routes (admins): the list of closed incidents with each one's basis and end — a
 * HIPAA incident kept six years (45 CFR 164.530(j)(2)), a plain one due at once under a policy of 0
 * days — purging the due one (then again: the same record, nothing more), and a 409 naming
 * `retainUntil` for the one still kept, a 404 for none.
 */
describe('retention (API)', () => {
  let db: TestDatabase;
  let app: App;
  let close: () => Promise<void>;
  let admin: StaffMember;
  let hipaa: string;
  let plain: string;
  const ENV = { COMPANY_REGIMES: 'hipaa', RETENTION_DEFAULT_DAYS: '0' };

  const call = (method: 'GET' | 'POST', url: string) =>
    app.inject({ method, url, headers: bearer(admin.token) });

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app, close } = await startApiOnly(db, ENV));
    const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...ENV });
    admin = await newUser(db.pool, { role: 'admin', email: 'retention-admin@staff.example.com' });
    await importInventory(db.pool, {
      customers: [
        customerWith('email_with_consent', { externalId: 'RH-1', fullName: 'Rhea Patient', region: 'US-TX' }),
        customerWith('email_with_consent', { externalId: 'RP-1', fullName: 'Rory Plain', region: 'US-TX' }),
      ],
      holdings: [
        { customerExternalId: 'RH-1', system: 'ehr-ret', categories: ['medical', 'name'] },
        { customerExternalId: 'RP-1', system: 'crm-ret', categories: ['email'] },
      ],
    });
    ({
      incident: { id: hipaa },
    } = await newIncident(db.pool, { systems: ['ehr-ret'], dataCategories: ['medical', 'name'] }));
    ({
      incident: { id: plain },
    } = await newIncident(db.pool, { systems: ['crm-ret'], dataCategories: ['email'] }));
    for (const id of [hipaa, plain]) {
      await identifyAffected(db.pool, id);
      await assess({ pool: db.pool, config }, id);
      await recordIncidentStatus({ pool: db.pool }, id, 'completed');
    }
  });
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  it('lists each closed incident with why and until when it is kept', async () => {
    const res = await call('GET', '/api/retention');
    expect(res.statusCode, res.body).toBe(200);
    const items = (res.json() as { items: Record<string, unknown>[] }).items;
    const of = (id: string) => items.find((i) => i.incidentId === id)!;
    expect(of(plain)).toMatchObject({ due: true, people: 1, purge: null, basis: [{ citation: 'policy' }] });
    const kept = of(hipaa);
    expect(kept).toMatchObject({ due: false, people: 1 });
    expect(kept.basis).toEqual(
      expect.arrayContaining([expect.objectContaining({ citation: '45 CFR 164.530(j)(2)', years: 6 })]),
    );
    const closedAt = new Date(kept.closedAt as string);
    expect(new Date(kept.retainUntil as string).getUTCFullYear()).toBe(closedAt.getUTCFullYear() + 6);
  });

  it('purges the due incident once, refuses the one still kept (naming retainUntil) and an unknown one', async () => {
    const first = await call('POST', `/api/retention/${plain}/purge`);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ alreadyPurged: false, purge: { counts: { affectedRecords: 1 } } });
    const again = await call('POST', `/api/retention/${plain}/purge`);
    expect(again.json()).toMatchObject({ alreadyPurged: true, purge: { counts: { affectedRecords: 1 } } });

    const kept = await call('POST', `/api/retention/${hipaa}/purge`);
    expect(kept.statusCode).toBe(409);
    expect(kept.json().message).toMatch(/^retainUntil: /);
    const none = await call('POST', '/api/retention/00000000-0000-4000-8000-000000000000/purge');
    expect(none.statusCode).toBe(404);

    const listed = (await call('GET', '/api/retention')).json() as { items: Record<string, unknown>[] };
    expect(listed.items.find((i) => i.incidentId === plain)).toMatchObject({ due: false, people: 0 });
  });
});
