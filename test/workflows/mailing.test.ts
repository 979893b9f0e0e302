import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { loadConfig } from '../../core/config';
import type { Config } from '../../core/config';
import * as cases from '../../core/db/cases';
import * as mailings from '../../core/db/mailings';
import { deliverShardPass } from '../../core/delivery';
import { restoreSettlementWorkflowId } from '../../core/domain/ids';
import { mailingMessageId, mailingWorkflowId } from '../../core/domain/mailings';
import { addressOf } from '../../core/delivery/notice-message';
import { SmtpPool } from '../../core/mail/smtp-pool';
import { TemplateCache } from '../../core/mail/template-cache';
import { decideFollowUp, latestFollowUp } from '../../core/use-cases/mailings';
import { confirmHeldSent, recordRestore, releaseHeld } from '../../core/use-cases/restores';
import { followUpDecidedSignal } from '../../workflows/mailing';
import type { mailingWorkflow } from '../../workflows/mailing';
import { settlementRequestedSignal } from '../../workflows/messages';
import type { SettlementRequest } from '../../workflows/messages';
import type { restoreSettlementWorkflow } from '../../workflows/restore-settlement';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import {
  approvedNotice,
  identifyAffected,
  importEmailHolders,
  newIncident,
  newUser,
} from '../helpers/factories';
import { startSmtpSink } from '../helpers/smtp';
import type { SmtpSink } from '../helpers/smtp';
import { workflowBundle } from '../helpers/system';
import { createTimeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal';

/**
 * mailingWorkflow with the real activities on PostgreSQL and a real SMTP server, on the time-skipping
 * server: a reminder three days after the first notice. The system drafts the reminder's standard
 * wording; compliance approves it and the API's signal wakes the workflow; someone acknowledges
 * during the three days; after them, the reminder reaches exactly those who still have not
 * acknowledged, once each, through two shards. The history carries ids and counts, no name or
 * address. Then a mailing caught by a restore: its messages are held, and only those an operator
 * releases are sent, by the settlement (restoreSettlementWorkflow), which then finishes the mailing.
 */

const PEOPLE = ['Ann Early', 'Ben During', 'Cid Never', 'Dee Never'].map((fullName, i) => ({
  externalId: `WF-${i}`,
  fullName,
}));
const address = (i: number) => `wf-${i}@example.com`;
const THREE_DAYS_MS = 3 * 24 * 3_600_000;

describe('mailingWorkflow', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let sink: SmtpSink;
  let smtp: SmtpPool;
  let config: Readonly<Config>;
  let worker: Worker;
  let running: Promise<void>;
  let taskQueue: string;
  let incidentId: string;
  let compliance: Awaited<ReturnType<typeof newUser>>;
  const customerIds: number[] = [];

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    db = await createTestDatabase();
    sink = await startSmtpSink();
    config = loadConfig({
      DATABASE_URL: db.url,
      SMTP_URL: sink.url,
      LOG_LEVEL: 'silent',
      DELIVERY_SHARDS: '2',
    });
    smtp = new SmtpPool({ url: sink.url, size: 2 });
    const templates = new TemplateCache(db.pool);
    const deps = { pool: db.pool, templates, config };
    compliance = await newUser(db.pool, { role: 'compliance' });
    await importEmailHolders(db.pool, PEOPLE);
    ({
      incident: { id: incidentId },
    } = await newIncident(db.pool));
    await identifyAffected(db.pool, incidentId);
    const { rows } = await db.pool.query<{ id: number }>(
      `SELECT customer_id::int AS id FROM affected_customers WHERE incident_id = $1 ORDER BY customer_id`,
      [incidentId],
    );
    customerIds.push(...rows.map((r) => r.id));
    // The first notice went to everyone.
    const notice = await approvedNotice(deps, incidentId, compliance.user);
    for (let after: number | null = 0; after !== null;) {
      after = (
        await deliverShardPass(
          { ...deps, smtp },
          { incidentId, noticeId: notice.id, shard: 0, shards: 1, after, onlyRetrying: false },
          { budgetMs: 60_000 },
        )
      ).next;
    }
    expect(sink.acceptedCount).toBe(PEOPLE.length);
    await cases.acknowledgeMany(db.pool, [{ incidentId, customerId: customerIds[0]! }]);

    taskQueue = uniqueTaskQueue('mailing');
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({
        ...deps,
        smtp,
        staffMailer: undefined as never,
        rateLimiter: undefined as never,
      }),
    });
    running = worker.run();
  }, 180_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await smtp?.close();
    await sink?.close();
    await db?.drop();
  });

  it('reminds exactly the unacknowledged, once each, after the configured days and the approval', async () => {
    const input = {
      incidentId,
      kind: 'reminder',
      key: 'reminder-1',
      criterion: 'unacknowledged',
      waitMs: THREE_DAYS_MS,
    } as const;
    const handle = await env.client.workflow.start<typeof mailingWorkflow>('mailingWorkflow', {
      taskQueue,
      workflowId: mailingWorkflowId(incidentId, 'reminder', 'reminder-1'),
      args: [input],
    });
    // Started again (a replayed parent, a retried request): the running one.
    await expect(
      env.client.workflow.start<typeof mailingWorkflow>('mailingWorkflow', {
        taskQueue,
        workflowId: mailingWorkflowId(incidentId, 'reminder', 'reminder-1'),
        args: [input],
      }),
    ).rejects.toThrow(/already started/i);

    // The system drafts the standard wording; compliance approves it, and the API signals.
    const draft = await (async () => {
      for (let i = 0; i < 100; i++) {
        const n = await latestFollowUp(db.pool, incidentId, 'reminder', 'reminder-1');
        if (n) return n;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the reminder was never drafted');
    })();
    expect(draft).toMatchObject({
      audience: 'follow_up',
      subject: 'reminder:reminder-1',
      status: 'pending_approval',
    });
    await decideFollowUp({ pool: db.pool, config }, compliance.actor, {
      incidentId,
      noticeId: draft.id,
      contentHash: draft.contentHash,
      decision: 'approve',
      comment: null,
    });
    await handle.signal(followUpDecidedSignal);
    // During the three days, one more person reads their notice.
    await cases.acknowledgeMany(db.pool, [{ incidentId, customerId: customerIds[1]! }]);
    const before = sink.acceptedCount;

    const result = await handle.result();
    expect(result).toMatchObject({ selected: 2, sent: 2, undeliverable: 0, skipped: 0 });
    const reminders = sink.messages.slice(before);
    expect(reminders.map((m) => m.envelopeTo[0]).sort()).toEqual([address(2), address(3)]);
    expect(new Set(reminders.map((m) => m.messageId)).size).toBe(2);
    expect(reminders.every((m) => m.messageId.startsWith(`<mailing.${result.mailingId}.`))).toBe(true);

    // The wait was the workflow's durable timer of three days (skipped here), before the selection.
    const history = await handle.fetchHistory();
    const timer = history.events?.find((e) => e.timerStartedEventAttributes)?.timerStartedEventAttributes;
    expect(Number(timer?.startToFireTimeout?.seconds)).toBe(THREE_DAYS_MS / 1000);

    // Ids and counts only: no one's name or address in any payload of the history.
    const texts: string[] = [];
    const walk = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      const payload = node as { metadata?: unknown; data?: Uint8Array | null };
      if (payload.metadata !== undefined && payload.data)
        texts.push(Buffer.from(payload.data).toString('utf8'));
      for (const child of Object.values(node)) walk(child);
    };
    walk(history);
    const text = texts.join('\n');
    expect(text).toContain(result.mailingId);
    for (const [i, p] of PEOPLE.entries()) {
      expect(text).not.toContain(p.fullName);
      expect(text).not.toContain(address(i));
    }
  });

  it('after a restore: holds a mailing that was sending; the settlement sends only what compliance releases, then finishes it', async () => {
    const reminder = (await latestFollowUp(db.pool, incidentId, 'reminder', 'reminder-1'))!;
    // An update to everyone notified was being sent when the backup was taken: nobody's message
    // was claimed in it yet.
    const { mailing } = await mailings.create(db.pool, {
      incidentId,
      kind: 'update',
      key: 'restore-1',
      noticeId: reminder.id,
      criterion: 'notified',
      listKey: null,
    });
    expect(mailing.recipients).toBe(PEOPLE.length);
    const domain = addressOf(config.mail.from).split('@')[1]!;
    const fence = await recordRestore(
      { pool: db.pool, config },
      { backupLabel: `mailing-${mailing.id}`, backupTakenAt: null },
    );
    expect(fence.held).toEqual([expect.objectContaining({ incidentId, held: PEOPLE.length, mailings: 4 })]);

    // The relay's log shows the first person's update accepted after the backup: confirmed, never resent.
    const before = sink.acceptedCount;
    const confirmed = await confirmHeldSent({ pool: db.pool }, compliance.actor, {
      incidentId,
      messageIds: [mailingMessageId(mailing.id, customerIds[0]!, domain)],
      reason: 'relay log',
    });
    expect(confirmed).toMatchObject({ confirmed: 1, mailingIds: [mailing.id] });
    const released = await releaseHeld({ pool: db.pool }, compliance.actor, {
      incidentId,
      reason: 'not in the relay log',
    });
    expect(released).toEqual({ released: 3, noticeIds: [], mailingIds: [mailing.id] });

    const request: SettlementRequest = { noticeIds: [], mailingIds: released.mailingIds, settle: false };
    const handle = await env.client.workflow.signalWithStart<
      typeof restoreSettlementWorkflow,
      [SettlementRequest]
    >('restoreSettlementWorkflow', {
      taskQueue,
      workflowId: restoreSettlementWorkflowId(incidentId),
      args: [{ incidentId, key: 'restore-settlement-test', retryDelaysMs: [60_000] }],
      signal: settlementRequestedSignal,
      signalArgs: [request],
    });
    await handle.result();
    const sent = sink.messages.slice(before);
    expect(sent.map((m) => m.envelopeTo[0]).sort()).toEqual([address(1), address(2), address(3)]);
    expect(sent.map((m) => m.messageId).sort()).toEqual(
      customerIds
        .slice(1)
        .map((c) => mailingMessageId(mailing.id, c, domain))
        .sort(),
    );
    expect(await mailings.get(db.pool, mailing.id)).toMatchObject({
      status: 'finished',
      sent: 4,
      undeliverable: 0,
    });
  });
});
