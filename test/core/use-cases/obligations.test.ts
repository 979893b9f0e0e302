import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as audit from '../../../core/db/audit';
import * as incidents from '../../../core/db/incidents';
import * as users from '../../../core/db/users';
import type { User } from '../../../core/db/users';
import { identifyAffectedCustomers, openIncident } from '../../../core/use-cases/incidents';
import { importCustomers, importHoldings } from '../../../core/use-cases/inventory';
import { assess, reassessIncident } from '../../../core/use-cases/obligations';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';

/** Obligation use cases against real PostgreSQL: each is one transaction with its audit entry. */
describe('core/use-cases/obligations', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let officer: User;
  let compliance: User;

  const newIncident = async () => {
    const { incident } = await openIncident(db, officer, {
      title: 'Use-case test incident',
      description: 'Exposed email addresses in the CRM.',
      discoveredAt: new Date(Date.now() - 3_600_000),
      systems: ['crm'],
      dataCategories: ['email', 'account_credentials'],
    });
    await identifyAffectedCustomers(db, incident.id);
    await assess({ pool: db.pool, config }, incident.id);
    return incident;
  };
  const actions = async (incidentId: string) =>
    (await audit.listForIncident(db.pool, incidentId)).map((e) => e.action);

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-use-cases-')),
      DATABASE_URL: db.url,
      SMTP_URL: 'smtp://127.0.0.1:1',
      LOG_LEVEL: 'silent',
    });
    const token = () => randomBytes(16).toString('hex');
    officer = await users.upsertWithToken(
      db.pool,
      { email: 'o@staff.example.com', displayName: 'O', role: 'officer' },
      token(),
    );
    compliance = await users.upsertWithToken(
      db.pool,
      { email: 'c@staff.example.com', displayName: 'C', role: 'compliance' },
      token(),
    );
    await importCustomers(db, [
      { externalId: 'UC1', fullName: 'Una Case', email: 'una@example.org', country: 'US', region: 'US-CA' },
    ]);
    await importHoldings(db, [
      { customerExternalId: 'UC1', system: 'crm', categories: ['email', 'account_credentials'] },
    ]);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('re-assesses from corrected facts in one commit: the correction, its request and the new assessment', async () => {
    const incident = await newIncident();
    const discoveredAt = new Date(Date.now() - 2 * 3_600_000);
    const result = await reassessIncident({ pool: db.pool, config }, compliance, {
      incidentId: incident.id,
      reason: 'Discovery was earlier',
      discoveredAt,
    });
    expect(result.items.length).toBeGreaterThan(0);
    expect((await incidents.get(db.pool, incident.id))!.discoveredAt).toEqual(discoveredAt);
    expect((await actions(incident.id)).slice(-2)).toEqual([
      'reassessment_requested',
      'obligations_assessed',
    ]);
  });

  it('writes nothing when the assessment fails: no corrected fact and no request entry remain', async () => {
    const incident = await newIncident();
    const before = await actions(incident.id);
    const broken = { ...config, policy: undefined } as unknown as Config; // the assessment reads policy
    await expect(
      reassessIncident({ pool: db.pool, config: broken }, compliance, {
        incidentId: incident.id,
        reason: 'Discovery was earlier',
        discoveredAt: new Date(Date.now() - 5 * 3_600_000),
      }),
    ).rejects.toThrow(TypeError);
    expect((await incidents.get(db.pool, incident.id))!.discoveredAt).toEqual(incident.discoveredAt);
    expect(await actions(incident.id)).toEqual(before);
  });
});
