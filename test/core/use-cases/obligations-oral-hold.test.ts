import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as audit from '../../../core/db/audit';
import * as obligations from '../../../core/db/obligations';
import type { Obligation } from '../../../core/db/obligations';
import type { StaffMailer } from '../../../core/mail/staff-mailer';
import { exportDossier } from '../../../core/use-cases/dossier';
import { assess, handleEvent, placeIncidentHold, schedule } from '../../../core/use-cases/obligations';
import type { ObligationDeps } from '../../../core/use-cases/obligations';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import {
  customerWith,
  identifyAffected,
  importInventory,
  newIncident,
  newUser,
} from '../../helpers/factories';
import type { StaffMember } from '../../helpers/factories';

const DAY = 86_400_000;

/**
 * HIPAA's oral law-enforcement request (45 CFR 164.412(b)) on real PostgreSQL: a hold asked for
 * orally pauses HIPAA's clocks for at most 30 days from the statement, then ends by itself (the
 * deadline watch's `hold_ends`, the deadline moved on by exactly the 30 days); a state's clock
 * stays paused until lifted; a written request recorded meanwhile ends the limit.
 */
describe('oral law-enforcement hold (HIPAA 164.412(b))', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let deps: ObligationDeps;
  let compliance: StaffMember;

  const heldIncident = async (requestForm: 'written' | 'oral') => {
    const { incident } = await newIncident(db.pool, {
      systems: ['ehr-oral'],
      dataCategories: ['medical', 'name'],
      title: 'Patient records copied',
      description: 'Patient records were copied from the EHR.',
    });
    await identifyAffected(db.pool, incident.id);
    await assess(deps, incident.id);
    const before = await obligations.current(db.pool, incident.id);
    await placeIncidentHold(deps, compliance.actor, {
      incidentId: incident.id,
      reason: 'FBI agent, by telephone: notice would impede the investigation',
      requestForm,
    });
    return { incidentId: incident.id, before };
  };
  const hipaa = (items: Obligation[]) => items.filter((o) => o.jurisdiction === 'US-HIPAA' && o.dueAt);
  const state = (items: Obligation[]) => items.find((o) => o.jurisdiction === 'US-CA')!;

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', COMPANY_REGIMES: 'hipaa' });
    deps = { pool: db.pool, config, staffMailer: { sendOnce: async () => {} } as unknown as StaffMailer };
    compliance = await newUser(db.pool, { role: 'compliance', email: 'oral-compliance@staff.example.com' });
    await importInventory(db.pool, {
      customers: [
        customerWith('email_with_consent', { externalId: 'ORAL-1', fullName: 'Pat Ient', region: 'US-CA' }),
      ],
      holdings: [{ customerExternalId: 'ORAL-1', system: 'ehr-oral', categories: ['medical', 'name'] }],
    });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('an oral request holds HIPAA’s clocks for 30 days from the statement, a state’s until lifted', async () => {
    const { incidentId } = await heldIncident('oral');
    const items = await obligations.current(db.pool, incidentId);
    expect(hipaa(items).length).toBeGreaterThan(0);
    for (const o of hipaa(items)) {
      expect(o.heldSince).not.toBeNull();
      expect(o.heldUntil!.getTime() - o.heldSince!.getTime()).toBe(30 * DAY);
    }
    expect(state(items).heldSince).not.toBeNull();
    expect(state(items).heldUntil).toBeNull();
    const entry = (await audit.listForIncident(db.pool, incidentId)).at(-1)!;
    expect(entry).toMatchObject({ action: 'law_enforcement_hold_recorded', detail: { requestForm: 'oral' } });

    // The watch ends each HIPAA hold at its limit and then counts to the moved deadline; nothing
    // for the state's obligation, whose clock stays paused.
    const events = await schedule(deps, incidentId);
    for (const o of hipaa(items)) {
      expect(events).toContainEqual({
        key: `${o.id}:hold_ends:${o.heldUntil!.getTime()}`,
        at: o.heldUntil!.toISOString(),
        kind: 'hold_ends',
        obligationId: o.id,
      });
      expect(events.map((e) => e.key)).toContain(`${o.id}:due:${o.dueAt!.getTime() + 30 * DAY}`);
    }
    expect(events.some((e) => e.obligationId === state(items).id)).toBe(false);

    // The evidence dossier shows each hold's end.
    const dir = mkdtempSync(join(tmpdir(), 'oral-hold-dossier-'));
    await exportDossier({ pool: db.pool }, compliance.actor, { incidentId, dir });
    const dossier = JSON.parse(readFileSync(join(dir, 'dossier.json'), 'utf8'));
    const inDossier = (id: string) => dossier.obligations.find((o: { id: string }) => o.id === id);
    expect(inDossier(hipaa(items)[0]!.id).heldUntil).toBe(hipaa(items)[0]!.heldUntil!.toISOString());
    expect(inDossier(state(items).id).heldUntil).toBeNull();
  });

  it('at the limit the hold ends by itself: the deadline moves on by the 30 days, audited once', async () => {
    const { incidentId, before } = await heldIncident('oral');
    const [first] = hipaa(await obligations.current(db.pool, incidentId));
    const event = (await schedule(deps, incidentId)).find(
      (e) => e.kind === 'hold_ends' && e.obligationId === first!.id,
    )!;
    // Too early: nothing happens.
    await handleEvent(deps, { incidentId, event, noticeApproved: false });
    expect((await obligations.get(db.pool, first!.id))!.heldSince).not.toBeNull();

    // 31 days on (the hold placed 31 days ago).
    await db.pool.query(
      `UPDATE obligations SET held_since = held_since - interval '31 days', held_until = held_until - interval '31 days'
       WHERE incident_id = $1 AND held_until IS NOT NULL AND superseded_at IS NULL`,
      [incidentId],
    );
    const late = (await schedule(deps, incidentId)).find(
      (e) => e.kind === 'hold_ends' && e.obligationId === first!.id,
    )!;
    await handleEvent(deps, { incidentId, event: late, noticeApproved: false });
    await handleEvent(deps, { incidentId, event: late, noticeApproved: false }); // a retry
    const after = (await obligations.get(db.pool, first!.id))!;
    expect(after.heldSince).toBeNull();
    expect(after.heldUntil).toBeNull();
    const original = before.find(
      (o) => o.ruleId === first!.ruleId && o.jurisdiction === first!.jurisdiction,
    )!;
    expect(after.dueAt!.getTime() - original.dueAt!.getTime()).toBe(30 * DAY);
    const expired = (await audit.listForIncident(db.pool, incidentId)).filter(
      (e) => e.action === 'law_enforcement_hold_expired',
    );
    expect(expired.map((e) => e.detail.obligationId)).toEqual([first!.id]);
    // The state's obligation is still held.
    expect(state(await obligations.current(db.pool, incidentId)).heldSince).not.toBeNull();
  });

  it('a written request recorded while the oral hold runs ends its limit; a written one has none', async () => {
    const { incidentId } = await heldIncident('oral');
    const heldSince = hipaa(await obligations.current(db.pool, incidentId))[0]!.heldSince;
    await placeIncidentHold(deps, compliance.actor, {
      incidentId,
      reason: 'FBI letter confirming the request: 60 days',
      requestForm: 'written',
    });
    for (const o of hipaa(await obligations.current(db.pool, incidentId))) {
      expect(o.heldUntil).toBeNull();
      expect(o.heldSince).toEqual(heldSince); // the hold goes on from the oral statement
    }
    expect((await schedule(deps, incidentId)).some((e) => e.kind === 'hold_ends')).toBe(false);

    const written = await heldIncident('written');
    for (const o of hipaa(await obligations.current(db.pool, written.incidentId))) {
      expect(o.heldSince).not.toBeNull();
      expect(o.heldUntil).toBeNull();
    }
  });
});
