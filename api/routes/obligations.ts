import * as incidents from '../../core/db/incidents';
import * as notices from '../../core/db/notices';
import { IncidentNotFoundError, NotFoundError } from '../../core/errors';
import { RULES_VERSION, assessObligations, coverage, describeProfile, unplacedGroups } from '../../core/law';
import type { TemplateCache } from '../../core/mail/template-cache';
import { confirmStandardNotice, preapproveStandardNotice } from '../../core/use-cases/notices';
import {
  liftIncidentHold,
  liftObligationHold,
  placeIncidentHold,
  reassessIncident,
  recordDelay,
  unplacedPeople,
} from '../../core/use-cases/obligations';
import { incidentFacts } from '../../core/use-cases/facts';
import { obligationsWithReach } from '../../core/use-cases/reach';
import { signalObligationsChanged } from '../temporal-client';
import type { App, AppDeps } from '../types';
import { STAFF, requireRole } from '../auth';
import { ErrorResponse, IdParams } from '../schemas/common';
import {
  ConfirmPreapprovedBody,
  CoverageResponse,
  DelayBody,
  HoldBody,
  ObligationList,
  ObligationParams,
  PreapproveBody,
  Preapproved,
  PreviewBody,
  PreviewResponse,
  ReassessBody,
  UnplacedList,
} from '../schemas/obligations';

/**
 * Legal obligations: what each incident owes to whom by when, the rules behind them, and the
 * audited actions that change them (a delay reason or hold, a re-assessment; filings, with their
 * proof, are api/routes/filings.ts).
 * Every change signals the incident's workflow, whose deadline timers then follow.
 */
