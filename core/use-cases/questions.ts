import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config';
import * as audit from '../db/audit';
import * as cases from '../db/cases';
import type { PageRow } from '../db/cases';
import type { Pool } from '../db/pool';
import { inTransaction } from '../db/pool';
import * as questions from '../db/questions';
import type { Question, QuestionEvent, WaitingQuestion } from '../db/questions';
import { addressOf, isUsableAddress, recipientAddress } from '../delivery/notice-message';
import { ANSWER_MAX_LENGTH, QUESTION_MAX_LENGTH, questionAnswerMessageId } from '../domain/questions';
import type { QuestionStatus } from '../domain/questions';
import { ConflictError, LeaseLostError, NotFoundError, ValidationError } from '../errors';
import { sha256Hex } from '../hash';
import { jurisdictionTimeZone } from '../law/time-zones';
import { composeMessage } from '../mail/compose';
import { renderSupportAnswer } from '../mail/render';
import { sendOnce, unansweredCommitReply } from '../mail/send-once';
import type { QuestionFormError } from '../mail/render';
import type { MailSender } from '../mail/smtp-pool';
import type { TemplateCache } from '../mail/template-cache';
import type { Actor } from './types';

/*
 * Questions without repeating oneself (issue 17 item 5). A customer asks on their own page
 * (/n/<token>); the page token is who they are, so the question lands on their case — the incident,
 * the person, the reference code — and support finds it in the lookup by that code, with its history.
 * Support answers by email, exactly once, to the address the notice went to.
 *
 * ## Only their own
 * The page's form carries nothing that says whose question it is: the case comes from the token in
 * the address, and a hidden form token bound to that page token (`questionFormToken`) must match, so
 * a form taken from one person's page cannot post to another's. The answer's email is built from the
 * question's own case (the recipient frozen on it, its reference code) and what support wrote; its
 * address is the one the notice went to, never one typed by staff.
 *
 * ## Exactly one answer, and never one sent blind
 * As a filing's email (core/use-cases/filings.ts): `requestAnswer` claims it (`sending`, a stable
 * Message-ID) with its audit entry; `questionAnswerWorkflow` runs `sendQuestionAnswer`, which records
 * the commit point (the relay holds the whole message) before the final "." by exactly one attempt
 * (its lease). A retry finds no commit (the relay discarded it: send again, same Message-ID) or a
 * commit without the relay's answer (it may have arrived: `failed` and `uncertain`, never sent
 * again unless support asks with `resend`).
 */

/** Questions of one case waiting for an answer before the page refuses another (a flood, not a person). */
export const MAX_WAITING_QUESTIONS = 5;

/**
 * The hidden token of a page's question form: HMAC-SHA256 under the page-token key of the page
 * token's hash, in its own domain (`question-form`), so it is bound to this one page and says
 * nothing about the page token. Stable for the page's life, so the page can be rendered once and kept.
 */
export function questionFormToken(config: Readonly<Config>, pageTokenHash: string): string {
  return createHmac('sha256', config.pageTokens.key)
    .update(`question-form\0${pageTokenHash}`)
    .digest('base64url');
}

/** Whether a posted form token is the one of this page (compared in constant time). */
export function questionFormTokenMatches(
  config: Readonly<Config>,
  pageTokenHash: string,
  given: string,
): boolean {
  const expected = Buffer.from(questionFormToken(config, pageTokenHash));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A question as stored: line ends made \n, control characters other than tab and newline removed,
 * spaces around trimmed. Its length is counted in characters (code points), as the CHECK counts it.
 */
export function normaliseQuestion(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim();
}

/** What became of a question posted on the page. */
export type AskOutcome =
  | { kind: 'asked'; questionId: string; created: boolean }
  | { kind: 'refused'; error: QuestionFormError; draft: string };

/**
 * Records a question for the page's case, with its `question_asked` audit entry (ids and a length,
 * never the text), in one transaction. The same text asked again is the first question (no second
 * case, no second entry). Refused — with what the page shows — when empty, too long, or when the
 * case already has MAX_WAITING_QUESTIONS waiting.
 */
export async function askQuestion(
  deps: { pool: Pool },
  page: Pick<PageRow, 'incidentId' | 'customerId' | 'locale'>,
  text: string,
): Promise<AskOutcome> {
  const body = normaliseQuestion(text);
  const draft = text.slice(0, QUESTION_MAX_LENGTH * 2);
  if (body.length === 0) return { kind: 'refused', error: 'empty', draft: '' };
  if ([...body].length > QUESTION_MAX_LENGTH) return { kind: 'refused', error: 'too_long', draft };
  const bodySha256 = sha256Hex(body);
  return inTransaction(deps.pool, async (tx) => {
    // One question at a time per case: the count and the insert see the same state.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
      `question:${page.incidentId}:${page.customerId}`,
    ]);
    const same = await tx.query<{ id: string }>(
      `SELECT id FROM questions WHERE incident_id = $1 AND customer_id = $2 AND body_sha256 = $3`,
      [page.incidentId, page.customerId, bodySha256],
    );
    if (same.rows[0]) return { kind: 'asked', questionId: same.rows[0].id, created: false };
    if ((await questions.countWaiting(tx, page.incidentId, page.customerId)) >= MAX_WAITING_QUESTIONS) {
      return { kind: 'refused', error: 'too_many', draft };
    }
    const asked = await questions.ask(tx, {
      incidentId: page.incidentId,
      customerId: page.customerId,
      body,
      bodySha256,
      language: page.locale,
    });
    if (asked.created) {
      await audit.append(tx, {
        incidentId: page.incidentId,
        actor: 'customer',
        action: 'question_asked',
        detail: { questionId: asked.id, customerId: page.customerId, characters: [...body].length },
        dedupeKey: `question_asked:${asked.id}`,
      });
    }
    return { kind: 'asked', questionId: asked.id, created: asked.created };
  });
}

