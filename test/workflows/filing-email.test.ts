import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import type { Activities } from '../../activities';
import { startFilingEmail } from '../../api/temporal-client';
import { loadConfig } from '../../core/config';
import type { Config } from '../../core/config';
import * as filingsDb from '../../core/db/filings';
import * as obligations from '../../core/db/obligations';
import { filingEmailWorkflowId } from '../../core/domain/filings';
import { SmtpPool } from '../../core/mail/smtp-pool';
import { TemplateCache } from '../../core/mail/template-cache';
import { requestFilingEmail, sendFilingEmail } from '../../core/use-cases/filings';
import { assess } from '../../core/use-cases/obligations';
import type { Actor } from '../../core/use-cases/types';
import type { filingEmailWorkflow } from '../../workflows/filing-email';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { identifyAffected, importEmailHolders, newIncident, newUser } from '../helpers/factories';
import { approvedFilingPacket } from '../helpers/filings';
import { relayThenLost, withLostFirstAttempt } from '../helpers/send-once';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { workflowBundle } from '../helpers/system';
import { createTimeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal';

/**
 * filingEmailWorkflow with the real activities on a real database and a real SMTP server, on the
 * time-skipping server: a filing's email reaches the authority's server exactly once when Temporal
 * retries its activity — after the relay refused the whole message for now (sent again, once), and
 * after an attempt lost once the relay had taken it (not sent again: failed and uncertain, for a
 * person). The history carries ids and a status, never the authority's address or the packet.
 */
describe('filingEmailWorkflow', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let sink: SmtpSink;
  let smtp: SmtpPool;
  let config: Readonly<Config>;
  let worker: Worker;
  let running: Promise<void>;
  let taskQueue: string;
  let templates: TemplateCache;
  let reviser: Actor;
  let approver: Actor;
  const attempts: { filingId: string; attempt: number }[] = [];
  /** Filings whose first attempt is lost after the relay took the message (a worker killed). */
  const loseFirstAttempt = new Set<string>();

  const EMAILS = { 'FR.regulator': 'later@cnil.example', 'DE.regulator': 'lost@bfdi.example' };

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    db = await createTestDatabase();
    sink = await startSmtpSink({
      // The French authority's relay refuses the first whole message for now (451 after the ".").
      fault: (recipient, attempt) =>
        recipient === EMAILS['FR.regulator'] && attempt === 1
          ? { at: 'data', code: 451, message: 'Try again later' }
          : undefined,
    });
    smtp = new SmtpPool({ url: sink.url, size: 2 });
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-filing-wf-')),
      DATABASE_URL: db.url,
      SMTP_URL: sink.url,
      FILING_EMAILS: JSON.stringify(EMAILS),
      LOG_LEVEL: 'silent',
    });
    templates = new TemplateCache(db.pool);
    reviser = (await newUser(db.pool, { role: 'compliance', email: 'reviser@staff.example.com' })).actor;
    approver = (await newUser(db.pool, { role: 'compliance', email: 'approver@staff.example.com' })).actor;
    await importEmailHolders(db.pool, [
      { externalId: 'DE1', email: 'de1@example.de', country: 'DE' },
      { externalId: 'FR1', email: 'fr1@example.fr', country: 'FR' },
    ]);

    const deps = { pool: db.pool, smtp, templates, config };
    const real = createActivities({
      ...deps,
      staffMailer: undefined as never,
      rateLimiter: undefined as never,
    });
    const activities: Partial<Activities> = {
      sendFilingEmail: withLostFirstAttempt({
        loseFirstAttempt,
        record: (filingId, attempt) => attempts.push({ filingId, attempt }),
        sendLost: (filingId) => sendFilingEmail({ ...deps, smtp: relayThenLost(smtp) }, filingId),
        send: real.sendFilingEmail,
      }),
      giveUpFilingEmail: real.giveUpFilingEmail,
    };
    taskQueue = uniqueTaskQueue('filing');
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities,
    });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await smtp?.close();
    await sink?.close();
    await env?.teardown();
    await db?.drop();
  });

  /** An incident with German and French customers, its packet for `jurisdiction` approved and claimed for email. */
  async function claimedFiling(jurisdiction: 'DE' | 'FR') {
    const { incident } = await newIncident(db.pool, { discoveredAt: new Date(Date.now() - 3_600_000) });
    await identifyAffected(db.pool, incident.id);
    await assess({ pool: db.pool, config }, incident.id);
    const obligation = (await obligations.current(db.pool, incident.id)).find(
      (o) => o.jurisdiction === jurisdiction && o.audience === 'regulator',
    )!;
    const packet = await approvedFilingPacket({ pool: db.pool, templates, config }, obligation, {
      reviser,
      approver,
    });
    const filing = await requestFilingEmail({ pool: db.pool, config }, approver, {
      incidentId: incident.id,
      packetId: packet.id,
    });
    const start = {
      temporal: env.client,
      config: { ...config, temporal: { ...config.temporal, taskQueue } },
    };
    return { incident, obligation, packet, filing, start };
  }

  const obligationStatus = async (incidentId: string, id: string) =>
    (await obligations.current(db.pool, incidentId)).find((o) => o.id === id)!.status;

  it('sends once more after the relay refused the whole message for now: the authority gets one', async () => {
    const { incident, obligation, packet, filing, start } = await claimedFiling('FR');
    // Started twice (a retried request): one workflow.
    await startFilingEmail(start, filing);
    await startFilingEmail(start, filing);
    const handle = env.client.workflow.getHandle<typeof filingEmailWorkflow>(
      filingEmailWorkflowId(packet.id),
    );
    expect(await handle.result()).toEqual({ filingId: filing.id, status: 'sent' });

    expect(attempts.filter((a) => a.filingId === filing.id).map((a) => a.attempt)).toEqual([1, 2]);
    expect(sink.refusals.filter((r) => r.recipient === EMAILS['FR.regulator'])).toHaveLength(1);
    expect(sink.acceptedByRecipient.get(EMAILS['FR.regulator'])).toBe(1);
    expect(await filingsDb.get(db.pool, filing.id)).toMatchObject({
      status: 'sent',
      attempts: 2,
      relayResponse: expect.stringMatching(/^250/),
    });
    expect(await obligationStatus(incident.id, obligation.id)).toBe('met');

    // Ids and a status only in the history: not the authority's address, not the packet's text.
    // Every payload of the history read as text (this client has no codec).
    const texts: string[] = [];
    const walk = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      const payload = node as { metadata?: unknown; data?: Uint8Array | null };
      if (payload.metadata !== undefined && payload.data)
        texts.push(Buffer.from(payload.data).toString('utf8'));
      for (const child of Object.values(node)) walk(child);
    };
    walk(await handle.fetchHistory());
    const history = texts.join('\n');
    expect(history).toContain(filing.id);
    expect(history).not.toContain(EMAILS['FR.regulator']);
    expect(history).not.toContain('cnil');
  });

  it('does not send again what a lost attempt handed to the relay: failed and uncertain, one message', async () => {
    const { incident, obligation, packet, filing, start } = await claimedFiling('DE');
    loseFirstAttempt.add(filing.id);
    await startFilingEmail(start, filing);
    const handle = env.client.workflow.getHandle<typeof filingEmailWorkflow>(
      filingEmailWorkflowId(packet.id),
    );
    expect(await handle.result()).toEqual({ filingId: filing.id, status: 'failed' });

    expect(attempts.filter((a) => a.filingId === filing.id).map((a) => a.attempt)).toEqual([1, 2]);
    expect(sink.acceptedByRecipient.get(EMAILS['DE.regulator'])).toBe(1);
    expect(await filingsDb.get(db.pool, filing.id)).toMatchObject({ status: 'failed', uncertain: true });
    // No proof: the obligation stays open for a person to check with the authority.
    expect(await obligationStatus(incident.id, obligation.id)).not.toBe('met');
  });
});
