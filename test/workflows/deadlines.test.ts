import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { loadConfig } from '../../core/config';
import type { Config } from '../../core/config';
import * as obligations from '../../core/db/obligations';
import type { User } from '../../core/db/users';
import { incidentWorkflowId } from '../../core/domain/ids';
import { TemplateCache } from '../../core/mail/template-cache';
import * as notices from '../../core/db/notices';
import {
  DEFAULT_WHAT_WE_ARE_DOING,
  confirmStandardNotice,
  preapproveStandardNotice,
} from '../../core/use-cases/notices';
import { decideDetermination, proposeDetermination } from '../../core/use-cases/determinations';
import { signalIncidentWithdrawn } from '../../api/temporal-client';
import { buildActivityDeps } from '../../worker/deps';
import { progressQuery } from '../../workflows/messages';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { importInventory, newIncident, newUser } from '../helpers/factories';
import type { StaffMember } from '../helpers/factories';
import { startSmtpSink } from '../helpers/smtp';
import type { SmtpSink } from '../helpers/smtp';
import { eventually, workflowBundle } from '../helpers/system';
import { createTimeSkippingEnv } from '../helpers/temporal';

/**
 * Deadlines on the time-skipping server: hours and days pass in milliseconds, while activities
 * still write to real PostgreSQL and send through a real SMTP server. Tests share one environment
 * and run serially, as the SDK advises.
 */
