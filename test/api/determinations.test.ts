import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app';
import { loadConfig } from '../../core/config';
import { assess } from '../../core/use-cases/obligations';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { identifyAffected, importInventory, newIncident, newUser } from '../helpers/factories';
import type { StaffMember } from '../helpers/factories';
import { bearer } from '../helpers/system';

interface ObligationRow {
  id: string;
  ruleId: string;
  jurisdiction: string;
  audience: string;
  status: string;
  reason: string | null;
  citation: string;
  heldSince: string | null;
}

/**
 * Determinations through the API on PostgreSQL (issue 15, item 4), with two compliance users and a
 * third who opened the incident: the proposer and the opener may not decide; a second compliance user
 * does, and the approval re-assesses in the same transaction — a lead supervisory authority leaves
 * one EU supervisory obligation and sets the others aside with the reason; Alaska's no-harm
 * determination sets the notice aside and creates the written notice to the Attorney General
 * (AS 45.48.010(c)); withdrawing it brings the notice back; a law-enforcement request places the hold.
 */
describe('determinations (API)', () => {
  let db: TestDatabase;
  let app: App;
  let close: () => Promise<void>;
  let proposer: StaffMember;
  let approver: StaffMember;
  let opener: StaffMember;
  let officer: StaffMember;
  let incidentId: string;

  const call = (who: StaffMember, method: 'GET' | 'POST', path: string, payload?: object) =>
    app.inject({
      method,
      url: `/api/incidents/${incidentId}${path}`,
      headers: bearer(who.token),
      ...(payload ? { payload } : {}),
    });
  const propose = (payload: object, who = proposer) => call(who, 'POST', '/determinations', payload);
  const decide = (id: string, payload: object, who = approver) =>
    call(who, 'POST', `/determinations/${id}/decision`, payload);
  const obligationsNow = async () =>
    (await call(approver, 'GET', '/obligations')).json().items as ObligationRow[];
  const auditActions = async () =>
    (
      await db.pool.query<{ action: string }>(
        `SELECT action FROM audit_events WHERE incident_id = $1 ORDER BY id`,
        [incidentId],
      )
    ).rows.map((r) => r.action);

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app, close } = await startApiOnly(db));
    const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
    proposer = await newUser(db.pool, { role: 'compliance', email: 'det-a@staff.example.com' });
    approver = await newUser(db.pool, { role: 'compliance', email: 'det-b@staff.example.com' });
    opener = await newUser(db.pool, { role: 'compliance', email: 'det-opener@staff.example.com' });
    officer = await newUser(db.pool, { role: 'officer', email: 'det-officer@staff.example.com' });
    const person = (externalId: string, where: { country: string; region?: string }) => ({
      externalId,
      fullName: `Person ${externalId}`,
      ...where,
    });
    await importInventory(db.pool, {
      customers: [
        person('DET-DE', { country: 'DE' }),
        person('DET-FR', { country: 'FR' }),
        person('DET-IT', { country: 'IT' }),
        person('DET-AK', { country: 'US', region: 'US-AK' }),
      ],
      holdings: ['DET-DE', 'DET-FR', 'DET-IT', 'DET-AK'].map((id) => ({
        customerExternalId: id,
        system: 'crm-det',
        categories: ['name', 'ssn', 'financial_account'],
      })),
    });
    ({
      incident: { id: incidentId },
    } = await newIncident(db.pool, {
      openedBy: opener.user,
      systems: ['crm-det'],
      dataCategories: ['name', 'ssn', 'financial_account'],
    }));
    await identifyAffected(db.pool, incidentId);
    await assess({ pool: db.pool, config }, incidentId);
  });
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await app.inject({ method: 'GET', url: '/docs/json', headers: bearer(officer.token) });
    expect(doc.statusCode, doc.body).toBe(200);
    expect(Object.keys(doc.json().paths)).toEqual(
      expect.arrayContaining([
        '/api/incidents/{id}/determinations',
        '/api/incidents/{id}/determinations/{determinationId}/decision',
        '/api/incidents/{id}/determinations/{determinationId}/withdrawal',
      ]),
    );
  });

  it('lists none at first; an officer may not propose', async () => {
    const list = await call(officer, 'GET', '/determinations');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items).toEqual([]);
    expect((await propose({ kind: 'exemption', reason: 'x', facts: ['y'] }, officer)).statusCode).toBe(403);
  });

  it('refuses a proposal missing what its kind needs, naming the field', async () => {
    const noFacts = await propose({ kind: 'no_risk_of_harm', reason: 'Forensics found no exfiltration' });
    expect(noFacts.statusCode, noFacts.body).toBe(400);
    expect(noFacts.json().field).toBe('facts');

    const notEu = await propose({
      kind: 'lead_supervisory_authority',
      reason: 'Main establishment',
      leadJurisdiction: 'US',
    });
    expect(notEu.statusCode, notEu.body).toBe(400);
    expect(notEu.json().field).toBe('leadJurisdiction');

    const noLead = await propose({ kind: 'lead_supervisory_authority', reason: 'Main establishment' });
    expect(noLead.statusCode, noLead.body).toBe(400);
    expect(noLead.json().field).toBe('leadJurisdiction');

    const unknownRule = await propose({
      kind: 'exemption',
      reason: 'Encrypted',
      facts: ['AES'],
      ruleIds: ['XX.nothing'],
    });
    expect(unknownRule.statusCode, unknownRule.body).toBe(400);
    expect(unknownRule.json().field).toBe('ruleIds.0');

    const foreign = await propose({
      kind: 'exemption',
      reason: 'Encrypted',
      facts: ['AES'],
      obligationIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(foreign.statusCode, foreign.body).toBe(400);
    expect(foreign.json().field).toBe('obligationIds.0');
  });

  it('a lead supervisory authority: the proposer and the opener are refused; the second approver leaves one EU filing', async () => {
    const before = await obligationsNow();
    const euRegulators = before.filter(
      (o) => ['DE', 'FR', 'IT'].includes(o.jurisdiction) && o.audience === 'regulator',
    );
    expect(euRegulators.map((o) => o.jurisdiction).sort()).toEqual(['DE', 'FR', 'IT']);

    const proposed = await propose({
      kind: 'lead_supervisory_authority',
      reason: 'Main establishment in Ireland (Dublin), where decisions on processing are taken',
      leadJurisdiction: 'IE',
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const d = proposed.json();
    expect(d).toMatchObject({ status: 'proposed', leadJurisdiction: 'IE', proposedBy: proposer.user.id });
    // Nothing changes until a second person approves.
    expect((await obligationsNow()).filter((o) => o.status === 'not_required')).toEqual(
      before.filter((o) => o.status === 'not_required'),
    );

    const own = await decide(d.id, { decision: 'approve' }, proposer);
    expect(own.statusCode, own.body).toBe(403);
    expect(own.json().message).toContain('proposed');
    const opened = await decide(d.id, { decision: 'approve' }, opener);
    expect(opened.statusCode, opened.body).toBe(403);
    expect(opened.json().message).toContain('opened the incident');
    const bareReject = await decide(d.id, { decision: 'reject' });
    expect(bareReject.statusCode, bareReject.body).toBe(400);
    expect(bareReject.json().field).toBe('comment');

    const approved = await decide(d.id, { decision: 'approve', comment: 'Agreed: Irish DPC leads' });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', decidedBy: approver.user.id });
    expect((await decide(d.id, { decision: 'approve' })).statusCode).toBe(409);

    const after = (await obligationsNow()).filter((o) => o.audience === 'regulator');
    const lead = after.filter((o) => o.jurisdiction === 'IE');
    expect(
      lead,
      'the lead authority’s obligation exists although no Irish resident is affected',
    ).toHaveLength(1);
    expect(lead[0]!.status).toBe('pending');
    for (const j of ['DE', 'FR', 'IT']) {
      const o = after.find((x) => x.jurisdiction === j)!;
      expect(o.status, j).toBe('not_required');
      expect(o.reason, j).toContain('Lead supervisory authority under GDPR Art. 56');
      expect(o.reason, j).toContain('(IE)');
    }
    // The packets the new obligations need are drafted after the commit: the lead's, none for those set aside.
    const packets = (
      await db.pool.query<{ subject: string }>(
        `SELECT subject FROM notices WHERE incident_id = $1 AND audience = 'filing_packet'`,
        [incidentId],
      )
    ).rows.map((r) => r.subject);
    expect(packets).toContain(`${lead[0]!.ruleId}@IE#1`);
    expect(packets.filter((p) => /@(DE|FR|IT)#/.test(p))).toEqual([]);

    // One lead authority (Art. 56(1)): another is refused while this one stands.
    const second = await propose({
      kind: 'lead_supervisory_authority',
      reason: 'Or France?',
      leadJurisdiction: 'FR',
    });
    const refused = await decide(second.json().id, { decision: 'approve' });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().message).toContain('(IE)');
    await call(proposer, 'POST', `/determinations/${second.json().id}/withdrawal`, {
      reason: 'Proposed by mistake',
    });

    const actions = await auditActions();
    expect(actions).toContain('determination_proposed');
    expect(actions).toContain('determination_approved');
    expect(actions.lastIndexOf('obligations_assessed')).toBeGreaterThan(
      actions.indexOf('determination_approved'),
    );
  });

  it('Alaska no risk of harm: the notice is set aside and the written notice to the Attorney General is due; withdrawn, the notice is back', async () => {
    const proposed = await propose({
      kind: 'no_risk_of_harm',
      reason: 'After an appropriate investigation, no reasonable likelihood of harm',
      facts: [
        'The laptop was recovered sealed within two hours',
        'Disk encryption on; key not stored with it',
      ],
      jurisdictions: ['US-AK'],
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const d = proposed.json();
    const approved = await decide(d.id, { decision: 'approve' });
    expect(approved.statusCode, approved.body).toBe(200);

    const alaska = (await obligationsNow()).filter((o) => o.jurisdiction === 'US-AK');
    const notice = alaska.find((o) => o.audience === 'individuals')!;
    expect(notice.status).toBe('not_required');
    expect(notice.reason).toContain('no risk of harm');
    const ag = alaska.filter((o) => o.audience === 'regulator' && o.citation.includes('45.48.010(c)'));
    expect(ag).toHaveLength(1);
    expect(ag[0]!.status).toBe('pending');

    const withdrawn = await call(proposer, 'POST', `/determinations/${d.id}/withdrawal`, {
      reason: 'The forensic report was revised: exfiltration cannot be ruled out',
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', withdrawnBy: proposer.user.id });
    const back = (await obligationsNow()).filter((o) => o.jurisdiction === 'US-AK');
    expect(back.find((o) => o.audience === 'individuals')!.status).toBe('pending');
    expect(back.filter((o) => o.citation.includes('45.48.010(c)'))).toHaveLength(0);
    const again = await call(proposer, 'POST', `/determinations/${d.id}/withdrawal`, { reason: 'twice' });
    expect(again.statusCode, again.body).toBe(409);
  });

  it('a law-enforcement request, approved, holds what it covers; withdrawn, lets go', async () => {
    const proposed = await propose({
      kind: 'law_enforcement_request',
      reason: 'State troopers, letter of 4 December: notice would impede the investigation',
      jurisdictions: ['US-AK'],
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    expect(proposed.json().requestForm).toBe('written');
    const approved = await decide(proposed.json().id, { decision: 'approve' });
    expect(approved.statusCode, approved.body).toBe(200);
    const now = await obligationsNow();
    const notice = now.find((o) => o.jurisdiction === 'US-AK' && o.audience === 'individuals')!;
    expect(notice.heldSince).not.toBeNull();
    expect(now.filter((o) => o.jurisdiction !== 'US-AK' && o.heldSince !== null)).toEqual([]);
    expect(await auditActions()).toContain('law_enforcement_hold_recorded');

    // Withdrawn (recorded in error), the hold it placed is lifted: the clock runs again.
    const withdrawn = await call(approver, 'POST', `/determinations/${proposed.json().id}/withdrawal`, {
      reason: 'The letter was about another matter',
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect((await obligationsNow()).filter((o) => o.heldSince !== null)).toEqual([]);
    expect(await auditActions()).toContain('law_enforcement_hold_lifted');
  });

  it('a rejection is kept with its comment, and lists show who did what', async () => {
    const proposed = await propose({
      kind: 'safe_harbour',
      reason: 'Notified under our GLBA policy',
      facts: ['Policy v3'],
    });
    const rejected = await decide(proposed.json().id, {
      decision: 'reject',
      comment: 'No GLBA policy applies here',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      decisionComment: 'No GLBA policy applies here',
    });
    const list = (await call(officer, 'GET', '/determinations')).json().items as {
      status: string;
      proposedByName: string;
    }[];
    expect(list.map((d) => d.status)).toEqual([
      'rejected',
      'withdrawn',
      'withdrawn',
      'withdrawn',
      'approved',
    ]);
    expect(list[0]!.proposedByName).toBe('Test compliance');
  });
});
