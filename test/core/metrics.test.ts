import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../core/config';
import { warnIfForecastLate } from '../../core/delivery';
import type { StaffAlert, StaffMailer } from '../../core/mail/staff-mailer';
import { TemplateCache } from '../../core/mail/template-cache';
import { returnPathFor } from '../../core/delivery/return-path';
import { recordBounce } from '../../core/use-cases/bounces';
import {
  apiRegistry,
  clearForecastSlack,
  collectProcessMetrics,
  countBounced,
  countFailed,
  countLetters,
  countSent,
  setForecastSlack,
  setRelayUp,
  workerRegistry,
} from '../../core/metrics';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import {
  importEmailHolders,
  newDeliveredIncident,
  newUser,
  setIndividualsDeadline,
} from '../helpers/factories';
import { promtool, sampleValue } from '../helpers/prometheus';

/**
 * core/metrics.ts: the agreed names and labels, what promtool says of both registries, the forecast
 * slack gauge set by the forecast check (core/delivery/forecast.ts) on a real database, and a slack
 * series dropped once no delivery pass updates it.
 */

const AFFECTED = 400;
const SENT = 100; // over the last 20 seconds: 5 a second, 300 left → about 60 s to go

describe('metrics', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts under the agreed names and labels, and promtool accepts both registries', async () => {
    const text = async () => workerRegistry.metrics();
    const before = sampleValue(await text(), 'forthright_notices_sent_total', { relay: 'r1' }) ?? 0;
    countSent(3, 'r1');
    countSent(0, 'r1'); // nothing: no series is made for a zero
    countFailed(2, 'temporary', 'r1');
    countFailed(1, 'permanent', 'r1');
    countBounced(1, 'failed');
    countLetters(5);
    setRelayUp('r1', false);
    const worker = await text();
    expect(sampleValue(worker, 'forthright_notices_sent_total', { relay: 'r1' })).toBe(before + 3);
    expect(sampleValue(worker, 'forthright_notices_failed_total', { relay: 'r1', class: 'temporary' })).toBe(
      2,
    );
    expect(sampleValue(worker, 'forthright_notices_failed_total', { relay: 'r1', class: 'permanent' })).toBe(
      1,
    );
    expect(sampleValue(worker, 'forthright_notices_bounced_total', { class: 'failed' })).toBe(1);
    expect(sampleValue(worker, 'forthright_letters_produced_total', {})).toBe(5);
    expect(sampleValue(worker, 'forthright_relay_up', { relay: 'r1' })).toBe(0);
    // The bounce counter is in the API's registry too (reports arrive at the API's listener).
    expect(
      sampleValue(await apiRegistry.metrics(), 'forthright_notices_bounced_total', { class: 'failed' }),
    ).toBe(1);

    collectProcessMetrics(workerRegistry);
    collectProcessMetrics(workerRegistry); // once per registry: a second call adds nothing
    collectProcessMetrics(apiRegistry);
    for (const registry of [workerRegistry, apiRegistry]) {
      const check = promtool(['check', 'metrics'], await registry.metrics());
      expect(check.status, check.output).toBe(0);
    }
  });

  it('drops a slack series no delivery pass has updated for ten minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    setForecastSlack('incident-a', 120);
    setForecastSlack('incident-b', -30);
    clearForecastSlack('incident-b');
    let text = await workerRegistry.metrics();
    expect(sampleValue(text, 'forthright_delivery_forecast_slack_seconds', { incident: 'incident-a' })).toBe(
      120,
    );
    expect(sampleValue(text, 'forthright_delivery_forecast_slack_seconds', { incident: 'incident-b' })).toBe(
      undefined,
    );
    vi.setSystemTime(Date.now() + 11 * 60_000);
    text = await workerRegistry.metrics();
    expect(sampleValue(text, 'forthright_delivery_forecast_slack_seconds', { incident: 'incident-a' })).toBe(
      undefined,
    );
  });

  describe('forecast slack from the forecast check', () => {
    let db: TestDatabase;
    let incidentId: string;
    const staffMailer = {
      async sendOnce(_key: string, _to: string[], _alert: StaffAlert) {},
    } as unknown as StaffMailer;

    beforeAll(async () => {
      db = await createTestDatabase();
      const config = loadConfig({
        FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-metrics-')),
        DATABASE_URL: db.url,
        LOG_LEVEL: 'silent',
      });
      const compliance = await newUser(db.pool, { role: 'compliance' });
      await importEmailHolders(
        db.pool,
        Array.from({ length: AFFECTED }, (_, i) => ({
          externalId: `S${i}`,
          email: `s${i}@example.com`,
          country: 'US',
          region: 'US-CA',
        })),
      );
      const delivered = await newDeliveredIncident(
        { pool: db.pool, templates: new TemplateCache(db.pool), config },
        {
          incident: { title: 'Slack test', discoveredAt: new Date(Date.now() - 3_600_000) },
          approver: compliance.user,
          sent: SENT,
          sentOverSeconds: 20,
        },
      );
      incidentId = delivered.incident.id;
    });
    afterAll(async () => {
      await db?.drop();
    });

    const setDeadline = (dueAt: Date) => setIndividualsDeadline(db.pool, incidentId, dueAt, AFFECTED);
    const slack = async () =>
      sampleValue(await workerRegistry.metrics(), 'forthright_delivery_forecast_slack_seconds', {
        incident: incidentId,
      });

    it('is the deadline minus the forecast: positive with time to spare, negative when late', async () => {
      await setDeadline(new Date(Date.now() + 3_600_000));
      await warnIfForecastLate({ pool: db.pool, staffMailer }, incidentId);
      // About an hour minus about a minute of sending left.
      expect(await slack()).toBeGreaterThan(3_300);
      expect(await slack()).toBeLessThan(3_600);

      await setDeadline(new Date(Date.now() + 10_000));
      expect(await warnIfForecastLate({ pool: db.pool, staffMailer }, incidentId)).toBe(true);
      expect(await slack()).toBeLessThan(0);
    });

    it('counts a bounce report once (a repeated report is not counted again), by its outcome', async () => {
      const config = loadConfig({
        FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-metrics-')),
        DATABASE_URL: db.url,
        LOG_LEVEL: 'silent',
        BOUNCE_DOMAIN: 'bounces.example.test',
      });
      const { rows } = await db.pool.query<{ id: number }>(
        `SELECT id::int AS id FROM deliveries WHERE incident_id = $1 AND status = 'sent' ORDER BY id LIMIT 2`,
        [incidentId],
      );
      const bounced = async (outcome: 'failed' | 'complaint') =>
        sampleValue(await workerRegistry.metrics(), 'forthright_notices_bounced_total', { class: outcome }) ??
        0;
      const report = (id: number, outcome: 'failed' | 'complaint') =>
        recordBounce(
          { pool: db.pool, config },
          {
            returnPath: returnPathFor(config.bounces, id)!,
            outcome,
            status: outcome === 'failed' ? '5.1.1' : null,
            diagnostic: null,
            via: 'webhook',
          },
        );
      const [failedBefore, complaintsBefore] = [await bounced('failed'), await bounced('complaint')];
      expect((await report(rows[0]!.id, 'failed')).duplicate).toBe(false);
      expect((await report(rows[0]!.id, 'failed')).duplicate).toBe(true);
      expect((await report(rows[1]!.id, 'complaint')).duplicate).toBe(false);
      expect(await bounced('failed')).toBe(failedBefore + 1);
      expect(await bounced('complaint')).toBe(complaintsBefore + 1);
    });
  });
});
