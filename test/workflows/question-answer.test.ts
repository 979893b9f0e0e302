import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import type { Activities } from '../../activities';
import { startQuestionAnswer } from '../../api/temporal-client';
import { loadConfig } from '../../core/config';
import type { Config } from '../../core/config';
import * as questionsDb from '../../core/db/questions';
import { questionAnswerWorkflowId } from '../../core/domain/questions';
import { ConflictError } from '../../core/errors';
import { SmtpPool } from '../../core/mail/smtp-pool';
import { TemplateCache } from '../../core/mail/template-cache';
import { askQuestion, requestAnswer, sendQuestionAnswer } from '../../core/use-cases/questions';
import type { Actor } from '../../core/use-cases/types';
import type { questionAnswerWorkflow } from '../../workflows/question-answer';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { identifyAffected, importEmailHolders, newIncident, newUser } from '../helpers/factories';
import { relayThenLost, withLostFirstAttempt } from '../helpers/send-once';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { workflowBundle } from '../helpers/system';
import { createTimeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal';

/**
 * questionAnswerWorkflow with the real activities on a real database and a real SMTP server, on the
 * time-skipping server: support's answer reaches the customer's server exactly once when Temporal
 * retries its activity — after the relay refused the whole message for now (sent again, once), and
 * after an attempt lost once the relay had taken it (not sent again: failed and uncertain, for
 * support to ask the customer). A permanent refusal fails at once. The history carries ids and a
 * status, never the address, the question or the answer.
 */
describe('questionAnswerWorkflow', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let sink: SmtpSink;
  let smtp: SmtpPool;
  let config: Readonly<Config>;
  let worker: Worker;
  let running: Promise<void>;
  let taskQueue: string;
  let templates: TemplateCache;
  let support: Actor;
  let incidentId: string;
  const attempts: { questionId: string; attempt: number }[] = [];
  /** Questions whose first attempt is lost after the relay took the message (a worker killed). */
  const loseFirstAttempt = new Set<string>();

  const PEOPLE = {
    later: 'later@example.com',
    lost: 'lost@example.com',
    refused: 'refused@example.com',
  } as const;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    db = await createTestDatabase();
    sink = await startSmtpSink({
      fault: (recipient, attempt) => {
        // The first customer's relay refuses the first whole message for now (451 after the ".").
        if (recipient === PEOPLE.later && attempt === 1)
          return { at: 'data', code: 451, message: 'Try again later' };
        // The third's refuses it for good.
        if (recipient === PEOPLE.refused) return { at: 'data', code: 550, message: 'Mailbox unavailable' };
        return undefined;
      },
    });
    smtp = new SmtpPool({ url: sink.url, size: 2 });
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-answer-wf-')),
      DATABASE_URL: db.url,
      SMTP_URL: sink.url,
      LOG_LEVEL: 'silent',
    });
    templates = new TemplateCache(db.pool);
    support = (await newUser(db.pool, { role: 'support', email: 'support@staff.example.com' })).actor;
    await importEmailHolders(db.pool, [
      { externalId: 'L1', fullName: 'Lena Later', email: PEOPLE.later },
      { externalId: 'L2', fullName: 'Lou Lost', email: PEOPLE.lost },
      { externalId: 'R1', fullName: 'Rita Refused', email: PEOPLE.refused },
    ]);
    const { incident } = await newIncident(db.pool);
    incidentId = incident.id;
    await identifyAffected(db.pool, incident.id);

    const deps = { pool: db.pool, smtp, templates, config };
    const real = createActivities({
      ...deps,
      staffMailer: undefined as never,
      rateLimiter: undefined as never,
    });
    const activities: Partial<Activities> = {
      sendQuestionAnswer: withLostFirstAttempt({
        loseFirstAttempt,
        record: (questionId, attempt) => attempts.push({ questionId, attempt }),
        sendLost: (questionId) => sendQuestionAnswer({ ...deps, smtp: relayThenLost(smtp) }, questionId),
        send: real.sendQuestionAnswer,
      }),
      giveUpQuestionAnswer: real.giveUpQuestionAnswer,
    };
    taskQueue = uniqueTaskQueue('answer');
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

  const start = () => ({
    temporal: env.client,
    config: { ...config, temporal: { ...config.temporal, taskQueue } },
  });

  /** The person's question, asked as the page asks it, and support's answer claimed for sending. */
  async function answeredQuestion(email: string, words: string) {
    const { rows } = await db.pool.query<{ customerId: number }>(
      `SELECT a.customer_id::int AS "customerId" FROM affected_customers a JOIN customers c ON c.id = a.customer_id
       WHERE a.incident_id = $1 AND c.email = $2`,
      [incidentId, email],
    );
    const asked = await askQuestion(
      { pool: db.pool },
      { incidentId, customerId: rows[0]!.customerId, locale: 'en' },
      `${words} question?`,
    );
    if (asked.kind !== 'asked') throw new Error(`question refused: ${asked.error}`);
    const question = await requestAnswer({ pool: db.pool, config }, support, {
      questionId: asked.questionId,
      answer: `${words} answer.`,
    });
    const handle = env.client.workflow.getHandle<typeof questionAnswerWorkflow>(
      questionAnswerWorkflowId(question.id),
    );
    return { question, handle };
  }

  it('sends once more after the relay refused the whole message for now: the customer gets one', async () => {
    const { question, handle } = await answeredQuestion(PEOPLE.later, 'Confidential-later');
    // Started twice (a retried request): one workflow.
    await startQuestionAnswer(start(), question);
    await startQuestionAnswer(start(), question);
    expect(await handle.result()).toEqual({ questionId: question.id, status: 'answered' });

    expect(attempts.filter((a) => a.questionId === question.id).map((a) => a.attempt)).toEqual([1, 2]);
    expect(sink.refusals.filter((r) => r.recipient === PEOPLE.later)).toHaveLength(1);
    expect(sink.acceptedByRecipient.get(PEOPLE.later)).toBe(1);
    const [mail] = sink.messages.filter((m) => m.envelopeTo.includes(PEOPLE.later));
    expect(mail!.messageId).toBe(question.messageId);
    expect(mail!.text).toContain('Confidential-later answer.');
    expect(await questionsDb.get(db.pool, question.id)).toMatchObject({
      status: 'answered',
      attempts: 2,
      relayResponse: expect.stringMatching(/^250/),
    });

    // Asked again once answered: refused, and nothing more is sent.
    await expect(
      requestAnswer({ pool: db.pool, config }, support, { questionId: question.id, answer: 'Again.' }),
    ).rejects.toBeInstanceOf(ConflictError);

    // Ids and a status only in the history: not the address, the question or the answer.
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
    expect(history).toContain(question.id);
    expect(history).not.toContain(PEOPLE.later);
    expect(history).not.toContain('Confidential-later');
  });

  it('does not send again what a lost attempt handed to the relay: failed and uncertain, one message', async () => {
    const { question, handle } = await answeredQuestion(PEOPLE.lost, 'Confidential-lost');
    loseFirstAttempt.add(question.id);
    await startQuestionAnswer(start(), question);
    expect(await handle.result()).toEqual({ questionId: question.id, status: 'failed' });

    expect(attempts.filter((a) => a.questionId === question.id).map((a) => a.attempt)).toEqual([1, 2]);
    expect(sink.acceptedByRecipient.get(PEOPLE.lost)).toBe(1);
    expect(await questionsDb.get(db.pool, question.id)).toMatchObject({ status: 'failed', uncertain: true });
    // Support must say it did not arrive before it goes again.
    await expect(
      requestAnswer({ pool: db.pool, config }, support, { questionId: question.id, answer: 'Again.' }),
    ).rejects.toThrow(/may have reached the customer/);
    const { rows } = await db.pool.query(
      `SELECT action FROM audit_events WHERE detail ->> 'questionId' = $1 ORDER BY id`,
      [question.id],
    );
    expect(rows.map((r) => r.action)).toEqual([
      'question_asked',
      'question_answer_requested',
      'question_answer_unconfirmed',
    ]);

    // Support asked the customer, who did not get it: sent again on purpose, under the same
    // workflow id (the first run has finished) and the same Message-ID.
    loseFirstAttempt.delete(question.id);
    const again = await requestAnswer({ pool: db.pool, config }, support, {
      questionId: question.id,
      answer: 'Confidential-lost answer.',
      resend: true,
    });
    await startQuestionAnswer(start(), again);
    const rerun = env.client.workflow.getHandle<typeof questionAnswerWorkflow>(
      questionAnswerWorkflowId(question.id),
    );
    expect(await rerun.result()).toEqual({ questionId: question.id, status: 'answered' });
    expect(sink.acceptedByRecipient.get(PEOPLE.lost)).toBe(2);
    const sent = sink.messages.filter((m) => m.envelopeTo.includes(PEOPLE.lost));
    expect(new Set(sent.map((m) => m.messageId))).toEqual(new Set([question.messageId]));
  });

  it('fails at once on a permanent refusal, sending nothing', async () => {
    const { question, handle } = await answeredQuestion(PEOPLE.refused, 'Confidential-refused');
    await startQuestionAnswer(start(), question);
    expect(await handle.result()).toEqual({ questionId: question.id, status: 'failed' });
    expect(attempts.filter((a) => a.questionId === question.id).map((a) => a.attempt)).toEqual([1]);
    expect(sink.acceptedByRecipient.get(PEOPLE.refused)).toBeUndefined();
    expect(await questionsDb.get(db.pool, question.id)).toMatchObject({
      status: 'failed',
      uncertain: false,
      relayResponse: expect.stringMatching(/^550/),
    });
  });
});
