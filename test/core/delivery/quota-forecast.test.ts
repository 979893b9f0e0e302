import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import * as audit from '../../../core/db/audit';
import * as relays from '../../../core/db/relays';
import { deliveryProgress, warnIfForecastLate } from '../../../core/delivery';
import { quotaForecast } from '../../../core/delivery/quota-forecast';
import { renderStaffAlert } from '../../../core/mail/render';
import type { StaffAlert, StaffMailer } from '../../../core/mail/staff-mailer';
import { TemplateCache } from '../../../core/mail/template-cache';
import { createTestDatabase } from '../../helpers/db';
import type { TestDatabase } from '../../helpers/db';
import {
  importEmailHolders,
  newDeliveredIncident,
  newUser,
  setIndividualsDeadline,
} from '../../helpers/factories';

/**
 * The forecast of the last notice from the relays' quotas: pure (the rolling windows replayed
 * minute by minute) and on a real database (the relays' counts, and the warning before sending starts).
 */

const MINUTE = 60_000;
const at = new Date('2026-12-07T12:00:30Z');
const minutesFrom = (d: Date | null) => (d!.getTime() - at.getTime()) / MINUTE;

describe('quotaForecast', () => {
  it('is null when a relay has no quota and there is no overall rate', () => {
    expect(
      quotaForecast({ at, remaining: 1e6, relays: [{ name: 'a', perHour: 10 }, { name: 'b' }], minutes: [] }),
    ).toBeNull();
    expect(quotaForecast({ at, remaining: 1e6, relays: [], minutes: [] })).toBeNull();
  });

  it('a per-second quota: 10 a second is 600 a minute', () => {
    const f = quotaForecast({ at, remaining: 6_000, relays: [{ name: 'a', perSecond: 10 }], minutes: [] });
    expect(minutesFrom(f)).toBeCloseTo(9.5, 0); // ten minutes from the start of the current one
  });

  it('an hourly quota: what goes now leaves the rolling hour 61 minutes later', () => {
    // 1,000 an hour, 2,500 to go: 1,000 now, 1,000 an hour and a minute later, 500 after that.
    const f = quotaForecast({ at, remaining: 2_500, relays: [{ name: 'a', perHour: 1_000 }], minutes: [] });
    expect(minutesFrom(f)).toBeGreaterThan(120);
    expect(minutesFrom(f)).toBeLessThan(125);
  });

  it('counts what each relay already sent over the last day, and adds the relays up', () => {
    const minutes = [
      // 900 of relay a's 1,000 a day went 23 hours ago: they leave its day an hour from now.
      { relay: 'a', minute: new Date(at.getTime() - 23 * 60 * MINUTE), sent: 900 },
      // b's hour is full until its minute of 30 minutes ago leaves (31 minutes from now).
      { relay: 'b', minute: new Date(at.getTime() - 30 * MINUTE), sent: 50 },
    ];
    const quotas = [
      { name: 'a', perDay: 1_000 },
      { name: 'b', perHour: 50 },
    ];
    // 100 from a now; then 50 from b at ~31 min; then a's 900 come back at ~60 min.
    expect(minutesFrom(quotaForecast({ at, remaining: 100, relays: quotas, minutes }))).toBeLessThan(1);
    const f150 = minutesFrom(quotaForecast({ at, remaining: 150, relays: quotas, minutes }));
    expect(f150).toBeGreaterThan(29);
    expect(f150).toBeLessThan(33);
    const f500 = minutesFrom(quotaForecast({ at, remaining: 500, relays: quotas, minutes }));
    expect(f500).toBeGreaterThan(58);
    expect(f500).toBeLessThan(63);
  });

  it('an overall rate caps relays without quotas', () => {
    const f = quotaForecast({ at, remaining: 3_000, relays: [{ name: 'a' }], minutes: [], ratePerSecond: 5 });
    expect(minutesFrom(f)).toBeCloseTo(9.5, 0);
  });

  it('stops at the horizon when the quotas cannot finish within it', () => {
    const f = quotaForecast({
      at,
      remaining: 1e9,
      relays: [{ name: 'a', perDay: 10 }],
      minutes: [],
      horizonMinutes: 3 * 1440,
    });
    expect(minutesFrom(f)).toBeGreaterThan(3 * 1440 - 1);
  });
});

