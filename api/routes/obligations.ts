import * as audit from '../../core/db/audit';
import * as incidents from '../../core/db/incidents';
import * as notices from '../../core/db/notices';
import * as obligations from '../../core/db/obligations';
import type { Obligation } from '../../core/db/obligations';
import { inTransaction } from '../../core/db/pool';
import type { Queryable } from '../../core/db/pool';
import { ConflictError, NotFoundError } from '../../core/errors';
import { RULES_VERSION, assessObligations, coverage, lawEnforcementDelayPermitted } from '../../core/law';
import type { TemplateCache } from '../../core/mail/template-cache';
import { contentHash } from '../../core/notices';
import * as obligationService from '../../core/obligations';
import { obligationsChangedSignal } from '../../workflows/messages';
import type { App, AppDeps } from '../app';
import { STAFF, requireRole } from '../auth';
import { ErrorResponse, IdParams } from '../schemas/common';
import {
  CoverageResponse,
  DelayBody,
  FilingBody,
  HoldBody,
  ObligationList,
  ObligationParams,
  PreapproveBody,
  Preapproved,
  PreviewBody,
  PreviewResponse,
  ReassessBody,
} from '../schemas/obligations';

/**
 * Legal obligations: what each incident owes to whom by when, the rules behind them, and the
 * audited actions that change them (a filing recorded, a delay reason or hold, a re-assessment).
 * Every change signals the incident's workflow, whose deadline timers then follow.
 */
