import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as determinations from '../../../core/db/determinations';
import * as obligations from '../../../core/db/obligations';
import {
  covers,
  decideDetermination,
  proposeDetermination,
  withdrawDetermination,
} from '../../../core/use-cases/determinations';
import { assess } from '../../../core/use-cases/obligations';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import { identifyAffected, importInventory, newIncident, newUser } from '../../helpers/factories';
import type { StaffMember } from '../../helpers/factories';

/**
 * The determinations use cases on PostgreSQL: the scope derived from obligations (and refused where
 * rules × jurisdictions would cover more than was named), four eyes held by the database too, and a
 * proposal withdrawn before any decision changing nothing (no re-assessment).
 */
describe('determinations (use cases)', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let a: StaffMember;
  let b: StaffMember;
  let incidentId: string;
  const deps = () => ({ pool: db.pool, config });
  const assessments = async () =>
    (
      await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE incident_id = $1 AND action = 'obligations_assessed'`,
        [incidentId],
      )
    ).rows[0]!.n;

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
    a = await newUser(db.pool, { role: 'compliance', email: 'duc-a@staff.example.com' });
    b = await newUser(db.pool, { role: 'compliance', email: 'duc-b@staff.example.com' });
    await importInventory(db.pool, {
      customers: [
        { externalId: 'DUC-TX', fullName: 'Tex Ranger', country: 'US', region: 'US-TX' },
        { externalId: 'DUC-FL', fullName: 'Flo Rida', country: 'US', region: 'US-FL' },
      ],
      holdings: ['DUC-TX', 'DUC-FL'].map((id) => ({
        customerExternalId: id,
        system: 'crm-duc',
        categories: ['name', 'ssn'],
      })),
    });
    ({
      incident: { id: incidentId },
    } = await newIncident(db.pool, { systems: ['crm-duc'], dataCategories: ['name', 'ssn'] }));
    await identifyAffected(db.pool, incidentId);
    await assess(deps(), incidentId);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('covers: rule ids and jurisdictions each narrow; both empty is the whole incident', () => {
    const o = { ruleId: 'US-TX.individuals', jurisdiction: 'US-TX' } as Parameters<typeof covers>[1];
    expect(covers({ ruleIds: [], jurisdictions: [] }, o)).toBe(true);
    expect(covers({ ruleIds: [], jurisdictions: ['US-TX'] }, o)).toBe(true);
    expect(covers({ ruleIds: [], jurisdictions: ['US-FL'] }, o)).toBe(false);
    expect(covers({ ruleIds: ['US-TX.individuals'], jurisdictions: [] }, o)).toBe(true);
    expect(covers({ ruleIds: ['US-FL.individuals'], jurisdictions: ['US-TX'] }, o)).toBe(false);
  });

  it('named obligations become their rules and jurisdictions', async () => {
    const texas = (await obligations.current(db.pool, incidentId)).find(
      (o) => o.jurisdiction === 'US-TX' && o.audience === 'individuals',
    )!;
    const d = await proposeDetermination(deps(), a.actor, {
      incidentId,
      kind: 'exemption',
      reason: 'Encrypted; the key was not taken',
      facts: ['AES-256 at rest', 'Key held in the HSM, not on the stolen disk'],
      obligationIds: [texas.id],
    });
    expect(d).toMatchObject({
      status: 'proposed',
      ruleIds: [texas.ruleId],
      jurisdictions: ['US-TX'],
      obligationIds: [texas.id],
      requestForm: null,
    });
    // Withdrawn before anyone decided: it never took effect, so nothing is re-assessed.
    const before = await assessments();
    const withdrawn = await withdrawDetermination(deps(), a.actor, {
      incidentId,
      determinationId: d.id,
      reason: 'Proposed on the wrong incident',
    });
    expect(withdrawn.status).toBe('withdrawn');
    expect(await assessments()).toBe(before);
    await expect(
      decideDetermination(deps(), b.actor, {
        incidentId,
        determinationId: d.id,
        decision: 'approve',
        comment: null,
      }),
    ).rejects.toThrow(/withdrawn/);
  });

  it('refuses naming obligations together with rules or jurisdictions', async () => {
    const any = (await obligations.current(db.pool, incidentId))[0]!;
    await expect(
      proposeDetermination(deps(), a.actor, {
        incidentId,
        kind: 'exemption',
        reason: 'Encrypted',
        facts: ['AES'],
        obligationIds: [any.id],
        jurisdictions: ['US-FL'],
      }),
    ).rejects.toMatchObject({ field: 'obligationIds' });
  });

  it('the database refuses a decision by the proposer, whatever the code path', async () => {
    const d = await proposeDetermination(deps(), a.actor, {
      incidentId,
      kind: 'safe_harbour',
      reason: 'Notified under the primary regulator’s rules',
      facts: ['OCC guidance followed'],
    });
    await expect(
      determinations.decide(db.pool, d.id, { status: 'approved', decidedBy: a.user.id, comment: null }),
    ).rejects.toThrow(/determinations_second_person_check/);
  });
});
