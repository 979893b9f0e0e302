import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
