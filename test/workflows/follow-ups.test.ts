import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { loadConfig } from '../../core/config';
import type { Config } from '../../core/config';
import * as cases from '../../core/db/cases';
import * as notices from '../../core/db/notices';
import { incidentWorkflowId } from '../../core/domain/ids';
import { mailingWorkflowId } from '../../core/domain/mailings';
import { decideFollowUp, latestFollowUp } from '../../core/use-cases/mailings';
import { recordDecision } from '../../core/use-cases/notices';
import { buildActivityDeps } from '../../worker/deps';
import { followUpDecidedSignal } from '../../workflows/mailing';
import { approvalUpdate, progressQuery } from '../../workflows/messages';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { importInventory, newIncident, newUser } from '../helpers/factories';
import type { StaffMember } from '../helpers/factories';
import { startSmtpSink } from '../helpers/smtp';
import type { SmtpSink } from '../helpers/smtp';
import { eventually, workflowBundle } from '../helpers/system';
import { createTimeSkippingEnv } from '../helpers/temporal';

/**
 * Reminders to the unacknowledged (issue 17 item 3) as incidentWorkflow runs them: with
 * FOLLOW_UP_REMINDERS=2 and FOLLOW_UP_REMINDER_DAYS=7, each reminder goes 7 days after the last,
 * once its text is approved, to exactly those who still have not acknowledged (and never asked not
 * to be reminded), once each; there is no third. Real activities, PostgreSQL and SMTP, on the
 * time-skipping server.
 */
describe('incidentWorkflow follow-up reminders', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let smtp: SmtpSink;
  let config: Readonly<Config>;
  let worker: Worker;
  let running: Promise<void>;
  let deps: ReturnType<typeof buildActivityDeps>;
  let compliance: StaffMember;
  let incidentId: string;

  const address = (i: number) => `fu${i}@example.org`;
  /** Messages of the incident's reminders (a mailing's Message-ID names the mailing, not the incident). */
  const reminders = () => smtp.messages.filter((m) => m.messageId.startsWith('<mailing.'));
  const remindedTo = () =>
    reminders()
      .flatMap((m) => m.envelopeTo)
      .sort();

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-follow-ups-')),
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      TEMPORAL_TASK_QUEUE: 'follow-ups',
      LOG_LEVEL: 'silent',
      DELIVERY_RETRY_DELAYS: '1',
      FOLLOW_UP_REMINDERS: '2',
      FOLLOW_UP_REMINDER_DAYS: '7',
    });
    const officer = (await newUser(db.pool, { role: 'officer' })).user;
    compliance = await newUser(db.pool, { role: 'compliance', email: 'c1@staff.example.com' });
    await importInventory(db.pool, {
      customers: Array.from({ length: 5 }, (_, i) => ({
        externalId: `FU${i}`,
        fullName: `Fay ${i}`,
        email: address(i),
        country: 'DE',
        region: null,
      })),
      holdings: Array.from({ length: 5 }, (_, i) => ({
        customerExternalId: `FU${i}`,
        system: 'crm',
        categories: ['email', 'name'] as const,
      })),
    });
    deps = buildActivityDeps(config);
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: config.temporal.taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities(deps),
    });
    running = worker.run();

    const { incident } = await newIncident(
      db.pool,
      {
        title: 'Newsletter list exposed',
        description: 'The newsletter list was readable by anyone with the link.',
        discoveredAt: new Date(await env.currentTimeMs()),
        systems: ['crm'],
        dataCategories: ['email', 'name'],
        openedBy: officer,
      },
      { temporal: env.client, config },
    );
    incidentId = incident.id;
    const handle = env.client.workflow.getHandle(incidentWorkflowId(incidentId));
    await eventually(async () => (await handle.query(progressQuery)).status === 'awaiting_approval');
    const notice = (await notices.listForIncident(db.pool, incidentId))[0]!;
    const { decisionId } = await recordDecision({ pool: db.pool }, compliance.actor, {
      incidentId,
      noticeId: notice.id,
      contentHash: notice.contentHash,
      decision: 'approve',
      comment: null,
    });
    await handle.executeUpdate(approvalUpdate, { args: [{ decisionId }] });
    await eventually(async () => (await handle.query(progressQuery)).status === 'completed', 60_000);
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await deps?.close();
    await env?.teardown();
    await smtp?.close();
    await db?.drop();
  });

  /** Approves the reminder's system-drafted text as compliance and wakes its mailing workflow. */
  async function approveReminder(key: string) {
    const text = await eventually(() => latestFollowUp(db.pool, incidentId, 'reminder', key), 30_000);
    await decideFollowUp({ pool: db.pool, config }, compliance.actor, {
      incidentId,
      noticeId: text.id,
      contentHash: text.contentHash,
      decision: 'approve',
      comment: null,
    });
    await env.client.workflow
      .getHandle(mailingWorkflowId(incidentId, 'reminder', key))
      .signal(followUpDecidedSignal);
  }

  async function acknowledge(i: number) {
    const { rows } = await db.pool.query<{ id: number }>(`SELECT id::int FROM customers WHERE email = $1`, [
      address(i),
    ]);
    await cases.acknowledgeMany(db.pool, [{ incidentId, customerId: rows[0]!.id }]);
  }

  it('reminds only the unacknowledged, once each, after the configured days, and no more than configured', async () => {
    expect(smtp.messages.filter((m) => m.messageId.includes(incidentId))).toHaveLength(5);
    await acknowledge(0);
    await approveReminder('reminder-1');
    await env.sleep('6 days');
    expect(reminders()).toHaveLength(0); // not before its days
    await env.sleep('2 days');
    await eventually(async () => reminders().length === 4, 30_000);
    expect(remindedTo()).toEqual([1, 2, 3, 4].map(address).sort());

    await acknowledge(1);
    await approveReminder('reminder-2');
    await env.sleep('8 days');
    await eventually(async () => reminders().length === 7, 30_000);
    expect(remindedTo()).toEqual([...[1, 2, 3, 4], ...[2, 3, 4]].map(address).sort());

    // FOLLOW_UP_REMINDERS=2: nothing more, however long.
    await env.sleep('30 days');
    const { rows } = await db.pool.query<{ key: string }>(
      `SELECT key FROM mailings WHERE incident_id = $1 ORDER BY key`,
      [incidentId],
    );
    expect(rows.map((r) => r.key)).toEqual(['reminder-1', 'reminder-2']);
    expect(reminders()).toHaveLength(7);
  });
});
