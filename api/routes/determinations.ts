import type { TemplateCache } from '../../core/mail/template-cache';
import {
  decideDetermination,
  listDeterminations,
  proposeDetermination,
  withdrawDetermination,
} from '../../core/use-cases/determinations';
import { draftMissingPackets } from '../../core/use-cases/packets';
import { STAFF, requireRole } from '../auth';
import { ErrorResponse, IdParams } from '../schemas/common';
import {
  Determination,
  DeterminationDecisionBody,
  DeterminationList,
  DeterminationParams,
  ProposeDeterminationBody,
  WithdrawDeterminationBody,
} from '../schemas/determinations';
import { signalIncidentWithdrawn, signalObligationsChanged } from '../temporal-client';
import type { App, AppDeps } from '../types';

/**
 * Determinations (issue 15, item 4): compliance's judgements — no risk of harm, the lead supervisory
 * authority (GDPR Art. 56), an exemption, a safe harbour, a law-enforcement request — proposed by one
 * compliance user and decided by a second (core/use-cases/determinations.ts). An approval or a
 * withdrawal changes the obligations; afterwards the packets the new obligations need are drafted and
 * the workflow is told, so its deadline timers follow.
 */
export async function determinationRoutes(app: App, deps: AppDeps & { templates: TemplateCache }) {
  const { pool, temporal, logger } = deps;

  /** After a committed change to the obligations: packets for the new ones, and the workflow's timers. */
  const obligationsChanged = async (incidentId: string) => {
    try {
      await draftMissingPackets(deps, incidentId);
    } catch (err) {
      // The determination stands; the workflow drafts missing packets after its own assessment too.
      logger.error({ err, incidentId }, 'determination recorded, but the missing packets were not drafted');
    }
    await signalObligationsChanged(temporal, incidentId, logger);
  };

  app.get(
    '/api/incidents/:id/determinations',
    {
      onRequest: requireRole(...STAFF),
      schema: {
        summary: 'The incident’s determinations, newest first',
        params: IdParams,
        response: { 200: DeterminationList, 404: ErrorResponse },
      },
    },
    async (request) => ({ items: await listDeterminations({ pool }, request.params.id) }),
  );

  app.post(
    '/api/incidents/:id/determinations',
    {
      onRequest: requireRole('compliance'),
      schema: {
        summary:
          'Propose a determination (no risk of harm, lead supervisory authority, exemption, safe harbour, law-enforcement request); a second compliance user decides',
        params: IdParams,
        body: ProposeDeterminationBody,
        response: { 201: Determination, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await proposeDetermination(deps, request.user!, { incidentId: request.params.id, ...request.body }),
        ),
  );

  app.post(
    '/api/incidents/:id/determinations/:determinationId/decision',
    {
      onRequest: requireRole('compliance'),
      schema: {
        summary:
          'Approve or reject a proposed determination (never the proposer nor the incident’s opener); an approval re-assesses the obligations',
        params: DeterminationParams,
        body: DeterminationDecisionBody,
        response: {
          200: Determination,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const decided = await decideDetermination(deps, request.user!, {
        incidentId: request.params.id,
        determinationId: request.params.determinationId,
        decision: request.body.decision,
        comment: request.body.comment ?? null,
      });
      if (decided.status === 'approved') await obligationsChanged(request.params.id);
      if (decided.status === 'approved' && decided.kind === 'incident_withdrawal') {
        await signalIncidentWithdrawn(temporal, request.params.id, logger);
      }
      return decided;
    },
  );

  app.post(
    '/api/incidents/:id/determinations/:determinationId/withdrawal',
    {
      onRequest: requireRole('compliance'),
      schema: {
        summary: 'Withdraw a proposed or approved determination; an approved one’s effect is undone',
        params: DeterminationParams,
        body: WithdrawDeterminationBody,
        response: { 200: Determination, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const withdrawn = await withdrawDetermination(deps, request.user!, {
        incidentId: request.params.id,
        determinationId: request.params.determinationId,
        reason: request.body.reason,
      });
      // Decided and withdrawn: it had been approved (a rejected one cannot be withdrawn), so it took effect.
      if (withdrawn.decidedBy !== null) await obligationsChanged(request.params.id);
      return withdrawn;
    },
  );
}
