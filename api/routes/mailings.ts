import type { TemplateCache } from '../../core/mail/template-cache';
import { decideFollowUp, draftFollowUp, listFollowUps, listMailings } from '../../core/use-cases/mailings';
import { signalFollowUpDecided } from '../temporal-client';
import type { App, AppDeps } from '../types';
import { STAFF, requireRole } from '../auth';
import { ErrorResponse, IdParams } from '../schemas/common';
import {
  DraftFollowUpBody,
  FollowUpDecisionBody,
  FollowUpDecisionResult,
  FollowUpList,
  FollowUpParams,
  FollowUpText,
  MailingList,
} from '../schemas/mailings';

/**
 * Further mailings (core/use-cases/mailings.ts): an incident's follow-up texts — supplements,
 * reminders, updates — written, revised and approved four-eyes, and its mailings with their counts.
 * After a decision the mailing's workflow is told (an update's is started: api/temporal-client.ts
 * `signalFollowUpDecided`).
 */
export async function mailingRoutes(app: App, deps: AppDeps & { templates: TemplateCache }) {
  const { pool, config } = deps;
  const use = { pool, config, templates: deps.templates };

  app.get(
    '/api/incidents/:id/mailings',
    {
      onRequest: requireRole(...STAFF),
      schema: {
        summary: "The incident's further mailings (supplements, reminders, updates) with their counts",
        params: IdParams,
        response: { 200: MailingList, 404: ErrorResponse },
      },
    },
    async (request) => ({ items: await listMailings(use, request.params.id) }),
  );

  app.get(
    '/api/incidents/:id/follow-ups',
    {
      onRequest: requireRole(...STAFF),
      schema: {
        summary: "Every version of the incident's follow-up texts, with where each stands",
        params: IdParams,
        response: { 200: FollowUpList, 404: ErrorResponse },
      },
    },
    async (request) => ({ items: await listFollowUps(use, request.params.id) }),
  );

  app.post(
    '/api/incidents/:id/follow-ups',
    {
      onRequest: requireRole('officer', 'compliance'),
      schema: {
        summary:
          'Write a follow-up text (an update, supplement or reminder) or a new version of one not yet approved; its writer may not approve it',
        params: IdParams,
        body: DraftFollowUpBody,
        response: { 201: FollowUpText, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const notice = await draftFollowUp(use, request.user!, {
        incidentId: request.params.id,
        ...request.body,
      });
      const { kind } = request.body;
      // A mailing waiting for a rejected text looks again.
      await signalFollowUpDecided(
        deps,
        { incidentId: request.params.id, kind, key: request.body.key },
        request.log,
      );
      return reply.code(201).send({ ...notice, kind, key: request.body.key });
    },
  );

  app.post(
    '/api/incidents/:id/follow-ups/:noticeId/decision',
    {
      onRequest: requireRole('compliance'),
      schema: {
        summary:
          'Approve or reject a follow-up text, naming its content hash (four eyes); once approved its mailing goes out',
        params: FollowUpParams,
        body: FollowUpDecisionBody,
        response: {
          200: FollowUpDecisionResult,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { outcome, approvals, quorum } = await decideFollowUp(use, request.user!, {
        incidentId: request.params.id,
        noticeId: request.params.noticeId,
        contentHash: request.body.contentHash,
        decision: request.body.decision,
        comment: request.body.comment ?? null,
      });
      const text = (await listFollowUps(use, request.params.id)).find(
        (n) => n.id === request.params.noticeId,
      );
      if (text && outcome !== 'awaiting_quorum') {
        await signalFollowUpDecided(
          deps,
          { incidentId: text.incidentId, kind: text.kind, key: text.key },
          request.log,
        );
      }
      return { outcome, approvals, quorum };
    },
  );
}
