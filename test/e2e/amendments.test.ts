import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailingWorkflowId } from '../../core/domain/mailings';
import { decideFollowUp, latestFollowUp } from '../../core/use-cases/mailings';
import { actorOf, customerWith } from '../helpers/factories';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { startSmtpSink } from '../helpers/smtp';
import type { SmtpSink } from '../helpers/smtp';
import {
  bearer,
  eventually,
  importInventory,
  incidentStatus,
  openAndApprove,
  startSystem,
} from '../helpers/system';
import type { TestSystem } from '../helpers/system';
import { followUpDecidedSignal } from '../../workflows/mailing';

/**
 * Issue 17's amendment acceptance on the whole stack (API, worker on the Temporal dev server,
 * PostgreSQL, an SMTP server): an incident on the CRM is delivered; the investigation then finds the
 * billing system was reached too. Amended, it notifies exactly the people only billing held (a notice
 * approved as usual), sends a supplement only to those already told whose exposure grew (CRM and
 * billing), and nothing more to those whose exposure did not change — counted at the SMTP server.
 */

const since = '2025-01-01T00:00:00Z';
const person = (id: string, name: string) =>
  customerWith('email_without_consent', {
    externalId: id,
    email: `${id.toLowerCase()}@example.de`,
    fullName: name,
    country: 'DE',
    region: null,
  });

const CRM_ONLY = [person('A0', 'Anna Crm'), person('A1', 'Arno Crm'), person('A2', 'Ada Crm')];
const BOTH = [person('B0', 'Berta Both'), person('B1', 'Bodo Both')];
const BILLING_ONLY = [person('C0', 'Carla Billing'), person('C1', 'Conrad Billing')];

const HOLDINGS = [
  ...[...CRM_ONLY, ...BOTH].map((p) => ({
    customerExternalId: p.externalId,
    system: 'crm',
    categories: ['name', 'email'],
    from: since,
  })),
  ...[...BOTH, ...BILLING_ONLY].map((p) => ({
    customerExternalId: p.externalId,
    system: 'billing',
    categories: ['name', 'payment_card'],
    from: since,
    maskedIdentifiers: { payment_card: '4242' },
  })),
];

describe('amending an incident', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;
  let incidentId: string;

  const to = (people: { email?: string | null }[]) => people.map((p) => p.email!).sort();
  /** Who received which kind of message of this incident: first notices and mailings (supplements). */
  const received = () => ({
    notices: smtp.messages
      .filter((m) => m.messageId.includes(`notice.${incidentId}`))
      .flatMap((m) => m.envelopeTo)
      .sort(),
    mailings: smtp.messages
      .filter((m) => m.messageId.startsWith('<mailing.'))
      .flatMap((m) => m.envelopeTo)
      .sort(),
  });
  const api = async (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: object) => {
    const response = await system.app.inject({ method, url, headers: bearer(token), payload });
    return { status: response.statusCode, body: response.json() };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    system = await startSystem(db, smtp.url);
    await importInventory(system, [...CRM_ONLY, ...BOTH, ...BILLING_ONLY], HOLDINGS);
    incidentId = await openAndApprove(system, {
      title: 'CRM export exposed',
      description: 'An export of the CRM was left readable on a file share.',
      discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
      occurredFrom: since,
      systems: ['crm'],
      dataCategories: ['name', 'email', 'payment_card'],
    });
    await eventually(async () => (await incidentStatus(system, incidentId)) === 'completed', 120_000);
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
    await smtp?.close();
    await db?.drop();
  });

  it('first notifies everyone the CRM held', () => {
    expect(received()).toEqual({ notices: to([...CRM_ONLY, ...BOTH]), mailings: [] });
  });

  it('refuses an amendment that changes nothing or names no reason, saying which field', async () => {
    const same = await api('POST', `/api/incidents/${incidentId}/amendments`, system.tokens.officer, {
      reason: 'Checking the systems once more',
      changes: { systems: ['crm'] },
    });
    expect(same.status).toBe(400);
    expect(same.body.field).toBe('changes');
    const noReason = await api('POST', `/api/incidents/${incidentId}/amendments`, system.tokens.officer, {
      changes: { systems: ['crm', 'billing'] },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.field).toBe('reason');
    expect(
      (await api('GET', `/api/incidents/${incidentId}/amendments`, system.tokens.officer)).body.items,
    ).toEqual([]);
  });

  it('notifies exactly the newly affected and supplements exactly those whose exposure grew', async () => {
    const amended = await api('POST', `/api/incidents/${incidentId}/amendments`, system.tokens.officer, {
      reason: 'Forensics found the billing database was reached with the same stolen credentials.',
      changes: { systems: ['crm', 'billing'] },
    });
    expect(amended.status, JSON.stringify(amended.body)).toBe(201);
    expect(amended.body).toMatchObject({
      version: 2,
      before: { systems: ['crm'] },
      after: { systems: ['crm', 'billing'] },
    });

    const applied = await eventually(async () => {
      const [v] = (await api('GET', `/api/incidents/${incidentId}/amendments`, system.tokens.officer)).body
        .items;
      return v.appliedAt && v.noticeId ? v : null;
    }, 60_000);
    expect(applied).toMatchObject({ added: 2, grown: 2, removed: 0, delivers: true });

    // The newly affected's notice is approved as usual: never by the officer who opened the incident.
    const notice = (await api('GET', `/api/incidents/${incidentId}/notices`, system.tokens.officer)).body
      .items[0];
    expect(notice).toMatchObject({ id: applied.noticeId, status: 'pending_approval' });
    const decide = (token: string) =>
      api('POST', `/api/incidents/${incidentId}/amendments/2/decision`, token, {
        decision: 'approve',
        noticeId: notice.id,
        contentHash: notice.contentHash,
      });
    expect((await decide(system.tokens.officer)).status).toBe(403);
    const approved = await decide(system.tokens.compliance);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.outcome).toBe('approved');

    // The supplement's text (drafted by the system) is approved four-eyes too, and its workflow told.
    const text = await eventually(
      () => latestFollowUp(db.pool, incidentId, 'supplement', 'amendment-2'),
      60_000,
    );
    await decideFollowUp({ pool: db.pool, config: system.config }, actorOf(system.staff.compliance), {
      incidentId,
      noticeId: text.id,
      contentHash: text.contentHash,
      decision: 'approve',
      comment: null,
    });
    await system.client.workflow
      .getHandle(mailingWorkflowId(incidentId, 'supplement', 'amendment-2'))
      .signal(followUpDecidedSignal);

    await eventually(
      async () => received().notices.length === 7 && received().mailings.length === 2,
      120_000,
    );
    // A moment more: nothing else arrives.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(received()).toEqual({
      notices: to([...CRM_ONLY, ...BOTH, ...BILLING_ONLY]),
      mailings: to(BOTH),
    });
  }, 240_000);
});
