import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as audit from '../../core/db/audit';
import { loadConfig } from '../../core/config';
import { ForecastChecks, deliveryProgress, warnIfForecastLate } from '../../core/delivery';
import type { StaffAlert, StaffMailer } from '../../core/mail/staff-mailer';
import { TemplateCache } from '../../core/mail/template-cache';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import {
  importEmailHolders,
  newDeliveredIncident,
  newUser,
  setIndividualsDeadline,
} from '../helpers/factories';

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
    const config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-forecast-')),
      DATABASE_URL: db.url,
      LOG_LEVEL: 'silent',
    });
    const compliance = await newUser(db.pool, {
      role: 'compliance',
      email: 'compliance@staff.example.com',
      displayName: 'Compliance',
    });
    const customers = Array.from({ length: AFFECTED }, (_, i) => ({
      externalId: `P${i}`,
      fullName: `P ${i}`,
      email: `p${i}@example.com`,
      country: 'US',
      region: 'US-CA',
    }));
    await importEmailHolders(db.pool, customers);
    // SENT notices over the last 30 seconds, evenly.
    const delivered = await newDeliveredIncident(
      { pool: db.pool, templates: new TemplateCache(db.pool), config },
      {
        incident: { title: 'Forecast test', discoveredAt: new Date(Date.now() - 3_600_000) },
        approver: compliance.user,
        sent: SENT,
        sentOverSeconds: 30,
      },
    );
    incidentId = delivered.incident.id;
    officerEmail = delivered.officer.email;
  });

  afterAll(async () => {
    await db?.drop();
  });

  beforeEach(() => {
    mails.length = 0;
  });

  const setDeadline = (dueAt: Date) => setIndividualsDeadline(db.pool, incidentId, dueAt, AFFECTED);

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

describe('ForecastChecks (how often delivery batches check the forecast)', () => {
  it('lets the first check of each incident through, then one per interval', () => {
    const checks = new ForecastChecks(60_000);
    expect(checks.due('a', 0)).toBe(true);
    expect(checks.due('a', 1_000)).toBe(false); // another shard's batch a second later
    expect(checks.due('b', 1_000)).toBe(true); // another incident is its own
    expect(checks.due('a', 59_999)).toBe(false);
    expect(checks.due('a', 60_000)).toBe(true);
    expect(checks.due('a', 60_001)).toBe(false);
  });
});
