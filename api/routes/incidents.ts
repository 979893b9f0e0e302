import { z } from 'zod';
import * as affected from '../../core/db/affected';
import { listForIncident as auditTrail } from '../../core/db/audit';
import * as deliveries from '../../core/db/deliveries';
import * as reach from '../../core/db/reach';
import * as incidents from '../../core/db/incidents';
import type { Incident as IncidentRow } from '../../core/db/incidents';
import * as notices from '../../core/db/notices';
import * as obligations from '../../core/db/obligations';
import * as workflowTampering from '../../core/db/workflow-tampering';
import { IncidentNotFoundError } from '../../core/errors';
import type { TemplateCache } from '../../core/mail/template-cache';
import {
  openIncident,
  recordWorkflowStartFailure,
  recordWorkflowStarted,
} from '../../core/use-cases/incidents';
import { variantPreviews } from '../../core/use-cases/notice-previews';
import { recordWorkflowTampering } from '../../core/use-cases/workflow-integrity';
import { decideNotice, findWorkflowTampering, reviseNotice, startIncidentWorkflow } from '../temporal-client';
import type { App, AppDeps } from '../types';
import { STAFF, requireRole } from '../auth';
import { ErrorResponse, IdParams } from '../schemas/common';
import {
  AffectedPage,
  AffectedQuery,
  ApprovalBody,
  ApprovalResponse,
  CreateIncidentBody,
  DeliveryProgress,
  Incident,
  IncidentList,
  ListQuery,
  NoticeList,
  ReviseNoticeBody,
  Timeline,
} from '../schemas/incidents';

