import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { customerWith } from '../helpers/factories';
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
 * A filing the law puts before the individuals' notice (Maryland's Attorney General, Md. Code, Com.
 * Law § 14-3504(h)) holds the incident's delivery after approval — nobody is emailed — until it is
 * filed or compliance lets delivery go ahead with a recorded reason (the override path here; the
 * filed path is in test/e2e/filings.test.ts). On the whole stack: API, worker, PostgreSQL, SMTP.
 */

interface PriorFiling {
  obligationId: string;
  ruleId: string;
  jurisdiction: string;
  status: string;
  holdsDelivery: boolean;
  override: { reason: string; overriddenBy: string } | null;
}

describe('prior filings hold delivery', () => {
  let db: TestDatabase;
  let smtp: SmtpSink;
  let system: TestSystem;
  let incidentId: string;

  const emailed = () => smtp.messages.filter((m) => m.messageId.includes(incidentId)).length;
  const priorFilings = async () => {
    const response = await system.app.inject({
      method: 'GET',
      url: `/api/incidents/${incidentId}/prior-filings`,
      headers: bearer(system.tokens.officer),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().items as PriorFiling[];
  };
  const override = (obligationId: string, token: string, reason: unknown) =>
    system.app.inject({
      method: 'POST',
      url: `/api/incidents/${incidentId}/obligations/${obligationId}/prior-filing-override`,
      headers: bearer(token),
      payload: { reason },
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    system = await startSystem(db, smtp.url);
    await importInventory(
      system,
      [
        customerWith('email_with_consent', {
          externalId: 'MARY',
          email: 'mary@example.com',
          fullName: 'Mary Land',
          region: 'US-MD',
          country: 'US',
        }),
        customerWith('email_with_consent', {
          externalId: 'TEX',
          email: 'tex@example.com',
          fullName: 'Tex Ranger',
          region: 'US-TX',
          country: 'US',
        }),
      ],
      ['MARY', 'TEX'].map((id) => ({
        customerExternalId: id,
        system: 'payroll',
        categories: ['name', 'ssn'],
        from: '2025-01-01T00:00:00Z',
      })),
    );
    incidentId = await openAndApprove(system, {
      title: 'Payroll export exposed',
      description: 'A payroll export was readable from the internet.',
      discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
      systems: ['payroll'],
      dataCategories: ['name', 'ssn'],
    });
    await eventually(async () => (await incidentStatus(system, incidentId)) === 'awaiting_filing', 60_000);
  });

  afterAll(async () => {
    await system?.stop();
    await smtp?.close();
    await db?.drop();
  });

  it('waits with everyone unnotified while the Maryland Attorney General is not told', async () => {
    const items = await priorFilings();
    expect(items.map((p) => [p.ruleId, p.jurisdiction, p.holdsDelivery])).toEqual([
      [expect.stringMatching(/^US-MD\.regulator/), 'US-MD', true],
    ]);
    // The hold is real: a moment later still nobody is emailed and the incident still waits.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(emailed()).toBe(0);
    expect(await incidentStatus(system, incidentId)).toBe('awaiting_filing');
  });

  it('lets only compliance override, with a reason, and says which field is wrong', async () => {
    const [md] = await priorFilings();
    expect(
      (await override(md!.obligationId, system.tokens.officer, 'The portal is down tonight')).statusCode,
    ).toBe(403);
    const short = await override(md!.obligationId, system.tokens.compliance, 'down');
    expect(short.statusCode).toBe(400);
    expect(short.json().field).toBe('reason');
    expect(await incidentStatus(system, incidentId)).toBe('awaiting_filing');
  });

  it('delivers once compliance lets it go ahead, keeping the reason and the obligation open', async () => {
    const [md] = await priorFilings();
    const reason = 'The Attorney General portal is down; filing by email to idtheft first thing tomorrow';
    const response = await override(md!.obligationId, system.tokens.compliance, reason);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      holdsDelivery: false,
      status: 'pending',
      override: { reason, overriddenBy: system.staff.compliance.id },
    });
    await eventually(async () => (await incidentStatus(system, incidentId)) === 'completed', 60_000);
    expect(emailed()).toBe(2);
    // Overriding twice is a conflict: the first reason stands.
    const again = await override(md!.obligationId, system.tokens.compliance, `${reason}, again`);
    expect(again.statusCode).toBe(409);
    const { rows } = await db.pool.query<{ detail: { reason: string } }>(
      `SELECT detail FROM audit_events WHERE incident_id = $1 AND action = 'prior_filing_overridden'`,
      [incidentId],
    );
    expect(rows.map((r) => r.detail.reason)).toEqual([reason]);
  });
});
