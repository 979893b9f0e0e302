import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { startWorkflowStarter } from '../../api/workflow-starter';
import { loadConfig } from '../../core/config';
import * as audit from '../../core/db/audit';
import { createLogger } from '../../core/logger';
import { freePort } from '../../scripts/lib/local-servers';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { newUser, type StaffMember } from '../helpers/factories';
import { bearer } from '../helpers/system';
import { devServerAddress, uniqueTaskQueue } from '../helpers/temporal';

// When Temporal cannot be reached at the moment an incident is opened, the incident is kept (a
// logged exposure is evidence), the caller gets 503, and the API's workflow starter starts the
// workflow once Temporal answers. It used to try to delete the incident, which the append-only
// audit trail refused, so the caller got a 500 and the incident had no workflow at all.

describe('opening an incident while Temporal is unreachable', () => {
  let db: TestDatabase;
  let officer: StaffMember;
  let deadConnection: Connection;
  let liveConnection: Connection;
  const log = createLogger('silent', 'test');

  beforeAll(async () => {
    db = await createTestDatabase();
    officer = await newUser(db.pool, { role: 'officer' });
    // Nothing listens on this port: every call fails.
    deadConnection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: '1s' });
    liveConnection = await Connection.connect({ address: devServerAddress() });
  });

  afterAll(async () => {
    await deadConnection?.close().catch(() => undefined);
    await liveConnection?.close();
    await db?.drop();
  });

  const configFor = () =>
    loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-start-')),
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: devServerAddress(),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('workflow-start'),
      LOG_LEVEL: 'silent',
    });

  it('keeps the incident, answers 503, and starts its workflow once Temporal answers', async () => {
    const config = configFor();
    const body = {
      title: 'Laptop stolen',
      description: 'An unencrypted laptop with the CRM export was stolen.',
      discoveredAt: new Date().toISOString(),
      systems: ['crm'],
      dataCategories: ['email'],
    };
    const headers = { ...bearer(officer.token), 'idempotency-key': 'stolen-laptop-1' };

    const down = await buildApp({
      config,
      pool: db.pool,
      temporal: new Client({ connection: deadConnection }),
      logger: log,
    });
    let incidentId: string;
    try {
      const refused = await down.inject({ method: 'POST', url: '/api/incidents', headers, payload: body });
      expect(refused.statusCode, refused.body).toBe(503);
      const row = await db.pool.query<{ id: string; workflow_started_at: Date | null }>(
        `SELECT id, workflow_started_at FROM incidents WHERE idempotency_key = 'stolen-laptop-1'`,
      );
      expect(row.rows).toHaveLength(1);
      incidentId = row.rows[0]!.id;
      expect(row.rows[0]!.workflow_started_at).toBeNull();
      expect(refused.json().message).toContain(incidentId);
      expect((await audit.listForIncident(db.pool, incidentId)).map((e) => e.action)).toEqual([
        'incident_opened',
        'workflow_start_failed',
      ]);
    } finally {
      await down.close();
    }

    // Temporal is back: the API's starter starts what is still unstarted, once.
    const temporal = new Client({ connection: liveConnection });
    const starter = startWorkflowStarter({ pool: db.pool, temporal, config }, log, {
      intervalMs: 3_600_000,
      graceSeconds: 0,
    });
    try {
      expect(await starter.runOnce()).toBe(1);
      expect(await starter.runOnce()).toBe(0);
    } finally {
      starter.stop();
    }
    const description = await temporal.workflow.getHandle(`incident-${incidentId}`).describe();
    expect(description.status.name).toBe('RUNNING');
    expect((await audit.listForIncident(db.pool, incidentId)).map((e) => e.action)).toEqual([
      'incident_opened',
      'workflow_start_failed',
      'workflow_started_late',
    ]);

    // The caller's retry with the same key now finds the incident with its workflow.
    const up = await buildApp({ config, pool: db.pool, temporal, logger: log });
    try {
      const replayed = await up.inject({ method: 'POST', url: '/api/incidents', headers, payload: body });
      expect(replayed.statusCode, replayed.body).toBe(200);
      expect(replayed.json().id).toBe(incidentId);
    } finally {
      await up.close();
      // No worker runs here: the workflow has nothing more to show.
      await temporal.workflow.getHandle(`incident-${incidentId}`).terminate('test over');
    }
  });
});
