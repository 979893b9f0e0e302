import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import * as affected from '../../core/db/affected';
import * as audit from '../../core/db/audit';
import * as deliveries from '../../core/db/deliveries';
import * as incidents from '../../core/db/incidents';
import type { Incident as IncidentRow } from '../../core/db/incidents';
import * as notices from '../../core/db/notices';
import * as obligations from '../../core/db/obligations';
import { inTransaction } from '../../core/db/pool';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../core/errors';
import { incidentWorkflowId } from '../../core/domain/ids';
import type { TemplateCache } from '../../core/mail/template-cache';
import { variantPreviews } from '../../core/previews';
import type { incidentWorkflow } from '../../workflows/incident';
import { REFUSAL, approvalUpdate, reviseNoticeUpdate } from '../../workflows/messages';
import type { App, AppDeps } from '../app';
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

const IdempotencyHeaders = z.object({ 'idempotency-key': z.string().trim().min(8).max(200).optional() });

export async function incidentRoutes(app: App, deps: AppDeps & { templates: TemplateCache }) {
  const { pool, temporal, config } = deps;

  const present = async (rows: IncidentRow[]) => {
    const counts = await incidents.counts(pool, rows.map((r) => r.id));
    const deadlines = await obligations.nextDeadlines(pool, rows.map((r) => r.id));
    return rows.map((r) => ({
      ...r,
      counts: counts.get(r.id)!,
      nextDeadline: deadlines.get(r.id) ?? null,
      links: {
        temporalUi: `${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${r.workflowId}`,
      },
    }));
  };

  const mustGet = async (id: string) => {
    const incident = await incidents.get(pool, id);
    if (!incident) throw new NotFoundError(`No incident ${id}`);
    return incident;
  };

  /** Starts (or finds) the incident's workflow; starting it twice returns the running one. */
  const startWorkflow = (incident: { id: string; openedBy: string }) =>
    temporal.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
      workflowId: incidentWorkflowId(incident.id),
      taskQueue: config.temporal.taskQueue,
      args: [{ incidentId: incident.id, openedBy: incident.openedBy }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });

  app.post(
    '/api/incidents',
    {
      // Compliance staff may log an incident too; they then may not approve its notice.
      preHandler: requireRole('officer', 'compliance', 'admin'),
      schema: {
        summary: 'Open an incident: its workflow has started when this answers 201',
        headers: IdempotencyHeaders,
        body: CreateIncidentBody,
        response: { 200: Incident, 201: Incident, 400: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const key = request.headers['idempotency-key'] ?? null;
      const user = request.user!;
      if (key) {
        const existing = await incidents.findByIdempotencyKey(pool, key);
        if (existing) {
          await startWorkflow(existing);
          return reply.code(200).header('idempotent-replayed', 'true').send((await present([existing]))[0]!);
        }
      }
      if (body.customerExternalIds) {
        const unknown = new Set(await affected.unknownExternalIds(pool, body.customerExternalIds));
        const index = body.customerExternalIds.findIndex((id) => unknown.has(id));
        if (index >= 0) {
          throw new ValidationError('no customer with this external id in the inventory', `customerExternalIds.${index}`);
        }
      }
      const id = randomUUID();
      try {
        await inTransaction(pool, async (tx) => {
          await incidents.insert(tx, {
            id,
            title: body.title,
            description: body.description,
            discoveredAt: body.discoveredAt,
            occurredFrom: body.occurredFrom ?? null,
            occurredTo: body.occurredTo ?? null,
            systems: [...new Set(body.systems)],
            dataCategories: [...new Set(body.dataCategories)],
            encrypted: body.encrypted,
            keyCompromised: body.keyCompromised,
            customerExternalIds: body.customerExternalIds ? [...new Set(body.customerExternalIds)] : null,
            openedBy: user.id,
            idempotencyKey: key,
            workflowId: incidentWorkflowId(id),
          });
          await audit.append(tx, {
            incidentId: id,
            actor: user.id,
            action: 'incident_opened',
            detail: { title: body.title, systems: body.systems, dataCategories: body.dataCategories },
          });
        });
      } catch (err) {
        // Two requests with the same key at once: the loser answers with the winner's incident.
        if (key && (err as { code?: string }).code === '23505') {
          const existing = await incidents.findByIdempotencyKey(pool, key);
          if (existing) return reply.code(200).send((await present([existing]))[0]!);
        }
        throw err;
      }
      try {
        await startWorkflow({ id, openedBy: user.id });
      } catch (err) {
        request.log.error({ err, incidentId: id }, 'workflow start failed');
        await incidents.removeUnstarted(pool, id);
        return reply.code(503).send({
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'The workflow service is unreachable; the incident was not opened. Try again.',
        });
      }
      return reply.code(201).send((await present([(await incidents.get(pool, id))!]))[0]!);
    },
  );

  app.get(
    '/api/incidents',
    { preHandler: requireRole(...STAFF), schema: { querystring: ListQuery, response: { 200: IncidentList } } },
    async (request) => {
      const { limit, offset } = request.query;
      return { items: await present(await incidents.list(pool, limit, offset)), limit, offset };
    },
  );

  app.get(
    '/api/incidents/:id',
    { preHandler: requireRole(...STAFF), schema: { params: IdParams, response: { 200: Incident, 404: ErrorResponse } } },
    async (request) => (await present([await mustGet(request.params.id)]))[0]!,
  );

  app.get(
    '/api/incidents/:id/affected',
    {
      preHandler: requireRole(...STAFF),
      schema: { params: IdParams, querystring: AffectedQuery, response: { 200: AffectedPage, 404: ErrorResponse } },
    },
    async (request) => {
      await mustGet(request.params.id);
      const { after, limit, search } = request.query;
      const items = await affected.listPage(pool, request.params.id, { after, limit, search });
      return { items, next: items.length === limit ? items.at(-1)!.customerId : null };
    },
  );

  app.get(
    '/api/incidents/:id/delivery',
    {
      preHandler: requireRole(...STAFF),
      schema: { params: IdParams, response: { 200: DeliveryProgress, 404: ErrorResponse } },
    },
    async (request) => {
      await mustGet(request.params.id);
      const counts = await deliveries.countsForIncident(pool, request.params.id);
      return { ...counts, undeliverableList: await deliveries.listUndeliverable(pool, request.params.id) };
    },
  );

  app.get(
    '/api/incidents/:id/timeline',
    { preHandler: requireRole(...STAFF), schema: { params: IdParams, response: { 200: Timeline, 404: ErrorResponse } } },
    async (request) => {
      await mustGet(request.params.id);
      return { items: await audit.listForIncident(pool, request.params.id) };
    },
  );

  app.get(
    '/api/incidents/:id/notices',
    {
      preHandler: requireRole('officer', 'compliance', 'admin'),
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
      preHandler: requireRole('compliance'),
      schema: {
        summary: 'Approve or reject the notice waiting for a decision (never your own incident)',
        params: IdParams,
        body: ApprovalBody,
        response: { 200: ApprovalResponse, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const incident = await mustGet(request.params.id);
      const user = request.user!;
      if (incident.openedBy === user.id) {
        throw new ForbiddenError('The officer who opened the incident may not decide on its notice');
      }
      return runUpdate(() =>
        temporal.workflow.getHandle(incident.workflowId).executeUpdate(approvalUpdate, {
          args: [
            { decision: request.body.decision, comment: request.body.comment ?? null, actorId: user.id, actorRole: user.role },
          ],
        }),
      );
    },
  );

  app.put(
    '/api/incidents/:id/notice',
    {
      preHandler: requireRole('officer', 'compliance'),
      schema: {
        summary: 'Revise the notice wording after a rejection; a new draft goes for approval',
        params: IdParams,
        body: ReviseNoticeBody,
        response: {
          200: z.object({ noticeId: z.uuid(), version: z.number() }),
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const incident = await mustGet(request.params.id);
      const user = request.user!;
      return runUpdate(() =>
        temporal.workflow.getHandle(incident.workflowId).executeUpdate(reviseNoticeUpdate, {
          args: [{ ...request.body, actorId: user.id, actorRole: user.role }],
        }),
      );
    },
  );
}

/** Runs a workflow Update, turning the validator's refusals into HTTP errors. */
async function runUpdate<T>(update: () => Promise<T>): Promise<T> {
  try {
    return await update();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new ConflictError('The incident workflow is no longer running');
    const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
    if (cause instanceof ApplicationFailure) {
      if (cause.type === REFUSAL.forbidden) throw new ForbiddenError(cause.message);
      if (cause.type === REFUSAL.conflict) throw new ConflictError(cause.message);
      if (cause.type === REFUSAL.invalid) throw new ValidationError(cause.message, 'comment');
    }
    throw err;
  }
}
