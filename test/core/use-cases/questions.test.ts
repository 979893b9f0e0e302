import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as questionsDb from '../../../core/db/questions';
import { ConflictError } from '../../../core/errors';
import {
  askQuestion,
  normaliseQuestion,
  questionFormToken,
  questionFormTokenMatches,
  recordAnswer,
  requestAnswer,
  waitingQuestions,
} from '../../../core/use-cases/questions';
import type { Actor } from '../../../core/use-cases/types';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { identifyAffected, importInventory, newIncident, newUser } from '../../helpers/factories';

/**
 * The question use cases on PostgreSQL, for what the page and API tests do not reach: a person with
 * no email address (a letter brought them to their page) is answered by phone or post, recorded;
 * the form token is bound to one page.
 */
describe('questions', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let support: Actor;
  let incidentId: string;
  const caseOf = async (externalId: string) => {
    const { rows } = await db.pool.query<{ customerId: number }>(
      `SELECT a.customer_id::int AS "customerId" FROM affected_customers a JOIN customers c ON c.id = a.customer_id
       WHERE a.incident_id = $1 AND c.external_id = $2`,
      [incidentId, externalId],
    );
    return { incidentId, customerId: rows[0]!.customerId, locale: 'en' };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-questions-')),
      DATABASE_URL: db.url,
      LOG_LEVEL: 'silent',
    });
    support = (await newUser(db.pool, { role: 'support' })).actor;
    await importInventory(db.pool, {
      customers: [
        { externalId: 'P1', fullName: 'Paula Post', email: null },
        { externalId: 'E1', fullName: 'Emil Email', email: 'emil@example.com' },
      ],
      holdings: ['P1', 'E1'].map((id) => ({ customerExternalId: id, system: 'crm', categories: ['name'] })),
    });
    incidentId = (await newIncident(db.pool, { dataCategories: ['name'] })).incident.id;
    await identifyAffected(db.pool, incidentId);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('answers a person without an email address by phone or post, recorded once, out of the queue', async () => {
    const asked = await askQuestion({ pool: db.pool }, await caseOf('P1'), 'Can you call me?');
    if (asked.kind !== 'asked') throw new Error('refused');
    expect((await waitingQuestions({ pool: db.pool })).map((q) => q.id)).toContain(asked.questionId);

    await expect(
      requestAnswer({ pool: db.pool, config }, support, { questionId: asked.questionId, answer: 'Yes.' }),
    ).rejects.toThrow(/no email address/);
    // Nothing was claimed by the refusal.
    expect((await questionsDb.get(db.pool, asked.questionId))!.status).toBe('open');

    const closed = await recordAnswer({ pool: db.pool }, support, {
      questionId: asked.questionId,
      answer: 'Called her back on 7 December; explained the steps.',
      channel: 'phone',
    });
    expect(closed).toMatchObject({
      status: 'closed',
      answerChannel: 'phone',
      answeredBy: support.id,
      recipient: null,
      messageId: null,
      answeredAt: expect.any(Date),
    });
    expect((await waitingQuestions({ pool: db.pool })).map((q) => q.id)).not.toContain(asked.questionId);
    await expect(
      recordAnswer({ pool: db.pool }, support, {
        questionId: asked.questionId,
        answer: 'Again',
        channel: 'post',
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      requestAnswer({ pool: db.pool, config }, support, { questionId: asked.questionId, answer: 'Again' }),
    ).rejects.toBeInstanceOf(ConflictError);

    const { rows } = await db.pool.query(
      `SELECT action, detail FROM audit_events WHERE detail ->> 'questionId' = $1 ORDER BY id`,
      [asked.questionId],
    );
    expect(rows.map((r) => r.action)).toEqual(['question_asked', 'question_answered_offline']);
    expect(rows[1].detail).toMatchObject({ channel: 'phone', answerSha256: expect.any(String) });
    expect(JSON.stringify(rows)).not.toMatch(/Called her back|Can you call me/);
  });

  it('keeps a question as written but for line ends, invisible controls and spaces around', async () => {
    expect(normaliseQuestion('  Line one\r\nLine\u0000 two\u202e\t!  ')).toBe('Line one\nLine two\t!');
    const again = await askQuestion({ pool: db.pool }, await caseOf('E1'), '\r\n  Same?\u200b ');
    const same = await askQuestion({ pool: db.pool }, await caseOf('E1'), 'Same?');
    expect(again).toMatchObject({ kind: 'asked', created: true });
    expect(same).toMatchObject({ kind: 'asked', created: false });
    if (again.kind === 'asked' && same.kind === 'asked') expect(same.questionId).toBe(again.questionId);
  });

  it('binds the form token to one page', () => {
    const a = questionFormToken(config, 'a'.repeat(64));
    const b = questionFormToken(config, 'b'.repeat(64));
    expect(a).not.toBe(b);
    expect(questionFormTokenMatches(config, 'a'.repeat(64), a)).toBe(true);
    expect(questionFormTokenMatches(config, 'b'.repeat(64), a)).toBe(false);
    expect(questionFormTokenMatches(config, 'a'.repeat(64), '')).toBe(false);
  });
});
