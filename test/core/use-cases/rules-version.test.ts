import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as audit from '../../../core/db/audit';
import * as incidents from '../../../core/db/incidents';
import * as obligations from '../../../core/db/obligations';
import { RULES_VERSION } from '../../../core/law';
import { identifyAffectedCustomers, openIncident } from '../../../core/use-cases/incidents';
import { importCustomers, importHoldings } from '../../../core/use-cases/inventory';
import { recordFiling } from '../../../core/use-cases/filings';
import { assess, reassessIncident, unplacedPeople } from '../../../core/use-cases/obligations';
import type { Actor } from '../../../core/use-cases/types';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import { newStaff, newUser } from '../../helpers/factories';
import { approvedFilingPacket } from '../../helpers/filings';
import { TemplateCache } from '../../../core/mail/template-cache';

/**
 * A rules review (RULES_VERSION) never rewrites an open incident: the obligations stay as assessed,
 * under the version they were assessed under, until someone re-assesses, which the trail records with
 * the previous version. Real PostgreSQL; the incident is made "older than the bump" by freezing it
 * under the previous review date, as an incident opened before the deploy would be.
 */
describe('core/use-cases/obligations: the frozen rules version, and people with no state', () => {
  const PREVIOUS = '2026-11-23';
  let db: TestDatabase;
  let config: Readonly<Config>;
  let officer: Actor;
  let compliance: Actor;
  let approver: Actor;

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-rules-version-')),
      DATABASE_URL: db.url,
      SMTP_URL: 'smtp://127.0.0.1:1',
      LOG_LEVEL: 'silent',
    });
    const staff = await newStaff(db.pool);
    officer = staff.officer.actor;
    compliance = staff.compliance.actor;
    approver = (await newUser(db.pool, { role: 'compliance', email: 'approver@staff.example.com' })).actor;
    await importCustomers(db, [
      // In Germany: GDPR Art. 33 has no threshold, so there is a regulator obligation to file.
      { externalId: 'RV1', fullName: 'Rita Version', email: 'rita@example.org', country: 'DE' },
      // A US customer whose state was never recorded, and one whose state was.
      { externalId: 'NS1', fullName: 'Nora Nostate', email: 'nora@example.org', country: 'US' },
      { externalId: 'TX1', fullName: 'Tex Placed', email: 'tex@example.org', country: 'US', region: 'US-TX' },
    ]);
    await importHoldings(db, [
      { customerExternalId: 'RV1', system: 'crm', categories: ['ssn'] },
      { customerExternalId: 'NS1', system: 'billing', categories: ['payment_card'] },
      { customerExternalId: 'TX1', system: 'billing', categories: ['payment_card'] },
    ]);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('an incident assessed before the bump keeps its version and obligations until it is re-assessed', async () => {
    expect(RULES_VERSION).not.toBe(PREVIOUS);
    const { incident } = await openIncident(db, officer, {
      title: 'Rules-version test incident',
      description: 'Exposed SSNs in the CRM.',
      discoveredAt: new Date(Date.now() - 3_600_000),
      systems: ['crm'],
      dataCategories: ['ssn'],
    });
    await identifyAffectedCustomers(db, incident.id);
    await assess({ pool: db.pool, config }, incident.id);
    // As the deploy before the bump would have left it: every row and the incident under the old date.
    const assessed = await obligations.current(db.pool, incident.id);
    await obligations.replace(
      db.pool,
      incident.id,
      assessed.map((o) => ({ ...o, rulesVersion: PREVIOUS })),
    );
    await obligations.setRulesVersion(db.pool, incident.id, PREVIOUS);
    const frozen = await obligations.current(db.pool, incident.id);

    // Working on it (a filing) leaves the version and the rule set alone.
    const regulator = frozen.find((o) => o.ruleId === 'DE.regulator');
    expect(regulator).toBeDefined();
    const packet = await approvedFilingPacket(
      { pool: db.pool, templates: new TemplateCache(db.pool), config },
      regulator!,
      { reviser: compliance, approver },
    );
    await recordFiling({ pool: db.pool }, compliance, {
      incidentId: incident.id,
      packetId: packet.id,
      channel: 'portal',
      filedAt: new Date(),
      reference: 'DE-2026-1',
      receipt: { filename: 'receipt.txt', contentType: 'text/plain', content: Buffer.from('Received.') },
    });
    expect((await incidents.get(db.pool, incident.id))?.rulesVersion).toBe(PREVIOUS);
    const after = await obligations.current(db.pool, incident.id);
    expect(after.map((o) => o.ruleId).sort()).toEqual(frozen.map((o) => o.ruleId).sort());
    expect(new Set(after.map((o) => o.rulesVersion))).toEqual(new Set([PREVIOUS]));

    // Re-assessment is the explicit step that moves it to today's rules, with the old version on record.
    const result = await reassessIncident({ pool: db.pool, config }, compliance, {
      incidentId: incident.id,
      reason: 'Rules reviewed on 7 December 2026',
    });
    expect(result.rulesVersion).toBe(RULES_VERSION);
    expect(new Set(result.items.map((o) => o.rulesVersion))).toEqual(new Set([RULES_VERSION]));
    const requested = (await audit.listForIncident(db.pool, incident.id)).find(
      (e) => e.action === 'reassessment_requested',
    );
    expect(requested?.detail).toMatchObject({ previousRulesVersion: PREVIOUS });
  });

  it('lists the US customers with no state, with the state rules that might apply; the placed are not listed', async () => {
    const { incident } = await openIncident(db, officer, {
      title: 'Billing export exposed',
      description: 'Card numbers in a billing export.',
      discoveredAt: new Date(Date.now() - 3_600_000),
      systems: ['billing'],
      dataCategories: ['payment_card'],
    });
    await identifyAffectedCustomers(db, incident.id);
    await assess({ pool: db.pool, config }, incident.id);
    // The assessment gives the Texan their state's rules; the customer with no state gets none.
    const rules = (await obligations.current(db.pool, incident.id)).map((o) => o.ruleId);
    expect(rules).toContain('US-TX.individuals');
    const unplaced = await unplacedPeople({ pool: db.pool, config }, incident.id);
    expect(unplaced).toHaveLength(1);
    expect(unplaced[0]).toMatchObject({ jurisdiction: 'US', count: 1, categories: ['payment_card'] });
    expect(unplaced[0]?.regions).toEqual(expect.arrayContaining(['US-CA', 'US-TX', 'US-NY']));
    expect(unplaced[0]?.mightApply).toContain('US-CA.individuals');
  });
});