describe('incidentWorkflow deadlines', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let smtp: SmtpSink;
  let config: Readonly<Config>;
  let worker: Worker;
  let running: Promise<void>;
  let deps: ReturnType<typeof buildActivityDeps>;
  let officer: User;
  let compliance: StaffMember;
  let compliance2: StaffMember;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-deadlines-')),
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      TEMPORAL_TASK_QUEUE: 'deadlines',
      LOG_LEVEL: 'silent',
      DELIVERY_RETRY_DELAYS: '1',
    });
    officer = (await newUser(db.pool, { role: 'officer', displayName: 'Olive Officer' })).user;
    compliance = await newUser(db.pool, { role: 'compliance', displayName: 'Cora Compliance' });
    compliance2 = await newUser(db.pool, {
      role: 'compliance',
      email: 'compliance2@staff.example.com',
      displayName: 'Cato Compliance',
    });
    await importInventory(db.pool, {
      customers: Array.from({ length: 20 }, (_, i) => ({
        externalId: `D${i}`,
        fullName: `Dee ${i}`,
        email: `dee${i}@example.org`,
        country: 'US',
        region: 'US-CA',
      })),
      holdings: Array.from({ length: 20 }, (_, i) => ({
        customerExternalId: `D${i}`,
        system: 'crm',
        categories: ['email', 'account_credentials'] as const,
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
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await deps?.close();
    await env?.teardown();
    await smtp?.close();
    await db?.drop();
  });

  /** Opens an incident discovered "now" in the test server's clock and starts its workflow. */
  async function openIncident(title: string, openedBy: User = officer) {
    const { incident } = await newIncident(
      db.pool,
      {
        title,
        description: 'Credential stuffing against the customer portal exposed login details.',
        discoveredAt: new Date(await env.currentTimeMs()),
        systems: ['crm'],
        dataCategories: ['account_credentials'],
        openedBy,
      },
      { temporal: env.client, config },
    );
    const id = incident.id;
    const handle = env.client.workflow.getHandle(incidentWorkflowId(id));
    await eventually(async () => (await handle.query(progressQuery)).status === 'awaiting_approval');
    return { id, handle };
  }

  const actions = async (incidentId: string) =>
    (
      await db.pool.query<{ action: string }>(
        `SELECT action FROM audit_events WHERE incident_id = $1 ORDER BY id`,
        [incidentId],
      )
    ).rows.map((r) => r.action);

  /** Why the cut-off sent no standard notice, as the audit entry says. */
  const unavailableReason = async (incidentId: string) =>
    (
      await db.pool.query<{ reason: string }>(
        `SELECT detail->>'reason' AS reason FROM audit_events WHERE incident_id = $1 AND action = 'standard_notice_unavailable'`,
        [incidentId],
      )
    ).rows[0]?.reason;

  const individuals = async (incidentId: string) =>
    (await obligations.current(db.pool, incidentId)).find(
      (o) => o.audience === 'individuals' && o.jurisdiction === 'US-CA',
    )!;

  it('keeps an unapproved incident unsent: reminds, escalates, then marks the obligation overdue', async () => {
    const { id, handle } = await openIncident('Unapproved incident');
    const obligation = await individuals(id);
    // The company's 72-hour promise is stricter than California's 30 days.
    expect(obligation.dueAt!.getTime() - obligation.legalDueAt!.getTime()).toBeLessThan(0);

    await env.sleep('37 hours'); // past the 50 % reminder
    await eventually(async () => (await actions(id)).includes('deadline_reminder_sent'));
    expect(await actions(id)).not.toContain('deadline_escalated');

    await env.sleep('30 hours'); // 67 h: past 75 % (reminder), 80 % (cut-off) and 90 % (escalation)
    await eventually(async () => (await actions(id)).includes('deadline_escalated'));
    const log = await actions(id);
    expect(log.filter((a) => a === 'deadline_reminder_sent').length).toBeGreaterThanOrEqual(2);
    expect(log).toContain('standard_notice_unavailable');
    expect(log).not.toContain('obligation_overdue');

    await env.sleep('6 hours'); // 73 h: past the 72-hour deadline
    await eventually(async () => (await actions(id)).includes('obligation_overdue'));
    expect((await individuals(id)).status).toBe('overdue');

    // Nothing reached a customer, and the workflow still waits for a decision.
    expect(smtp.messages.filter((m) => m.envelopeTo.some((to) => to.endsWith('@example.org')))).toHaveLength(
      0,
    );
    expect((await handle.query(progressQuery)).status).toBe('awaiting_approval');
    expect((await handle.describe()).status.name).toBe('RUNNING');
    // Staff heard about it: reminders to compliance, the escalation to the officer as well.
    const staffMail = smtp.messages.filter((m) =>
      m.envelopeTo.some((to) => to.endsWith('@staff.example.com')),
    );
    expect(staffMail.some((m) => m.envelopeTo.includes('officer@staff.example.com'))).toBe(true);
    await handle.terminate('test finished');
  });

  it('does not send a standard notice that only one person approved', async () => {
    await preapproveStandardNotice(
      { pool: db.pool, templates: new TemplateCache(db.pool), config },
      compliance.actor,
      {
        whatHappened: 'We found that someone gained access to one of our systems without permission.',
        whatWeAreDoing: DEFAULT_WHAT_WE_ARE_DOING,
      },
    );
    const { id, handle } = await openIncident('Incident at the cut-off with a one-person standard notice');
    await env.sleep('58 hours'); // 80 % of 72 h is 57.6 h
    await eventually(async () => (await actions(id)).includes('standard_notice_unavailable'), 60_000);
    expect(await actions(id)).not.toContain('standard_notice_used');
    expect(await unavailableReason(id)).toBe('no standard notice approved by two compliance users');
    expect((await handle.query(progressQuery)).status).toBe('awaiting_approval');
    expect(smtp.messages.filter((m) => m.messageId.includes(id))).toHaveLength(0);
    await handle.terminate('test finished');
  });

  it('sends the pre-approved standard notice at the cut-off, meeting the deadline', async () => {
    // The second compliance user confirms the text the first proposed: now it may be used.
    const proposal = (await notices.pendingPreapproval(db.pool))!;
    await confirmStandardNotice({ pool: db.pool }, compliance2.actor, {
      id: proposal.id,
      contentHash: proposal.contentHash,
    });

    const { id, handle } = await openIncident('Incident left to the cut-off');
    await env.sleep('58 hours'); // 80 % of 72 h is 57.6 h
    await eventually(async () => (await actions(id)).includes('individuals_obligations_met'), 60_000);
    const log = await actions(id);
    expect(log).toContain('standard_notice_used');
    const obligation = await individuals(id);
    expect(obligation.status).toBe('met');
    expect((await handle.query(progressQuery)).status).toBe('completed');
    const delivered = smtp.messages.filter((m) => m.messageId.includes(id));
    expect(delivered.map((m) => m.envelopeTo[0]).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `dee${i}@example.org`).sort(),
    );
    expect(log.indexOf('standard_notice_used')).toBeLessThan(log.indexOf('individuals_obligations_met'));
    // Only the reviewed text went out: not the incident's title, which nobody approved for customers.
    expect(delivered.every((m) => !`${m.subject}\n${m.text}`.includes('Incident left to the cut-off'))).toBe(
      true,
    );
    // Past the deadline it stays met: no overdue mark.
    await env.sleep('20 hours');
    expect(await actions(id)).not.toContain('obligation_overdue');
    expect((await individuals(id)).status).toBe('met');
    // With every obligation resolved, the workflow ends.
    expect(await handle.result()).toMatchObject({ status: 'completed', affected: 20, sent: 20 });
  });

  it('sends no standard notice for an incident one of its approvers opened', async () => {
    const { id, handle } = await openIncident(
      'Incident opened by a standard-notice approver',
      compliance2.user,
    );
    await env.sleep('58 hours');
    await eventually(async () => (await actions(id)).includes('standard_notice_unavailable'), 60_000);
    expect(await unavailableReason(id)).toBe(
      'the standard notice was approved by the person who opened this incident',
    );
    expect(await actions(id)).not.toContain('standard_notice_used');
    expect(smtp.messages.filter((m) => m.messageId.includes(id))).toHaveLength(0);
    await handle.terminate('test finished');
  });

  it('sends nothing at the cut-off for a withdrawn incident, although a standard notice is approved', async () => {
    // The standard notice two compliance users approved (above) is still the one in force.
    expect(await notices.activePreapproved(db.pool)).not.toBeNull();
    const { id, handle } = await openIncident('A false alarm');
    const proposed = await proposeDetermination({ pool: db.pool }, compliance.actor, {
      incidentId: id,
      kind: 'incident_withdrawal',
      reason: 'False alarm: the "exposed" file was synthetic test data from the staging system.',
      facts: [],
    });
    await decideDetermination({ pool: db.pool, config }, compliance2.actor, {
      incidentId: id,
      determinationId: proposed.id,
      decision: 'approve',
      comment: null,
    });
    await signalIncidentWithdrawn(env.client, id, { error: () => undefined });
    await eventually(async () => (await handle.query(progressQuery)).status === 'withdrawn');

    await env.sleep('80 hours'); // past the cut-off (57.6 h) and the 72-hour deadline
    expect(await handle.result()).toMatchObject({ status: 'withdrawn', sent: 0 });
    const log = await actions(id);
    expect(log).toContain('incident_withdrawn');
    expect(log).not.toContain('standard_notice_used');
    expect(log).not.toContain('deadline_reminder_sent');
    expect(log).not.toContain('obligation_overdue');
    expect(smtp.messages.filter((m) => m.messageId.includes(id))).toHaveLength(0);
    // Every obligation closed as not required, with the reason kept.
    const all = await obligations.current(db.pool, id);
    expect(all.length).toBeGreaterThan(0);
    for (const o of all) {
      expect(o.status).toBe('not_required');
      expect(o.reason).toMatch(/incident withdrawn — False alarm/);
    }
  });
});