/**
 * Support's answer to a question: validated, claimed for sending to the address the case's notice
 * went to (the representative's for a deceased customer), with its `question_answer_requested`
 * audit entry, in one transaction; the caller then starts `questionAnswerWorkflow`
 * (api/temporal-client.ts `startQuestionAnswer`). Asked again while it is being sent: the same
 * question (starting the workflow again finds the running one). A failed answer is taken up again —
 * one that may have arrived (`uncertain`) only with `resend`. Throws ValidationError (answer),
 * NotFoundError, ConflictError (answered; no email address; uncertain without resend).
 */
export async function requestAnswer(
  deps: { pool: Pool; config: Readonly<Config> },
  actor: Actor,
  input: { questionId: string; answer: string; resend?: boolean | undefined },
): Promise<Question> {
  const answer = validAnswer(input.answer);
  return inTransaction(deps.pool, async (tx) => {
    const question = await questions.lock(tx, input.questionId);
    if (!question) throw new NotFoundError(`No question ${input.questionId}`);
    if (question.status === 'sending') return question;
    if (question.status === 'answered' || question.status === 'closed') {
      throw new ConflictError(`This question was answered on ${question.answeredAt?.toISOString() ?? '?'}`);
    }
    if (question.status === 'failed' && question.uncertain && !input.resend) {
      throw new ConflictError(
        `The answer to this question may have reached the customer (no answer after the relay held it: ${question.relayResponse ?? ''}). Ask them, or send it again with resend: true`,
      );
    }
    const found = await cases.getCase(tx, question.incidentId, question.customerId);
    if (!found) throw new NotFoundError(`No case for question ${question.id}`);
    const recipient = found.sentTo ?? recipientAddress(found);
    if (!isUsableAddress(recipient)) {
      throw new ConflictError(
        'This customer has no email address to answer to: answer by phone or post, and record it with channel "phone" or "post"',
      );
    }
    const domain = addressOf(deps.config.mail.from).split('@')[1] ?? 'localhost';
    await questions.claimAnswer(tx, {
      id: question.id,
      answer,
      answeredBy: actor.id,
      recipient,
      messageId: questionAnswerMessageId(question.id, domain),
    });
    const claimed = (await questions.lock(tx, question.id))!;
    await audit.append(tx, {
      incidentId: question.incidentId,
      actor: actor.id,
      action: 'question_answer_requested',
      detail: {
        questionId: question.id,
        customerId: question.customerId,
        messageId: claimed.messageId,
        answerSha256: sha256Hex(answer),
        ...(question.status === 'failed' ? { again: true } : {}),
      },
      // A relay's refusal usually quotes the address: sealed with the incident's key (core/db/audit.ts
      // `append`), erased when the incident's retention ends.
      ...(question.status === 'failed' ? { personal: { previousResponse: question.relayResponse } } : {}),
    });
    return claimed;
  });
}

/**
 * Records support's answer given by phone or post — to a person with no email address (a letter
 * brought them to their page), or one who called — with its `question_answered_offline` audit entry,
 * in one transaction: `closed`, out of the queue, shown on the page. Nothing is sent. Throws
 * ValidationError (answer), NotFoundError, ConflictError (being sent by email, or answered).
 */
