import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { withFixtureConsent } from '../helpers/factories';
import { approvePacketByApi } from '../helpers/filings';
import { startSmtpSink } from '../helpers/smtp';
import type { SmtpSink } from '../helpers/smtp';
import { bearer, eventually, startSystem } from '../helpers/system';
import type { TestSystem } from '../helpers/system';

/** The obligations API against a running system: assessment, safe harbour, filings, holds, re-assessment. */
describe('obligations API', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;

  const api = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
    system.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

  const openIncident = async (overrides: Record<string, unknown>) => {
    const response = await api('POST', '/api/incidents', system.tokens.officer, {
      title: 'Exposed backup of the customer database',
      description: 'A database backup was reachable from the internet for two days.',
      discoveredAt: '2026-03-05T14:30:00Z',
      systems: ['crm'],
      dataCategories: ['ssn', 'email'],
      ...overrides,
    });
    expect(response.statusCode, response.body).toBe(201);
    const id = response.json().id as string;
    await eventually(
      async () =>
        (await api('GET', `/api/incidents/${id}`, system.tokens.officer)).json().status ===
        'awaiting_approval',
    );
    return id;
  };

  const obligationsOf = async (id: string) =>
    (await api('GET', `/api/incidents/${id}/obligations`, system.tokens.compliance)).json();

  /** Files an obligation with proof: its packet approved (four eyes), then recorded with reference and receipt. */
  const fileWithProof = async (id: string, obligation: { jurisdiction: string }, reference: string) => {
    const packetId = await approvePacketByApi(
      api,
      id,
      { ruleId: `${obligation.jurisdiction}.regulator`, jurisdiction: obligation.jurisdiction },
      { reviser: system.tokens.compliance, approver: system.tokens.compliance2 },
    );
    return api('POST', `/api/incidents/${id}/packets/${packetId}/filing`, system.tokens.compliance, {
      channel: 'portal',
      filedAt: new Date().toISOString(),
      reference,
      receipt: {
        filename: 'portal-confirmation.txt',
        contentType: 'text/plain',
        base64: Buffer.from(`Notification ${reference} received`).toString('base64'),
      },
    });
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    system = await startSystem(db, smtp.url);
    const customers = [
      ...Array.from({ length: 30 }, (_, i) => ({
        externalId: `ca${i}`,
        fullName: `Cal ${i}`,
        email: `ca${i}@example.com`,
        country: 'US',
        region: 'US-CA',
      })),
      ...Array.from({ length: 10 }, (_, i) => ({
        externalId: `de${i}`,
        fullName: `Dora ${i}`,
        email: `de${i}@example.de`,
        locale: 'de',
        country: 'DE',
      })),
    ];
    // Agreed to electronic notices (see FIXTURE_CONSENT): this test is about obligations met by email.
    await api('POST', '/api/inventory/customers', system.tokens.admin, customers.map(withFixtureConsent));
    await api(
      'POST',
      '/api/inventory/holdings',
      system.tokens.admin,
      customers.map((c) => ({
        customerExternalId: c.externalId,
        system: 'crm',
        categories: ['name', 'ssn', 'email'],
      })),
    );
  });

  afterAll(async () => {
    await system?.stop();
    await smtp?.close();
    await db?.drop();
  });

  it('lists every covered jurisdiction and audience with its citation', async () => {
    const rules = (await api('GET', '/api/rules', system.tokens.support)).json();
    expect(rules.items.length).toBeGreaterThan(60);
    expect(rules.items.every((r: { citation: string }) => r.citation.length > 0)).toBe(true);
    const jurisdictions = new Set(rules.items.map((r: { jurisdiction: string }) => r.jurisdiction));
    for (const j of [
      'DE',
      'GB',
      'US-CA',
      'US-HIPAA',
      'US-SEC',
      'US-NYDFS',
      'CA',
      'AU',
      'BR',
      'SG',
      'KR',
      'JP',
      'CN',
    ]) {
      expect(jurisdictions.has(j), j).toBe(true);
    }
  });

  it('previews a hypothetical incident, applying thresholds', async () => {
    const preview = async (count: number) =>
      (
        await api('POST', '/api/rules/preview', system.tokens.officer, {
          discoveredAt: '2026-03-05T14:30:00Z',
          affected: [{ jurisdiction: 'US-CO', count, categories: ['ssn', 'name'] }],
        })
      ).json().items as { jurisdiction: string; audience: string }[];
    const regulator = (items: { jurisdiction: string; audience: string }[]) =>
      items.filter((o) => o.jurisdiction === 'US-CO' && o.audience === 'regulator');
    expect(regulator(await preview(499))).toHaveLength(0);
    expect(regulator(await preview(500))).toHaveLength(1);
    const bad = await api('POST', '/api/rules/preview', system.tokens.officer, {
      discoveredAt: '2026-03-05T14:30:00Z',
      affected: [{ jurisdiction: 'California', count: 1, categories: ['ssn'] }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('affected.0.jurisdiction');
  });

  it('assesses the obligations, with the encryption safe harbour where the law gives it', async () => {
    const id = await openIncident({ encrypted: true, keyCompromised: false });
    const result = await obligationsOf(id);
    expect(result.rulesVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const ca = result.items.find(
      (o: { jurisdiction: string; audience: string }) =>
        o.jurisdiction === 'US-CA' && o.audience === 'individuals',
    );
    expect(ca).toMatchObject({ status: 'not_required', reason: expect.stringContaining('encrypted') });
    // GDPR's notice to the supervisory authority has no encryption safe harbour.
    const de = result.items.find(
      (o: { jurisdiction: string; audience: string }) =>
        o.jurisdiction === 'DE' && o.audience === 'regulator',
    );
    // (Discovered in the past, so the watcher may already have marked it overdue.)
    expect(de).toMatchObject({ reason: null, dueAt: '2026-03-08T14:30:00.000Z' });
    expect(['pending', 'overdue']).toContain(de.status);
  });

  it('records filings, holds and re-assessments, each in the audit trail', async () => {
    const id = await openIncident({ title: 'Second exposure' });
    const items = (await obligationsOf(id)).items as {
      id: string;
      jurisdiction: string;
      audience: string;
      dueAt: string | null;
    }[];
    const gdpr = items.find((o) => o.jurisdiction === 'DE' && o.audience === 'regulator')!;
    // Met only with proof: the approved packet recorded as filed, with the reference and a receipt.
    const filed = await fileWithProof(id, gdpr, '2026-117');
    expect(filed.statusCode, filed.body).toBe(201);
    expect((await obligationsOf(id)).items.find((o: { id: string }) => o.id === gdpr.id)).toMatchObject({
      status: 'met',
    });

    const individuals = items.find((o) => o.jurisdiction === 'US-CA' && o.audience === 'individuals')!;
    const held = await api(
      'POST',
      `/api/incidents/${id}/obligations/${individuals.id}/delay`,
      system.tokens.compliance,
      {
        reason: 'The FBI asked us in writing to delay notice while they investigate.',
        lawEnforcementHold: true,
      },
    );
    expect(held.statusCode, held.body).toBe(200);
    expect(held.json().heldSince).not.toBeNull();
    // GDPR sets no law-enforcement pause: the reason is recorded, the clock keeps running.
    const gdprIndividuals = items.find((o) => o.jurisdiction === 'DE' && o.audience === 'individuals');
    if (gdprIndividuals) {
      const noPause = await api(
        'POST',
        `/api/incidents/${id}/obligations/${gdprIndividuals.id}/delay`,
        system.tokens.compliance,
        {
          reason: 'Police request',
          lawEnforcementHold: true,
        },
      );
      expect(noPause.statusCode).toBe(200);
      expect(noPause.json()).toMatchObject({ heldSince: null, delayReason: 'Police request' });
    }
    const lifted = await api(
      'POST',
      `/api/incidents/${id}/obligations/${individuals.id}/hold-lifted`,
      system.tokens.compliance,
    );
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(Date.parse(lifted.json().dueAt)).toBeGreaterThan(Date.parse(individuals.dueAt!));

    const reassessed = await api('POST', `/api/incidents/${id}/reassessment`, system.tokens.compliance, {
      reason: 'The logs show we discovered it a day earlier than first reported.',
      discoveredAt: '2026-03-04T14:30:00Z',
    });
    expect(reassessed.statusCode, reassessed.body).toBe(200);
    const deAfter = reassessed
      .json()
      .items.find(
        (o: { jurisdiction: string; audience: string }) =>
          o.jurisdiction === 'DE' && o.audience === 'regulator',
      );
    // The filing stays recorded; the due time follows the corrected discovery.
    expect(deAfter).toMatchObject({ status: 'met', dueAt: '2026-03-07T14:30:00.000Z' });
    const superseded = await db.pool.query(
      `SELECT count(*)::int AS n FROM obligations WHERE incident_id = $1 AND superseded_at IS NOT NULL`,
      [id],
    );
    expect(superseded.rows[0].n).toBeGreaterThan(0);

    const timeline = (await api('GET', `/api/incidents/${id}/timeline`, system.tokens.support))
      .json()
      .items.map((e: { action: string }) => e.action);
    expect(timeline).toEqual(
      expect.arrayContaining([
        'filing_recorded',
        'obligation_held',
        'obligation_hold_lifted',
        'reassessment_requested',
        'obligations_assessed',
      ]),
    );
  });

  it("tells the incident's workflow about every change, so its deadline timers follow", async () => {
    const id = await openIncident({ title: 'Third exposure' });
    const items = (await obligationsOf(id)).items as { id: string; jurisdiction: string; audience: string }[];
    const gdpr = items.find((o) => o.jurisdiction === 'DE' && o.audience === 'regulator')!;
    const filed = await fileWithProof(id, gdpr, '2026-118');
    expect(filed.statusCode, filed.body).toBe(201);
    const held = await api('POST', `/api/incidents/${id}/hold`, system.tokens.compliance, {
      reason: 'The police asked us in writing to wait while they investigate.',
    });
    expect(held.statusCode, held.body).toBe(200);
    // One obligationsChanged signal per change, in the workflow's own history.
    const signals = async () => {
      const history = await system.client.workflow.getHandle(`incident-${id}`).fetchHistory();
      return (history.events ?? []).filter(
        (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'obligationsChanged',
      ).length;
    };
    await eventually(async () => (await signals()) >= 2);
    expect(await signals()).toBe(2);
  });

  it('lets compliance pre-approve the standard notice', async () => {
    const none = await api('GET', '/api/notice-templates/preapproved', system.tokens.compliance);
    expect(none.statusCode).toBe(404);
    const byOfficer = await api('POST', '/api/notice-templates/preapproved', system.tokens.officer, {
      whatHappened: 'x'.repeat(20),
      whatWeAreDoing: 'y'.repeat(20),
    });
    expect(byOfficer.statusCode).toBe(403);
    const saved = await api('POST', '/api/notice-templates/preapproved', system.tokens.compliance, {
      whatHappened: 'We found that someone gained access to one of our systems without permission.',
      whatWeAreDoing:
        'We closed the access, are investigating with outside experts and informing the authorities.',
    });
    expect(saved.statusCode, saved.body).toBe(201);
    // One person's approval is only a proposal: nothing is in use until a second compliance user
    // confirms the text they reviewed; the proposer cannot be that second person.
    expect((await api('GET', '/api/notice-templates/preapproved', system.tokens.support)).statusCode).toBe(
      404,
    );
    expect(
      (await api('GET', '/api/notice-templates/preapproved/proposal', system.tokens.support)).json().id,
    ).toBe(saved.json().id);
    const confirmation = `/api/notice-templates/preapproved/${saved.json().id}/confirmation`;
    const { contentHash } = saved.json();
    expect((await api('POST', confirmation, system.tokens.compliance, { contentHash })).statusCode).toBe(403);
    expect(
      (await api('POST', confirmation, system.tokens.compliance2, { contentHash: 'f'.repeat(64) }))
        .statusCode,
    ).toBe(409);
    const confirmed = await api('POST', confirmation, system.tokens.compliance2, { contentHash });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().confirmedBy).toBe(system.staff.compliance2.id);
    expect((await api('GET', '/api/notice-templates/preapproved', system.tokens.support)).json().id).toBe(
      saved.json().id,
    );
  });
});
