import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as audit from '../../core/db/audit';
import { upsertCustomers } from '../../core/db/inventory';
import * as obligations from '../../core/db/obligations';
import * as users from '../../core/db/users';
import { deliveryProgress, warnIfForecastLate } from '../../core/delivery';
import type { StaffAlert, StaffMailer } from '../../core/mail/staff-mailer';
import { createTestDatabase, insertIncident } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';

/**
 * The sending rate and the forecast of the last notice, read from deliveries' sent_at, and the
 * warning when that forecast passes the individuals' deadline — on a real database.
 */

const AFFECTED = 2_000;
const SENT = 300; // over the last 30 seconds: 10 a second, 1,700 left → about 170 s to go

describe('delivery forecast', () => {
  let db: TestDatabase;
  let incidentId: string;
  let officerEmail: string;
  const mails: { key: string; to: string[]; alert: StaffAlert }[] = [];
  const staffMailer = {
    async sendOnce(key: string, to: string[], alert: StaffAlert) {
      if (!(await audit.exists(db.pool, key))) mails.push({ key, to, alert });
    },
  } as unknown as StaffMailer;

  beforeAll(async () => {
    db = await createTestDatabase();
    const opened = await insertIncident(db.pool, {
      title: 'Forecast test',
      discoveredAt: new Date(Date.now() - 3_600_000),
    });
    incidentId = opened.incidentId;
    officerEmail = opened.officer.email;
    await users.upsertWithToken(
      db.pool,
      { email: 'compliance@staff.example.com', displayName: 'Compliance', role: 'compliance' },
      randomUUID(),
    );
    await upsertCustomers(
      db.pool,
      Array.from({ length: AFFECTED }, (_, i) => ({
        externalId: `P${i}`,
        fullName: `P ${i}`,
        email: `p${i}@example.com`,
        country: 'US',
      })),
    );
    await db.pool.query(
      `INSERT INTO affected_customers (incident_id, customer_id, categories, jurisdiction, status, reference_code, page_token)
       SELECT $1, id, '{email}', 'US-CA', CASE WHEN row_number() OVER (ORDER BY id) <= $2 THEN 'notified' ELSE 'pending' END,
              'FR-T-' || id, md5(id::text)
       FROM customers`,
      [incidentId, SENT],
    );
    await db.pool.query(`INSERT INTO template_snapshots (version, sources) VALUES ('v', '{}')`);
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO notices (incident_id, version, content, template_version, content_hash, status)
       VALUES ($1, 1, '{}', 'v', 'h', 'approved') RETURNING id`,
      [incidentId],
    );
    // SENT notices over the last 30 seconds, evenly.
    await db.pool.query(
      `INSERT INTO deliveries (incident_id, customer_id, notice_id, message_id, recipient, status, sent_at)
       SELECT a.incident_id, a.customer_id, $2, '<t.' || a.customer_id || '@example.com>', 'x@example.com', 'sent',
              now() - (30 * (row_number() OVER (ORDER BY a.customer_id)) / $3::float8) * interval '1 second'
       FROM affected_customers a WHERE a.incident_id = $1 AND a.status = 'notified'`,
      [incidentId, rows[0]!.id, SENT],
    );
  });

  afterAll(async () => {
    await db?.drop();
  });

  beforeEach(() => {
    mails.length = 0;
  });

  const setDeadline = async (dueAt: Date) => {
    await obligations.replace(db.pool, incidentId, [
      {
        ruleId: 'us-ca-individuals',
        jurisdiction: 'US-CA',
        audience: 'individuals',
        regime: 'US-CA',
        citation: 'Cal. Civ. Code § 1798.82',
        deadlineText: 'in the most expedient time possible',
        legalDueAt: dueAt,
        dueAt,
        status: 'pending',
        reason: null,
        affectedCount: AFFECTED,
        uncertain: null,
        rulesVersion: 'test',
      },
    ]);
  };

  it('measures the rate over the last minute and forecasts the last notice', async () => {
    const p = await deliveryProgress(db.pool, incidentId);
    expect(p.sentLastMinute).toBe(SENT);
    expect(p.remaining).toBe(AFFECTED - SENT);
    // Sending began about 30 s ago, so the rate is measured over those 30 s, not a whole minute.
    expect(p.ratePerSecond).toBeGreaterThan(9);
    expect(p.ratePerSecond).toBeLessThan(11);
    const secondsLeft = (p.forecastAt!.getTime() - p.measuredAt.getTime()) / 1000;
    expect(secondsLeft).toBeGreaterThan(150);
    expect(secondsLeft).toBeLessThan(190);
  });

  it('does not warn while the forecast is within the deadline', async () => {
    await setDeadline(new Date(Date.now() + 86_400_000));
    expect(await warnIfForecastLate({ pool: db.pool, staffMailer }, incidentId)).toBe(false);
    expect(mails).toEqual([]);
  });

  it('warns once, by audit entry and staff alert, when the forecast passes the deadline', async () => {
    const due = new Date(Date.now() + 60_000);
    await setDeadline(due);
    expect(await warnIfForecastLate({ pool: db.pool, staffMailer }, incidentId)).toBe(true);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.alert.kind).toBe('forecast_late');
    expect(mails[0]!.alert.obligation.dueAt).toEqual(due);
    expect(mails[0]!.to.sort()).toEqual(['compliance@staff.example.com', officerEmail].sort());
    const entries = (await audit.listForIncident(db.pool, incidentId)).filter(
      (e) => e.action === 'delivery_forecast_late',
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]!.detail).toMatchObject({ remaining: AFFECTED - SENT, dueAt: due.toISOString() });

    // Asked again (every delivery batch asks), nothing more is sent or written.
    expect(await warnIfForecastLate({ pool: db.pool, staffMailer }, incidentId)).toBe(false);
    expect(mails).toHaveLength(1);
    expect(
      (await audit.listForIncident(db.pool, incidentId)).filter((e) => e.action === 'delivery_forecast_late'),
    ).toHaveLength(1);
  });
});