export async function recordAnswer(
  deps: { pool: Pool },
  actor: Actor,
  input: { questionId: string; answer: string; channel: 'phone' | 'post' },
): Promise<Question> {
  const answer = validAnswer(input.answer);
  return inTransaction(deps.pool, async (tx) => {
    const question = await questions.lock(tx, input.questionId);
    if (!question) throw new NotFoundError(`No question ${input.questionId}`);
    if (question.status === 'sending')
      throw new ConflictError('The answer to this question is being sent by email');
    if (question.status === 'answered' || question.status === 'closed') {
      throw new ConflictError(`This question was answered on ${question.answeredAt?.toISOString() ?? '?'}`);
    }
    await questions.close(tx, { id: question.id, answer, answeredBy: actor.id, channel: input.channel });
    await audit.append(tx, {
      incidentId: question.incidentId,
      actor: actor.id,
      action: 'question_answered_offline',
      detail: {
        questionId: question.id,
        customerId: question.customerId,
        channel: input.channel,
        answerSha256: sha256Hex(answer),
        ...(question.status === 'failed' ? { afterFailedEmail: true, uncertain: question.uncertain } : {}),
      },
    });
    return (await questions.lock(tx, question.id))!;
  });
}

/** An answer as stored: line ends made \n, trimmed, 1 to ANSWER_MAX_LENGTH characters. */
function validAnswer(text: string): string {
  const answer = text.replace(/\r\n?/g, '\n').trim();
  if (answer.length === 0) throw new ValidationError('The answer is empty', 'answer');
  if ([...answer].length > ANSWER_MAX_LENGTH)
    throw new ValidationError(`The answer is longer than ${ANSWER_MAX_LENGTH} characters`, 'answer');
  return answer;
}

/** What the answer's email needs: the worker's SMTP pool and templates, besides the pool. */
export interface AnswerEmailDeps {
  pool: Pool;
  smtp: MailSender;
  templates: TemplateCache;
  config: Readonly<Config>;
}

/** What became of an answer's email: ids and a status only (it passes through workflow histories). */
export interface AnswerEmailOutcome {
  questionId: string;
  status: QuestionStatus;
}

/**
 * Sends a claimed answer exactly once (see the top of this file): renders it in the question's
 * language from the current templates, composes it with its stable Message-ID, records the commit
 * point with the message, and keeps the relay's answer — `answered`, audited `question_answered`.
 * Safe to call again at any time:
 * - already answered, failed or open: nothing is sent; its status is returned;
 * - committed by an earlier attempt without an answer: `failed` and `uncertain`, never sent again;
 * - a permanent refusal: `failed`; a temporary one (or no connection) throws, for a retry.
 * Throws NotFoundError for an unknown question.
 */
export async function sendQuestionAnswer(
  deps: AnswerEmailDeps,
  questionId: string,
): Promise<AnswerEmailOutcome> {
  const { pool, config } = deps;
  const question = await questions.get(pool, questionId);
  if (!question) throw new NotFoundError(`No question ${questionId}`);
  const outcome = (status: QuestionStatus): AnswerEmailOutcome => ({ questionId, status });
  if (question.status !== 'sending') return outcome(question.status);
  if (question.committedAt) {
    await failAnswer(pool, question, {
      reply: unansweredCommitReply(question.attempts, question.relayResponse),
      uncertain: true,
    });
    return outcome('failed');
  }

  const found = await cases.getCase(pool, question.incidentId, question.customerId);
  if (!found) throw new NotFoundError(`No case for question ${questionId}`);
  const { version } = await deps.templates.snapshotCurrent();
  const set = await deps.templates.get(version);
  // As the notice spoke: to the registered representative of a deceased customer (`recipientAddress`).
  const isRepresentative = found.customerStatus === 'deceased' && found.representativeEmail !== null;
  const mail = renderSupportAnswer(set, {
    locale: found.locale,
    language: question.language,
    timeZone: jurisdictionTimeZone(found.region ?? '') ?? jurisdictionTimeZone(found.country) ?? 'UTC',
    recipient: {
      name: isRepresentative ? (found.representativeName ?? found.fullName) : found.fullName,
      isRepresentative,
      subjectName: found.fullName,
    },
    company: config.company,
    incident: { title: found.incidentTitle },
    referenceCode: found.referenceCode,
    question: { body: question.body, askedAt: question.askedAt },
    answer: question.answer!,
  });
  const raw = await composeMessage({
    from: config.mail.from,
    to: question.recipient!,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: question.messageId!,
    headers: { 'X-Forthright-Reference': found.referenceCode },
    // Claimed at: every attempt composes the same message.
    date: question.answerRequestedAt!,
  });
  const lease = randomUUID();
  const result = await sendOnce(
    deps.smtp,
    { from: addressOf(config.mail.from), to: question.recipient! },
    raw,
    {
      commit: async () => {
        if (!(await questions.markCommitted(pool, questionId, lease, { raw, sha256: sha256Hex(raw) }))) {
          throw new LeaseLostError(`question ${questionId} was taken over by another attempt`);
        }
      },
      undo: (reply) => questions.undoCommit(pool, questionId, lease, reply),
    },
  );
  if (!result.sent) {
    await failAnswer(pool, question, { reply: result.reply, uncertain: result.uncertain });
    return outcome('failed');
  }
  const { reply } = result;
  const answered = await inTransaction(pool, async (tx) => {
    if (!(await questions.markAnswered(tx, questionId, lease, reply))) return false;
    await audit.append(tx, {
      incidentId: question.incidentId,
      actor: 'system',
      action: 'question_answered',
      detail: {
        questionId,
        customerId: question.customerId,
        messageId: question.messageId,
        messageSha256: sha256Hex(raw),
        relayResponse: reply,
      },
      dedupeKey: `question_answered:${questionId}`,
    });
    return true;
  });
  return outcome(answered ? 'answered' : ((await questions.get(pool, questionId))?.status ?? 'failed'));
}

