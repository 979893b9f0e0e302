import type { z } from 'zod';
import type { CaseRow } from '../../core/db/cases';
import type { TemplateCache } from '../../core/mail/template-cache';
import { lookUpCases } from '../../core/use-cases/support';
import type { CaseNotice } from '../../core/use-cases/support';
import type { App, AppDeps } from '../types';
import { requireRole } from '../auth';
import { ErrorResponse } from '../schemas/common';
import {
  AnswerAccepted,
  AnswerQuestionBody,
  QuestionParams,
  SupportCaseList,
  SupportCaseQuery,
  WaitingQuestionList,
} from '../schemas/support';
import type { SupportCase, SupportQuestion } from '../schemas/support';
import type { Question } from '../../core/db/questions';
import { recordAnswer, requestAnswer, waitingQuestions } from '../../core/use-cases/questions';
import type { CaseQuestion } from '../../core/use-cases/questions';
import { startQuestionAnswer } from '../temporal-client';

/**
 * Support lookup: a customer calls or writes quoting their reference code (or from their email
 * address); staff see every case of theirs across incidents — what was exposed, where and when the
 * notice went, whether they acknowledged it, and the notice itself as they were sent it — so the
 * customer never has to explain again. Every lookup is audited by ids: who looked up which customer.
 *
 * The questions a customer asked on their page come with their case, each with its history; support
 * answers one by email (`POST /api/support/questions/:id/answer`), exactly once, to the address the
 * notice went to (core/use-cases/questions.ts, workflows/question-answer.ts).
 */
export async function supportRoutes(app: App, deps: AppDeps & { templates: TemplateCache }) {
  app.get(
    '/api/support/cases',
    {
      onRequest: requireRole('support', 'compliance', 'admin'),
      schema: {
        summary: "Find a customer's cases by reference code or email address, with the notice they were sent",
        querystring: SupportCaseQuery,
        response: { 200: SupportCaseList, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const found = await lookUpCases(deps, request.user!, request.query);
      return { items: found.map(({ row, notice, questions }) => present(row, notice, questions)) };
    },
  );

  app.get(
    '/api/support/questions',
    {
      onRequest: requireRole('support', 'compliance'),
      schema: {
        summary:
          'Questions customers asked on their pages that wait for an answer, oldest first (reference codes, not the words)',
        response: { 200: WaitingQuestionList, 403: ErrorResponse },
      },
    },
    async () => {
      const waiting = await waitingQuestions(deps);
      return {
        items: waiting.map((q) => ({
          id: q.id,
          incident: { id: q.incidentId, title: q.incidentTitle },
          referenceCode: q.referenceCode,
          askedAt: q.askedAt,
          status: q.status,
          uncertain: q.uncertain,
        })),
      };
    },
  );

  app.post(
    '/api/support/questions/:id/answer',
    {
      onRequest: requireRole('support', 'compliance'),
      schema: {
        summary:
          "Answer a customer's question by email, exactly once, to the address their notice went to (or record an answer given by phone or post)",
        params: QuestionParams,
        body: AnswerQuestionBody,
        response: {
          200: AnswerAccepted,
          202: AnswerAccepted,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { answer, channel = 'email', resend } = request.body;
      const accepted = (q: Question) => ({
        id: q.id,
        status: q.status,
        channel: q.answerChannel!,
        recipient: q.recipient,
        answerRequestedAt: q.answerRequestedAt!,
      });
      if (channel !== 'email') {
        const recorded = await recordAnswer(deps, request.user!, {
          questionId: request.params.id,
          answer,
          channel,
        });
        return reply.code(200).send(accepted(recorded));
      }
      const question = await requestAnswer(deps, request.user!, {
        questionId: request.params.id,
        answer,
        resend,
      });
      await startQuestionAnswer(deps, question);
      return reply.code(202).send(accepted(question));
    },
  );

  const presentQuestion = (c: CaseRow, q: CaseQuestion): z.infer<typeof SupportQuestion> => ({
    id: q.id,
    incidentId: q.incidentId,
    referenceCode: c.referenceCode,
    body: q.body,
    askedAt: q.askedAt,
    status: q.status,
    answer: q.answer,
    answeredBy: q.answeredBy === null ? null : { id: q.answeredBy, name: q.answeredByName },
    answerRequestedAt: q.answerRequestedAt,
    channel: q.answerChannel,
    recipient: q.recipient,
    answeredAt: q.answeredAt,
    attempts: q.attempts,
    relayResponse: q.relayResponse,
    uncertain: q.uncertain,
    history: q.history.map((e) => ({
      at: e.at,
      action: e.action,
      actor: e.actor,
      actorName: e.actorName,
      relayResponse: typeof e.detail.relayResponse === 'string' ? e.detail.relayResponse : null,
    })),
  });

  const present = (
    c: CaseRow,
    notice: CaseNotice | null,
    questions: CaseQuestion[],
  ): z.infer<typeof SupportCase> => ({
    questions: questions.map((q) => presentQuestion(c, q)),
    incident: { id: c.incidentId, title: c.incidentTitle, status: c.incidentStatus },
    referenceCode: c.referenceCode,
    customer: {
      id: c.customerId,
      externalId: c.externalId,
      fullName: c.fullName,
      email: c.email,
      locale: c.locale,
      status: c.customerStatus,
      representativeName: c.representativeName,
      representativeEmail: c.representativeEmail,
    },
    jurisdiction: c.jurisdiction,
    categories: c.categories,
    status: c.caseStatus,
    delivery:
      c.deliveryId === null
        ? null
        : {
            status: c.deliveryStatus!,
            recipient: c.sentTo!,
            sentAt: c.sentAt,
            attempts: c.attempts,
            lastReply: c.lastReply,
          },
    acknowledgedAt: c.acknowledgedAt,
    mergedRecords: c.mergedRecords,
    notice,
  });
}
