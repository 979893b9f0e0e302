import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app';
import { loadConfig } from '../../core/config';
import * as obligations from '../../core/db/obligations';
import type { NewObligation } from '../../core/db/obligations';
import { inTransaction } from '../../core/db/pool';
import { TemplateCache } from '../../core/mail/template-cache';
import { draftNotice } from '../../core/use-cases/notices';
import { startApiOnly } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { newIncident, newUser } from '../helpers/factories';
import { promtool, sampleValue } from '../helpers/prometheus';
import { bearer } from '../helpers/system';

/**
 * The API's /metrics (api/routes/metrics.ts) on a real database: refused without METRICS_TOKEN (and
 * to a staff token), the request counter labelled by route pattern (never the URL), the approval
 * queue and its oldest age, obligations at risk and overdue, the audit chain's status (1, then 0 once
 * an event is edited behind the triggers' back), and `promtool check metrics` accepts the text.
 */

const DAY = 86_400_000;

function obligation(ruleId: string, dueAt: Date, status: NewObligation['status'] = 'pending'): NewObligation {
  return {
    ruleId,
    jurisdiction: 'US-TX',
    audience: 'individuals',
    regime: 'state_breach',
    citation: 'Tex. Bus. & Com. Code § 521.053',
    deadlineText: 'within 60 days',
    legalDueAt: dueAt,
    dueAt,
    status,
    reason: 'test',
    affectedCount: 1,
    uncertain: null,
    rulesVersion: 'test',
  } as NewObligation;
}

describe('API metrics', () => {
  let db: TestDatabase;
  let api: { app: App; close(): Promise<void> };
  const token = randomBytes(24).toString('hex');
  let staffToken = '';

  const scrape = (headers: Record<string, string>) =>
    api.app.inject({ method: 'GET', url: '/metrics', headers });

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApiOnly(db, { METRICS_TOKEN: token });
    staffToken = (await newUser(db.pool, { role: 'admin' })).token;
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('refuses a scrape without the token, with a wrong one and with a staff token; off without METRICS_TOKEN', async () => {
    expect((await scrape({})).statusCode).toBe(401);
    expect((await scrape({ authorization: `Bearer ${'y'.repeat(48)}` })).statusCode).toBe(401);
    expect((await scrape(bearer(staffToken))).statusCode).toBe(401);
    const off = await startApiOnly(db);
    try {
      const answer = await off.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(answer.statusCode).toBe(401);
      expect(answer.json<{ message: string }>().message).toMatch(/METRICS_TOKEN/);
    } finally {
      await off.close();
    }
  });

  it('reports requests by route pattern, the approval queue, obligations at risk and overdue, and the audit chain', async () => {
    const config = loadConfig({ DATABASE_URL: db.url, FORTHRIGHT_DATA_DIR: '/tmp' });
    const { incident } = await newIncident(db.pool, {
      discoveredAt: new Date(Date.now() - 10 * DAY),
    });
    const notice = await draftNotice(
      { pool: db.pool, templates: new TemplateCache(db.pool), config },
      { incidentId: incident.id, afterVersion: 0, revision: null },
    );
    expect(notice.version).toBe(1);
    await obligations.replace(db.pool, incident.id, [
      obligation('overdue-rule', new Date(Date.now() - 3_600_000)),
      obligation('at-risk-rule', new Date(Date.now() + 3_600_000)),
      obligation('far-rule', new Date(Date.now() + 100 * DAY)),
    ]);
    // A request with an id in its URL: counted under the pattern.
    const unknown = randomUUID();
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/incidents/${unknown}`, headers: bearer(staffToken) }))
        .statusCode,
    ).toBe(404);

    const response = await scrape({ authorization: `Bearer ${token}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(
      sampleValue(text, 'forthright_http_requests_total', {
        route: '/api/incidents/:id',
        method: 'GET',
        status: '404',
      }),
    ).toBe(1);
    expect(text).not.toContain(unknown);
    expect(sampleValue(text, 'forthright_approvals_waiting', {})).toBe(1);
    const age = sampleValue(text, 'forthright_approval_oldest_age_seconds', {})!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(600);
    expect(sampleValue(text, 'forthright_obligations', { state: 'overdue' })).toBe(1);
    expect(sampleValue(text, 'forthright_obligations', { state: 'at_risk' })).toBe(1);
    expect(sampleValue(text, 'forthright_audit_chain_verified', {})).toBe(1);
    expect(text).toMatch(/^forthright_build_info\{version="\d+\.\d+\.\d+[^"]*"\} 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);

    const check = promtool(['check', 'metrics'], text);
    expect(check.status, check.output).toBe(0);
  });

  it('shows 0 for the audit chain once an event is edited behind the triggers’ back', async () => {
    await inTransaction(db.pool, async (tx) => {
      await tx.query(`SET LOCAL session_replication_role = replica`);
      await tx.query(
        `UPDATE audit_events SET detail = '{"edited": true}' WHERE id = (SELECT id FROM audit_events ORDER BY id LIMIT 1)`,
      );
    });
    // A new API process: its first scrape verifies (later ones reuse the result for AUDIT_VERIFY_MINUTES).
    const fresh = await startApiOnly(db, { METRICS_TOKEN: token });
    try {
      const response = await fresh.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(sampleValue(response.body, 'forthright_audit_chain_verified', {})).toBe(0);
    } finally {
      await fresh.close();
    }
  });
});