export async function obligationRoutes(app: App, deps: AppDeps & { templates: TemplateCache }) {
  const { pool, temporal, config } = deps;

  const mustGetIncident = async (id: string) => {
    const incident = await incidents.get(pool, id);
    if (!incident) throw new NotFoundError(`No incident ${id}`);
    return incident;
  };
  const mustGetObligation = async (incidentId: string, obligationId: string) => {
    const obligation = await obligations.get(pool, obligationId);
    if (!obligation || obligation.incidentId !== incidentId)
      throw new NotFoundError(`No obligation ${obligationId}`);
    return obligation;
  };
  /** The workflow may have finished (all resolved); then there are no timers to move. */
  const notifyWorkflow = async (workflowId: string) => {
    await temporal.workflow
      .getHandle(workflowId)
      .signal(obligationsChangedSignal)
      .catch(() => undefined);
  };

  app.get(
    '/api/incidents/:id/obligations',
    {
      preHandler: requireRole(...STAFF),
      schema: { params: IdParams, response: { 200: ObligationList, 404: ErrorResponse } },
    },
    async (request) => {
      const incident = await mustGetIncident(request.params.id);
      return { rulesVersion: incident.rulesVersion, items: await obligations.current(pool, incident.id) };
    },
  );

  app.post(
    '/api/incidents/:id/obligations/:obligationId/filing',
    {
      preHandler: requireRole('compliance'),
      schema: {
        summary: 'Record that an authority, agency or the media was notified: the obligation is met',
        params: ObligationParams,
        body: FilingBody,
        response: { 200: ObligationList.shape.items.element, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const incident = await mustGetIncident(request.params.id);
      const obligation = await mustGetObligation(incident.id, request.params.obligationId);
      if (obligation.audience === 'individuals') {
        throw new ConflictError('Notice to individuals is met by the deliveries, not by a filing');
      }
      await inTransaction(pool, async (tx) => {
        await obligations.markMet(tx, [obligation.id]);
        await audit.append(tx, {
          incidentId: incident.id,
          actor: request.user!.id,
          action: 'filing_recorded',
          detail: {
            obligationId: obligation.id,
            // A re-assessment's new row for the same rule and jurisdiction carries the filing over.
            ruleId: obligation.ruleId,
            jurisdiction: obligation.jurisdiction,
            audience: obligation.audience,
            note: request.body.note,
          },
        });
      });
      await notifyWorkflow(incident.workflowId);
      return (await obligations.get(pool, obligation.id))!;
    },
  );

  app.post(
    '/api/incidents/:id/obligations/:obligationId/delay',
    {
      preHandler: requireRole('compliance', 'officer'),
      schema: {
        summary:
          'Record why an obligation is late; a law-enforcement hold pauses its clock where the law permits',
        params: ObligationParams,
        body: DelayBody,
        response: { 200: ObligationList.shape.items.element, 404: ErrorResponse },
      },
    },
    async (request) => {
      const incident = await mustGetIncident(request.params.id);
      const obligation = await mustGetObligation(incident.id, request.params.obligationId);
      const hold = request.body.lawEnforcementHold && lawEnforcementDelayPermitted(obligation.jurisdiction);
      await inTransaction(pool, async (tx) => {
        await obligations.recordDelay(tx, obligation.id, request.body.reason, hold);
        await audit.append(tx, {
          incidentId: incident.id,
          actor: request.user!.id,
          action: hold ? 'obligation_held' : 'delay_reason_recorded',
          detail: {
            obligationId: obligation.id,
            jurisdiction: obligation.jurisdiction,
            reason: request.body.reason,
            holdRequested: request.body.lawEnforcementHold,
            holdPermitted: lawEnforcementDelayPermitted(obligation.jurisdiction),
          },
        });
      });
      await notifyWorkflow(incident.workflowId);
      return (await obligations.get(pool, obligation.id))!;
    },
  );

  app.post(
    '/api/incidents/:id/obligations/:obligationId/hold-lifted',
    {
      preHandler: requireRole('compliance', 'officer'),
      schema: {
        summary: 'Lift a law-enforcement hold: the deadline moves on by the time held',
        params: ObligationParams,
        response: { 200: ObligationList.shape.items.element, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const incident = await mustGetIncident(request.params.id);
      const obligation = await mustGetObligation(incident.id, request.params.obligationId);
      if (!obligation.heldSince) throw new ConflictError('This obligation is not on hold');
      await inTransaction(pool, async (tx) => {
        await obligations.liftHold(tx, obligation.id);
        await audit.append(tx, {
          incidentId: incident.id,
          actor: request.user!.id,
          action: 'obligation_hold_lifted',
          detail: { obligationId: obligation.id, heldSince: obligation.heldSince },
        });
      });
      await notifyWorkflow(incident.workflowId);
      return (await obligations.get(pool, obligation.id))!;
    },
  );

  /**
   * One change to every current obligation `pick` selects, with one audit entry, in one transaction
   * (a ConflictError saying `none` when nothing qualifies); then the workflow's timers follow.
   */
  const changeEach = async (
    incidentId: string,
    actor: string,
    step: {
      pick: (o: Obligation) => boolean;
      none: string;
      change: (tx: Queryable, o: Obligation) => Promise<void>;
      action: string;
      detail: Record<string, unknown>;
    },
  ) => {
    const incident = await mustGetIncident(incidentId);
    await inTransaction(pool, async (tx) => {
      const picked = (await obligations.current(tx, incident.id)).filter(step.pick);
      if (picked.length === 0) throw new ConflictError(step.none);
      for (const o of picked) await step.change(tx, o);
      const jurisdictions = [...new Set(picked.map((o) => o.jurisdiction))];
      await audit.append(tx, {
        incidentId: incident.id,
        actor,
        action: step.action,
        detail: {
          ...step.detail,
          obligations: picked.length,
          jurisdictions,
          obligationIds: picked.map((o) => o.id),
        },
      });
    });
    await notifyWorkflow(incident.workflowId);
    return { rulesVersion: incident.rulesVersion, items: await obligations.current(pool, incident.id) };
  };

  app.post(
    '/api/incidents/:id/hold',
    {
      preHandler: requireRole('compliance', 'officer'),
      schema: {
        summary:
          'A law-enforcement hold for the whole incident: pauses every open obligation whose law permits it',
        params: IdParams,
        body: HoldBody,
        response: { 200: ObligationList, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) =>
      changeEach(request.params.id, request.user!.id, {
        pick: (o) =>
          (o.status === 'pending' || o.status === 'overdue') &&
          !o.heldSince &&
          lawEnforcementDelayPermitted(o.jurisdiction),
        none: 'No open obligation of this incident may be paused by a law-enforcement hold',
        change: (tx, o) => obligations.recordDelay(tx, o.id, request.body.reason, true),
        action: 'law_enforcement_hold_recorded',
        detail: { reason: request.body.reason },
      }),
  );

  app.post(
    '/api/incidents/:id/hold-lifted',
    {
      preHandler: requireRole('compliance', 'officer'),
      schema: {
        summary:
          'Lift the law-enforcement hold on every held obligation: each deadline moves on by the time held',
        params: IdParams,
        response: { 200: ObligationList, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) =>
      changeEach(request.params.id, request.user!.id, {
        pick: (o) => o.heldSince !== null,
        none: 'No obligation of this incident is on hold',
        change: (tx, o) => obligations.liftHold(tx, o.id),
        action: 'law_enforcement_hold_lifted',
        detail: {},
      }),
  );

  app.post(
    '/api/incidents/:id/reassessment',
    {
      preHandler: requireRole('compliance'),
      schema: {
        summary: 'Re-assess obligations under the current rules or corrected facts (audited; timers follow)',
        params: IdParams,
        body: ReassessBody,
        response: { 200: ObligationList, 404: ErrorResponse },
      },
    },
    async (request) => {
      const incident = await mustGetIncident(request.params.id);
      const { reason, discoveredAt, materialityDeterminedAt } = request.body;
      await incidents.correctFacts(pool, incident.id, { discoveredAt, materialityDeterminedAt });
      await audit.append(pool, {
        incidentId: incident.id,
        actor: request.user!.id,
        action: 'reassessment_requested',
        detail: {
          reason,
          previousRulesVersion: incident.rulesVersion,
          discoveredAt: discoveredAt ?? null,
          materialityDeterminedAt: materialityDeterminedAt ?? null,
        },
      });
      await obligationService.assess(deps, incident.id, request.user!.id);
      await notifyWorkflow(incident.workflowId);
      return { rulesVersion: RULES_VERSION, items: await obligations.current(pool, incident.id) };
    },
  );

  app.get(
    '/api/rules',
    {
      preHandler: requireRole(...STAFF),
      schema: { summary: 'Every jurisdiction and audience covered', response: { 200: CoverageResponse } },
    },
    async () => ({ rulesVersion: RULES_VERSION, items: coverage() }),
  );

  app.post(
    '/api/rules/preview',
    {
      preHandler: requireRole(...STAFF),
      schema: {
        summary: 'The obligations a hypothetical incident would have, before opening it',
        body: PreviewBody,
        response: { 200: PreviewResponse, 400: ErrorResponse },
      },
    },
    async (request) => {
      const b = request.body;
      const drafts = assessObligations(
        {
          discoveredAt: b.discoveredAt,
          encrypted: b.encrypted,
          keyCompromised: b.keyCompromised,
          materialityDeterminedAt: b.materialityDeterminedAt ?? null,
          regimes: config.company.regimes,
        },
        b.affected.map((a) => ({ ...a, country: a.jurisdiction.slice(0, 2) })),
        { individualNoticeTargetHours: config.policy.individualNoticeTargetHours },
      );
      return { rulesVersion: RULES_VERSION, items: drafts };
    },
  );

  app.get(
    '/api/notice-templates/preapproved',
    { preHandler: requireRole(...STAFF), schema: { response: { 200: Preapproved, 404: ErrorResponse } } },
    async () => {
      const current = await notices.activePreapproved(pool);
      if (!current) throw new NotFoundError('No standard notice is pre-approved');
      return current;
    },
  );

  app.post(
    '/api/notice-templates/preapproved',
    {
      preHandler: requireRole('compliance'),
      schema: {
        summary:
          'Pre-approve the standard notice sent at the deadline cut-off when an incident notice is still unapproved',
        body: PreapproveBody,
        response: { 201: Preapproved, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { version } = await deps.templates.snapshotCurrent();
      const content = {
        title: 'Notice of a data security incident',
        whatHappened: request.body.whatHappened,
        whatWeAreDoing: request.body.whatWeAreDoing,
        company: {
          name: config.company.name,
          postalAddress: config.company.postalAddress,
          supportEmail: config.company.supportEmail,
          supportPhone: config.company.supportPhone,
          dpoContact: config.company.dpoContact,
        },
      };
      const saved = await inTransaction(pool, async (tx) => {
        const row = await notices.preapprove(tx, {
          templateVersion: version,
          content,
          contentHash: contentHash(version, content),
          approvedBy: request.user!.id,
        });
        await audit.append(tx, {
          incidentId: null,
          actor: request.user!.id,
          action: 'standard_notice_preapproved',
          detail: { preapprovedNoticeId: row.id, templateVersion: version, contentHash: row.contentHash },
        });
        return row;
      });
      return reply.code(201).send(saved);
    },
  );
}
