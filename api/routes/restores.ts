import {
  HELD_READERS,
  RESTORE_ROLES,
  confirmHeldSent,
  listHeldNotices,
  releaseHeld,
} from '../../core/use-cases/restores';
import { requireRole } from '../auth';
import { ErrorResponse, IdParams } from '../schemas/common';
import {
  ConfirmHeldSentBody,
  ConfirmHeldSentResult,
  HeldList,
  HeldQuery,
  ReleaseHeldBody,
  ReleaseHeldResult,
} from '../schemas/restores';
import { startRestoreSettlement } from '../temporal-client';
import type { App, AppDeps } from '../types';

/**
 * Notices held by a restore (core/use-cases/restores.ts; README "Backup and restore"): the list for
 * compliance, confirming sent on the relay's Message-IDs, and releasing to be sent again — the
 * release starts a delivery pass for them (and a pass for each mailing with messages released) once
 * its decision is committed.
 */
export async function restoreRoutes(app: App, deps: AppDeps) {
  app.get(
    '/api/incidents/:id/held-notices',
    {
      onRequest: requireRole(...HELD_READERS),
      schema: {
        summary: 'Notices held after a restore: perhaps sent after the backup, waiting for a decision',
        params: IdParams,
        querystring: HeldQuery,
        response: { 200: HeldList, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { after, limit } = request.query;
      const items = await listHeldNotices(deps, request.user!, request.params.id, { after, limit });
      // A page is `limit` people, each with all their held messages.
      const people = new Set(items.map((n) => n.customerId)).size;
      return { items, next: people === limit ? items.at(-1)!.customerId : null };
    },
  );

  app.post(
    '/api/incidents/:id/held-notices/confirm-sent',
    {
      onRequest: requireRole(...RESTORE_ROLES),
      bodyLimit: deps.config.http.importBodyLimitBytes,
      schema: {
        summary: "Record held notices as sent on the relay's log of accepted Message-IDs",
        params: IdParams,
        body: ConfirmHeldSentBody,
        response: { 200: ConfirmHeldSentResult, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const incidentId = request.params.id;
      const result = await confirmHeldSent(deps, request.user!, {
        incidentId,
        messageIds: request.body.messageIds,
        reason: request.body.reason,
      });
      // After the commit: the settlement completes the incident once nobody waits any more.
      const workflowId =
        result.confirmed > 0
          ? await startRestoreSettlement(deps, { incidentId, noticeIds: [], mailingIds: result.mailingIds })
          : null;
      return { confirmed: result.confirmed, unmatched: result.unmatched, workflowId };
    },
  );

  app.post(
    '/api/incidents/:id/held-notices/release',
    {
      onRequest: requireRole(...RESTORE_ROLES),
      bodyLimit: deps.config.http.importBodyLimitBytes,
      schema: {
        summary: 'Release held notices to be sent again (all, or the people named), with a reason',
        params: IdParams,
        body: ReleaseHeldBody,
        response: { 200: ReleaseHeldResult, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const incidentId = request.params.id;
      const { released, noticeIds, mailingIds } = await releaseHeld(deps, request.user!, {
        incidentId,
        ...(request.body.customerIds ? { customerIds: request.body.customerIds } : {}),
        reason: request.body.reason,
      });
      // After the commit: the released rows are `retrying`, which any later pass sends, so a
      // failure here leaves them for the next pass (or a release of none, which starts one again).
      const workflowIds =
        released > 0 ? [await startRestoreSettlement(deps, { incidentId, noticeIds, mailingIds })] : [];
      return { released, workflowIds };
    },
  );
}