describe('delivery forecast from quotas', () => {
  const AFFECTED = 500;
  let db: TestDatabase;
  let incidentId: string;
  const mails: { key: string; alert: StaffAlert }[] = [];
  const staffMailer = {
    async sendOnce(key: string, _to: string[], alert: StaffAlert) {
      if (!(await audit.exists(db.pool, key))) mails.push({ key, alert });
    },
  } as unknown as StaffMailer;
  const configWith = (env: Record<string, string>) =>
    loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-quota-forecast-')),
      DATABASE_URL: db.url,
      LOG_LEVEL: 'silent',
      ...env,
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = configWith({});
    const compliance = await newUser(db.pool, { role: 'compliance', email: 'compliance@staff.example.com' });
    await importEmailHolders(
      db.pool,
      Array.from({ length: AFFECTED }, (_, i) => ({
        externalId: `Q${i}`,
        fullName: `Q ${i}`,
        email: `q${i}@example.com`,
        country: 'US',
        region: 'US-CA',
      })),
    );
    // Approved, nothing sent yet: sending has not started.
    const delivered = await newDeliveredIncident(
      { pool: db.pool, templates: new TemplateCache(db.pool), config },
      { incident: { title: 'Quota forecast test' }, approver: compliance.user, sent: 0 },
    );
    incidentId = delivered.incident.id;
  });

  afterAll(async () => {
    await db?.drop();
  });

  const setDeadline = (dueAt: Date) => setIndividualsDeadline(db.pool, incidentId, dueAt, AFFECTED);

  it('forecasts from the relays’ quotas and what they already sent, before any notice is sent', async () => {
    // 100 an hour, 40 of this minute already used (another incident's sending).
    await relays.reserve(db.pool, 'slow', 40, { perHour: 100 });
    const config = configWith({
      SMTP_RELAYS: JSON.stringify([{ name: 'slow', url: 'smtp://127.0.0.1:2', perHour: 100 }]),
    });
    const p = await deliveryProgress(db.pool, incidentId, {
      relays: config.mail.relays,
      ratePerSecond: 0,
    });
    expect(p.remaining).toBe(AFFECTED);
    expect(p.forecastAt).toBeNull(); // no rate: nothing sent
    const hours = (p.quotaForecastAt!.getTime() - p.measuredAt.getTime()) / 3_600_000;
    // 60 now, then 100 every 61 minutes (when the previous hundred leaves the rolling hour): the
    // last 40 go five such steps later, about 5.1 hours from now.
    expect(hours).toBeGreaterThan(5);
    expect(hours).toBeLessThan(5.2);
    expect((await deliveryProgress(db.pool, incidentId)).quotaForecastAt).toBeNull();
  });

  it('warns (audit entry and alert) before sending starts when the quotas cannot meet the deadline', async () => {
    const config = configWith({
      SMTP_RELAYS: JSON.stringify([{ name: 'slow', url: 'smtp://127.0.0.1:2', perHour: 100 }]),
    });
    await setDeadline(new Date(Date.now() + 24 * 3_600_000));
    expect(await warnIfForecastLate({ pool: db.pool, staffMailer, config }, incidentId)).toBe(false);
    // Without the quotas, nothing to go by before sending starts.
    const due = new Date(Date.now() + 3 * 3_600_000);
    await setDeadline(due);
    expect(await warnIfForecastLate({ pool: db.pool, staffMailer }, incidentId)).toBe(false);
    expect(mails).toEqual([]);

    expect(await warnIfForecastLate({ pool: db.pool, staffMailer, config }, incidentId)).toBe(true);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.alert).toMatchObject({ kind: 'forecast_late', forecastBy: 'quotas' });
    // The alert says what the forecast comes from, and when the last notice is expected.
    const templates = new TemplateCache(db.pool);
    const text = renderStaffAlert(await templates.get((await templates.snapshotCurrent()).version), {
      kind: 'forecast_late',
      incidentTitle: 'Quota forecast test',
      jurisdiction: 'US-CA',
      audience: 'individuals',
      regime: 'US-CA',
      dueAt: due,
      forecastAt: mails[0]!.alert.forecastAt!,
      forecastBy: 'quotas',
      incidentUrl: 'http://localhost:3000/console/incidents/x',
    }).text;
    expect(text).toMatch(/Within the relays' sending quotas this obligation will be met around .*late/);
    const entries = (await audit.listForIncident(db.pool, incidentId)).filter(
      (e) => e.action === 'delivery_forecast_late',
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]!.detail).toMatchObject({ by: 'quotas', remaining: AFFECTED, dueAt: due.toISOString() });
    // Once per deadline.
    expect(await warnIfForecastLate({ pool: db.pool, staffMailer, config }, incidentId)).toBe(false);
  });
});