export async function obligationRoutes(app: App, deps: AppDeps & { templates: TemplateCache }) {
  const { pool, temporal, config, logger } = deps;

  const mustGetIncident = async (id: string) => {
    const incident = await incidents.get(pool, id);
    if (!incident) throw new IncidentNotFoundError(id);
    return incident;
  };
  /** After a committed change: the workflow's deadline timers follow. */
  const changed = async <T>(incidentId: string, result: T): Promise<T> => {
    await signalObligationsChanged(temporal, incidentId, logger);
    return result;
  };

  app.get(
    '/api/incidents/:id/obligations',
    {
      onRequest: requireRole(...STAFF),
      schema: { params: IdParams, response: { 200: ObligationList, 404: ErrorResponse } },
    },
    async (request) => {
      const incident = await mustGetIncident(request.params.id);
      return { rulesVersion: incident.rulesVersion, items: await obligationsWithReach(pool, incident.id) };
    },
  );

  app.post(
    '/api/incidents/:id/obligations/:obligationId/delay',
    {
      onRequest: requireRole('compliance', 'officer'),
      schema: {
        summary:
          'Record why an obligation is late; a law-enforcement hold pauses its clock where the law permits',
        params: ObligationParams,
        body: DelayBody,
        response: { 200: ObligationList.shape.items.element, 404: ErrorResponse },
      },
    },
    async (request) =>
      changed(
        request.params.id,
        await recordDelay(deps, request.user!, {
          incidentId: request.params.id,
          obligationId: request.params.obligationId,
          reason: request.body.reason,
          lawEnforcementHold: request.body.lawEnforcementHold,
          requestForm: request.body.requestForm,
        }),
      ),
  );

  app.post(
    '/api/incidents/:id/obligations/:obligationId/hold-lifted',
    {
      onRequest: requireRole('compliance', 'officer'),
      schema: {
        summary: 'Lift a law-enforcement hold: the deadline moves on by the time held',
        params: ObligationParams,
        response: { 200: ObligationList.shape.items.element, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) =>
      changed(
        request.params.id,
        await liftObligationHold(deps, request.user!, {
          incidentId: request.params.id,
          obligationId: request.params.obligationId,
        }),
      ),
  );

  app.post(
    '/api/incidents/:id/hold',
    {
      onRequest: requireRole('compliance', 'officer'),
      schema: {
        summary:
          'A law-enforcement hold for the whole incident: pauses every open obligation whose law permits it',
        params: IdParams,
        body: HoldBody,
        response: { 200: ObligationList, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) =>
      changed(
        request.params.id,
        await placeIncidentHold(deps, request.user!, {
          incidentId: request.params.id,
          reason: request.body.reason,
          requestForm: request.body.requestForm,
        }),
      ),
  );

  app.post(
    '/api/incidents/:id/hold-lifted',
    {
      onRequest: requireRole('compliance', 'officer'),
      schema: {
        summary:
          'Lift the law-enforcement hold on every held obligation: each deadline moves on by the time held',
        params: IdParams,
        response: { 200: ObligationList, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) =>
      changed(
        request.params.id,
        await liftIncidentHold(deps, request.user!, { incidentId: request.params.id }),
      ),
  );

  app.post(
    '/api/incidents/:id/reassessment',
    {
      onRequest: requireRole('compliance'),
      schema: {
        summary: 'Re-assess obligations under the current rules or corrected facts (audited; timers follow)',
        params: IdParams,
        body: ReassessBody,
        response: { 200: ObligationList, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) =>
      changed(
        request.params.id,
        await reassessIncident(deps, request.user!, { incidentId: request.params.id, ...request.body }),
      ),
  );

  app.get(
    '/api/incidents/:id/unplaced',
    {
      onRequest: requireRole(...STAFF),
      schema: {
        summary:
          'Affected people with a country but no region where the law is regional, and the rules that might apply',
        params: IdParams,
        response: { 200: UnplacedList, 404: ErrorResponse },
      },
    },
    async (request) => ({ items: await unplacedPeople(deps, request.params.id) }),
  );

  app.get(
    '/api/rules',
    {
      onRequest: requireRole(...STAFF),
      schema: { summary: 'Every jurisdiction and audience covered', response: { 200: CoverageResponse } },
    },
    async () => ({
      rulesVersion: RULES_VERSION,
      profile: describeProfile(config.company.regimes),
      items: coverage(),
    }),
  );

  app.post(
    '/api/rules/preview',
    {
      onRequest: requireRole(...STAFF),
      schema: {
        summary: 'The obligations a hypothetical incident would have, before opening it',
        body: PreviewBody,
        response: { 200: PreviewResponse, 400: ErrorResponse },
      },
    },
    async (request) => {
      const b = request.body;
      const facts = incidentFacts(b, config);
      const groups = b.affected.map((a) => ({ ...a, country: a.jurisdiction.slice(0, 2) }));
      const drafts = assessObligations(facts, groups, {
        individualNoticeTargetHours: config.policy.individualNoticeTargetHours,
      });
      return { rulesVersion: RULES_VERSION, items: drafts, unplaced: unplacedGroups(facts, groups) };
    },
  );

  app.get(
    '/api/notice-templates/preapproved',
    { onRequest: requireRole(...STAFF), schema: { response: { 200: Preapproved, 404: ErrorResponse } } },
    async () => {
      const current = await notices.activePreapproved(pool);
      if (!current) throw new NotFoundError('No standard notice is pre-approved');
      return current;
    },
  );

  app.post(
    '/api/notice-templates/preapproved',
    {
      onRequest: requireRole('compliance'),
      schema: {
        summary:
          'Propose the standard notice sent at the deadline cut-off when an incident notice is still unapproved; a second compliance user confirms it',
        body: PreapproveBody,
        response: { 201: Preapproved, 400: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await preapproveStandardNotice(deps, request.user!, request.body)),
  );

  app.get(
    '/api/notice-templates/preapproved/proposal',
    {
      onRequest: requireRole(...STAFF),
      schema: {
        summary: 'The proposed standard notice waiting for its second approver',
        response: { 200: Preapproved, 404: ErrorResponse },
      },
    },
    async () => {
      const proposal = await notices.pendingPreapproval(pool);
      if (!proposal) throw new NotFoundError('No standard notice is waiting for confirmation');
      return proposal;
    },
  );

  app.post(
    '/api/notice-templates/preapproved/:id/confirmation',
    {
      onRequest: requireRole('compliance'),
      schema: {
        summary: 'Confirm a proposed standard notice as its second approver (never your own proposal)',
        params: IdParams,
        body: ConfirmPreapprovedBody,
        response: {
          200: Preapproved,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) =>
      confirmStandardNotice(deps, request.user!, {
        id: request.params.id,
        contentHash: request.body.contentHash,
      }),
  );
}