/** Marks a `sending` answer failed, with its audit entry, in one transaction. */
async function failAnswer(
  pool: Pool,
  question: Question,
  outcome: { reply: string; uncertain: boolean },
): Promise<void> {
  await inTransaction(pool, async (tx) => {
    if (!(await questions.markFailed(tx, question.id, outcome))) return;
    await audit.append(tx, {
      incidentId: question.incidentId,
      actor: 'system',
      action: outcome.uncertain ? 'question_answer_unconfirmed' : 'question_answer_failed',
      detail: {
        questionId: question.id,
        customerId: question.customerId,
        messageId: question.messageId,
      },
      // A refusal usually quotes the address ("550 5.1.1 <…>"): sealed, erased with the incident's key.
      personal: { relayResponse: outcome.reply },
    });
  });
}

/**
 * Gives up on an answer's email after the workflow's retries: `failed`, `uncertain` when an attempt
 * had passed the commit point. Idempotent.
 */
export async function giveUpQuestionAnswer(
  deps: { pool: Pool },
  input: { questionId: string; reason: string },
): Promise<AnswerEmailOutcome> {
  const question = await questions.get(deps.pool, input.questionId);
  if (!question) throw new NotFoundError(`No question ${input.questionId}`);
  if (question.status === 'sending') {
    await failAnswer(deps.pool, question, {
      reply: `${question.relayResponse ?? input.reason} (given up after the retries)`,
      uncertain: question.committedAt !== null,
    });
  }
  return { questionId: question.id, status: (await questions.get(deps.pool, question.id))!.status };
}

/** A case's question as the support lookup shows it: the question, the answer and its history. */
export interface CaseQuestion extends Question {
  history: QuestionEvent[];
}

/**
 * The questions of these cases with their histories, keyed `<incidentId>:<customerId>`: two reads
 * for any number of cases (the lookup's), none when they have no questions.
 */
export async function questionsOfCases(
  pool: Pool,
  rows: readonly { incidentId: string; customerId: number }[],
): Promise<Map<string, CaseQuestion[]>> {
  const found = await questions.listForCases(pool, rows);
  const events = await questions.history(
    pool,
    found.map((q) => q.id),
  );
  const byCase = new Map<string, CaseQuestion[]>();
  for (const q of found) {
    const key = `${q.incidentId}:${q.customerId}`;
    byCase.set(key, [
      ...(byCase.get(key) ?? []),
      { ...q, history: events.filter((e) => e.questionId === q.id) },
    ]);
  }
  return byCase;
}

/** Questions shown in support's queue at most (oldest first). */
const MAX_WAITING_LISTED = 200;

/**
 * Support's queue: the questions waiting for an answer, oldest first — where to look (incident and
 * reference code), never the words or the person, so that reading them goes through the audited
 * lookup.
 */
export function waitingQuestions(deps: { pool: Pool }): Promise<WaitingQuestion[]> {
  return questions.listWaiting(deps.pool, MAX_WAITING_LISTED);
}