// A decision on or a revision of the notice is refused for bad input, the wrong role, an unknown
// incident, or a notice not in the state the step needs.
const noticeDecisionRefusals = {
  400: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

const IdempotencyHeaders = z.object({ 'idempotency-key': z.string().trim().min(8).max(200).optional() });

export async function incidentRoutes(app: App, deps: AppDeps & { templates: TemplateCache }) {
  const { pool, temporal, config } = deps;

  const present = async (rows: IncidentRow[]) => {
    const ids = rows.map((r) => r.id);
    // Independent reads over the same ids: one round trip's wait, not four.
    const [counts, foundBy, deadlines, tampered] = await Promise.all([
      incidents.counts(pool, ids),
      affected.countFoundBy(pool, ids),
      obligations.nextDeadlines(pool, ids),
      workflowTampering.forIncidents(pool, ids),
    ]);
    return rows.map((r) => ({
      ...r,
      counts: counts.get(r.id)!,
      foundBy: foundBy.get(r.id)!,
      nextDeadline: deadlines.get(r.id) ?? null,
      workflowTampering: tampered.get(r.id) ?? [],
      links: {
        temporalUi: `${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${r.workflowId}`,
      },
    }));
  };

  const mustGet = async (id: string) => {
    const incident = await incidents.get(pool, id);
    if (!incident) throw new IncidentNotFoundError(id);
    return incident;
  };

  app.post(
    '/api/incidents',
    {
      // Compliance staff may log an incident too; they then may not approve its notice.
      onRequest: requireRole('officer', 'compliance', 'admin'),
      schema: {
        summary: 'Open an incident: its workflow has started when this answers 201',
        headers: IdempotencyHeaders,
        body: CreateIncidentBody,
        response: { 200: Incident, 201: Incident, 400: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { incident, created } = await openIncident(deps, request.user!, {
        ...request.body,
        idempotencyKey: request.headers['idempotency-key'] ?? null,
      });
      try {
        await startIncidentWorkflow(deps, incident);
      } catch (err) {
        request.log.error({ err, incidentId: incident.id }, 'workflow start failed');
        await recordWorkflowStartFailure(deps, incident.id, err instanceof Error ? err.message : String(err));
        return reply.code(503).send({
          statusCode: 503,
          error: 'Service Unavailable',
          message: `The incident was recorded (${incident.id}) but the workflow service is unreachable: its workflow starts as soon as it answers. Repeat the request with the same Idempotency-Key to learn when it has.`,
        });
      }
      await recordWorkflowStarted(deps, incident.id, {
        late: !created && incident.workflowStartedAt === null,
      });
      if (!created) {
        return reply
          .code(200)
          .header('idempotent-replayed', 'true')
          .send((await present([incident]))[0]!);
      }
      return reply.code(201).send((await present([await mustGet(incident.id)]))[0]!);
    },
  );

  app.get(
    '/api/incidents',
    {
      onRequest: requireRole(...STAFF),
      schema: { querystring: ListQuery, response: { 200: IncidentList } },
    },
    async (request) => {
      const { limit, offset } = request.query;
      return { items: await present(await incidents.list(pool, limit, offset)), limit, offset };
    },
  );

  app.get(
    '/api/incidents/:id',
    {
      onRequest: requireRole(...STAFF),
      schema: { params: IdParams, response: { 200: Incident, 404: ErrorResponse } },
    },
    async (request) => {
      const incident = await mustGet(request.params.id);
      // Reading an incident checks that its workflow was not terminated or reset behind our back;
      // Temporal being unreachable must not stop anyone reading the incident.
      try {
        const findings = await findWorkflowTampering(temporal, incident.workflowId);
        if (findings.length > 0) await recordWorkflowTampering(deps, incident.id, findings);
      } catch (err) {
        request.log.warn({ err, incidentId: incident.id }, 'workflow integrity check failed');
      }
      return (await present([incident]))[0]!;
    },
  );

  app.get(
    '/api/incidents/:id/affected',
    {
      // Everyone affected, page by page: not for support, who look up one case at a time through
      // /api/support/cases, where each lookup is audited.
      onRequest: requireRole('officer', 'compliance', 'admin'),
      schema: {
        params: IdParams,
        querystring: AffectedQuery,
        response: { 200: AffectedPage, 404: ErrorResponse },
      },
    },
    async (request) => {
      await mustGet(request.params.id);
      const { after, limit, search, unreached } = request.query;
      const items = await affected.listPage(pool, request.params.id, { after, limit, search, unreached });
      return { items, next: items.length === limit ? items.at(-1)!.customerId : null };
    },
  );

  app.get(
    '/api/incidents/:id/delivery',
    {
      onRequest: requireRole(...STAFF),
      schema: { params: IdParams, response: { 200: DeliveryProgress, 404: ErrorResponse } },
    },
    async (request) => {
      await mustGet(request.params.id);
      const [counts, channels, undeliverableList] = await Promise.all([
        deliveries.countsForIncident(pool, request.params.id),
        reach.channelCounts(pool, request.params.id),
        deliveries.listUndeliverable(pool, request.params.id),
      ]);
      return { ...counts, channels, undeliverableList };
    },
  );

  app.get(
    '/api/incidents/:id/timeline',
    {
      onRequest: requireRole(...STAFF),
      schema: { params: IdParams, response: { 200: Timeline, 404: ErrorResponse } },
    },
    async (request) => {
      await mustGet(request.params.id);
      return { items: await auditTrail(pool, request.params.id) };
    },
  );

  app.get(
    '/api/incidents/:id/notices',
    {
      onRequest: requireRole('officer', 'compliance', 'admin'),
      schema: { params: IdParams, response: { 200: NoticeList, 404: ErrorResponse } },
    },
    async (request) => {
      await mustGet(request.params.id);
      const list = await notices.listForIncident(pool, request.params.id);
      const items = await Promise.all(
        list.map(async (n) => {
          // Variants are rendered for the notice that can still be decided or is being sent.
          const preview =
            n.status === 'pending_approval' || n.status === 'approved'
              ? await variantPreviews(deps, n.id)
              : { variants: [], complete: true };
          return { ...n, variants: preview.variants, previewComplete: preview.complete };
        }),
      );
      return { items };
    },
  );

  app.post(
    '/api/incidents/:id/approval',
    {
      onRequest: requireRole('compliance'),
      schema: {
        summary:
          'Approve or reject the notice version waiting for a decision, naming its content hash (never your own incident or wording)',
        params: IdParams,
        body: ApprovalBody,
        response: {
          200: ApprovalResponse,
          ...noticeDecisionRefusals,
        },
      },
    },
    async (request) => {
      const incident = await mustGet(request.params.id);
      return decideNotice(deps, request.user!, {
        incidentId: incident.id,
        workflowId: incident.workflowId,
        noticeId: request.body.noticeId,
        contentHash: request.body.contentHash,
        decision: request.body.decision,
        comment: request.body.comment ?? null,
      });
    },
  );

  app.put(
    '/api/incidents/:id/notice',
    {
      onRequest: requireRole('officer', 'compliance'),
      schema: {
        summary: 'Revise the notice wording after a rejection; a new draft goes for approval',
        params: IdParams,
        body: ReviseNoticeBody,
        response: {
          200: z.object({ noticeId: z.uuid(), version: z.number() }),
          ...noticeDecisionRefusals,
        },
      },
    },
    async (request) => {
      const incident = await mustGet(request.params.id);
      const user = request.user!;
      return reviseNotice(temporal, incident.workflowId, {
        ...request.body,
        actorId: user.id,
        actorRole: user.role,
      });
    },
  );
}
