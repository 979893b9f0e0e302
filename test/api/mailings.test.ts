import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageToken } from '../../core/delivery/page-token';
import { createMailing, decideFollowUp, draftFollowUp } from '../../core/use-cases/mailings';
import { TemplateCache } from '../../core/mail/template-cache';
import { actorOf } from '../helpers/factories';
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

/**
 * Further mailings through the API on the running system (worker, workflows, PostgreSQL, a real SMTP
 * server): an officer writes an update, compliance approves it naming its content hash, and the
 * update's mailing starts by itself and reaches everyone notified exactly once; the writer's own
 * approval, a stale hash and a bad key are refused, naming why.
 */
describe('mailings API', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;
  const api = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
    system.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    system = await startSystem(db, smtp.url);
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
    await smtp?.close();
    await db?.drop();
  });

  it('sends an approved update once to everyone notified', async () => {
    const people = ['UP-1', 'UP-2', 'UP-3'];
    await importInventory(
      system,
      people.map((externalId) => ({
        externalId,
        fullName: `Person ${externalId}`,
        email: `${externalId.toLowerCase()}@example.com`,
        country: 'DE',
      })),
      people.map((externalId) => ({ customerExternalId: externalId, system: 'crm', categories: ['email'] })),
    );
    const id = await openAndApprove(system, {
      title: 'CRM export',
      description: 'A CRM export with email addresses was reachable for a day.',
      discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
      systems: ['crm'],
      dataCategories: ['email'],
    });
    await eventually(async () => (await incidentStatus(system, id)) === 'completed', 90_000);
    expect(smtp.acceptedCount).toBe(3);

    // A key that cannot name a mailing is a 400 naming the field.
    const bad = await api('POST', `/api/incidents/${id}/follow-ups`, system.tokens.officer, {
      kind: 'update',
      key: 'not a key',
      update: 'Our investigation has concluded.',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('key');

    const drafted = await api('POST', `/api/incidents/${id}/follow-ups`, system.tokens.compliance, {
      kind: 'update',
      key: 'concluded',
      update: 'Our investigation has concluded.\n\nNo further data was involved.',
    });
    expect(drafted.statusCode, drafted.body).toBe(201);
    const text = drafted.json() as {
      id: string;
      contentHash: string;
      status: string;
      kind: string;
      key: string;
    };
    expect(text).toMatchObject({ status: 'pending_approval', kind: 'update', key: 'concluded' });

    // Its writer may not approve it; a decision on other text is refused.
    const own = await api(
      'POST',
      `/api/incidents/${id}/follow-ups/${text.id}/decision`,
      system.tokens.compliance,
      {
        decision: 'approve',
        contentHash: text.contentHash,
      },
    );
    expect(own.statusCode).toBe(403);
    const stale = await api(
      'POST',
      `/api/incidents/${id}/follow-ups/${text.id}/decision`,
      system.tokens.compliance2,
      {
        decision: 'approve',
        contentHash: '0'.repeat(64),
      },
    );
    expect(stale.statusCode).toBe(409);

    const approved = await api(
      'POST',
      `/api/incidents/${id}/follow-ups/${text.id}/decision`,
      system.tokens.compliance2,
      {
        decision: 'approve',
        contentHash: text.contentHash,
      },
    );
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ outcome: 'approved' });

    // The update's mailing started by itself; it reaches the three once each.
    const mailing = await eventually(async () => {
      const list = (await api('GET', `/api/incidents/${id}/mailings`, system.tokens.officer)).json()
        .items as {
        kind: string;
        status: string;
        recipients: number;
        sent: number | null;
      }[];
      return list.find((m) => m.kind === 'update' && m.status === 'finished');
    }, 60_000);
    expect(mailing).toMatchObject({ recipients: 3, sent: 3 });
    const updates = smtp.messages.filter((m) => m.messageId.startsWith('<mailing.'));
    expect(updates.map((m) => m.envelopeTo[0]).sort()).toEqual([
      'up-1@example.com',
      'up-2@example.com',
      'up-3@example.com',
    ]);
    expect(updates[0]!.text).toContain('Our investigation has concluded.');

    const texts = (await api('GET', `/api/incidents/${id}/follow-ups`, system.tokens.support)).json().items;
    expect(texts).toEqual([expect.objectContaining({ id: text.id, status: 'approved', kind: 'update' })]);
    // Approved: the text can no longer change.
    const again = await api('POST', `/api/incidents/${id}/follow-ups`, system.tokens.officer, {
      kind: 'update',
      key: 'concluded',
      update: 'Something else entirely.',
    });
    expect(again.statusCode).toBe(409);
  });

  it('lets a person ask on their page not to be reminded, and no reminder selects them', async () => {
    const { rows } = await db.pool.query<{ incidentId: string; seed: string }>(
      `SELECT incident_id AS "incidentId", page_seed AS seed FROM affected_customers a
       JOIN customers c ON c.id = a.customer_id WHERE c.external_id = 'UP-2'`,
    );
    const { incidentId, seed } = rows[0]!;
    const token = pageToken(system.config.pageTokens.key, seed);
    const page = await system.app.inject({ method: 'GET', url: `/n/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Do not send me reminders');
    expect(page.body).toContain(`action="/n/${token}/reminders"`);

    // Posted from another site: nothing recorded.
    const forged = await system.app.inject({
      method: 'POST',
      url: `/n/${token}/reminders`,
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(forged.statusCode).toBe(303);
    expect((await system.app.inject({ method: 'GET', url: `/n/${token}` })).body).toContain(
      'Do not send me reminders',
    );

    const asked = await system.app.inject({
      method: 'POST',
      url: `/n/${token}/reminders`,
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe(`/n/${token}#reminders`);
    const after = await system.app.inject({ method: 'GET', url: `/n/${token}` });
    expect(after.body).toContain('not to send you reminders about this notice');
    expect(after.body).not.toContain('Do not send me reminders');
    // A wrong token is the same 404 as any other.
    expect(
      (await system.app.inject({ method: 'POST', url: `/n/${'0'.repeat(64)}/reminders` })).statusCode,
    ).toBe(404);

    // Recorded once, audited; the next reminder selects the two others only.
    const { rows: audits } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE incident_id = $1 AND action = 'reminders_opted_out'`,
      [incidentId],
    );
    expect(audits[0]!.n).toBe(1);
    const deps = { pool: db.pool, templates: new TemplateCache(db.pool), config: system.config };
    const text = await draftFollowUp(deps, null, { incidentId, kind: 'reminder', key: 'reminder-1' });
    await decideFollowUp(deps, actorOf(system.staff.compliance), {
      incidentId,
      noticeId: text.id,
      contentHash: text.contentHash,
      decision: 'approve',
      comment: null,
    });
    expect(
      await createMailing(deps, {
        incidentId,
        kind: 'reminder',
        key: 'reminder-1',
        criterion: 'unacknowledged',
      }),
    ).toMatchObject({ recipients: 2 });
  });
});
