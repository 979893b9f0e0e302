import {
  amendIncident,
  decideAmendmentNotice,
  listAmendments,
  reviseAmendmentNotice,
} from '../../core/use-cases/amendments';
import type { TemplateCache } from '../../core/mail/template-cache';
import { STAFF, requireRole } from '../auth';
import {
  AmendBody,
  Amendment,
  AmendmentDecisionBody,
  AmendmentDecisionResult,
  AmendmentList,
  AmendmentNotice,
  AmendmentNoticeBody,
  AmendmentParams,
} from '../schemas/amendments';
import { ErrorResponse, IdParams } from '../schemas/common';
import { signalAmendmentNoticeDecided, startAmendmentWorkflow } from '../temporal-client';
import type { App, AppDeps } from '../types';

/**
 * Amendments (issue 17, item 1): the incident's facts as the investigation now knows them, each a
 * new version with its reason; the amendment's workflow (workflows/amendment.ts), started here once
 * the version commits, re-identifies, re-assesses and notifies the difference. The notice for the
 * newly affected is decided and revised here, and its workflow told.
 */
export async function amendmentRoutes(app: App, deps: AppDeps & { templates: TemplateCache }) {
  const { pool, temporal, logger } = deps;

  app.get(
    '/api/incidents/:id/amendments',
    {
      onRequest: requireRole(...STAFF),
      schema: {
        summary: 'The incident’s amendments, newest first, with what each changed and found',
        params: IdParams,
        response: { 200: AmendmentList, 404: ErrorResponse },
      },
    },
    async (request) => ({ items: await listAmendments({ pool }, request.params.id) }),
  );

  app.post(
    '/api/incidents/:id/amendments',
    {
      onRequest: requireRole('officer', 'compliance'),
      schema: {
        summary:
          'Amend the incident’s facts (a new version with its reason): the newly affected are notified, those whose exposure grew get a supplement',
        params: IdParams,
        body: AmendBody,
        response: { 201: Amendment, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const amended = await amendIncident({ pool }, request.user!, {
        incidentId: request.params.id,
        reason: request.body.reason,
        changes: request.body.changes,
      });
      let workflowPending = false;
      try {
        await startAmendmentWorkflow(deps, amended);
      } catch (err) {
        // Recorded all the same: the workflow starter (api/workflow-starter.ts) starts it shortly.
        logger.error(
          { err, incidentId: amended.incidentId, version: amended.version },
          'amendment workflow not started',
        );
        workflowPending = true;
      }
      return reply.code(201).send({ ...amended, workflowPending });
    },
  );

  app.post(
    '/api/incidents/:id/amendments/:version/decision',
    {
      onRequest: requireRole('compliance'),
      schema: {
        summary: 'Approve or reject the notice for an amendment’s newly affected, naming its content hash',
        params: AmendmentParams,
        body: AmendmentDecisionBody,
        response: {
          200: AmendmentDecisionResult,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const amendment = { incidentId: request.params.id, version: request.params.version };
      const decided = await decideAmendmentNotice(deps, request.user!, {
        ...amendment,
        noticeId: request.body.noticeId,
        contentHash: request.body.contentHash,
        decision: request.body.decision,
        comment: request.body.comment ?? null,
      });
      await signalAmendmentNoticeDecided(temporal, amendment, logger);
      return decided;
    },
  );

  app.put(
    '/api/incidents/:id/amendments/:version/notice',
    {
      onRequest: requireRole('officer', 'compliance'),
      schema: {
        summary:
          'Revise the notice for an amendment’s newly affected after a rejection; a new version goes for approval',
        params: AmendmentParams,
        body: AmendmentNoticeBody,
        response: { 200: AmendmentNotice, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const amendment = { incidentId: request.params.id, version: request.params.version };
      const revised = await reviseAmendmentNotice(deps, request.user!, { ...amendment, ...request.body });
      await signalAmendmentNoticeDecided(temporal, amendment, logger);
      return revised;
    },
  );
}
