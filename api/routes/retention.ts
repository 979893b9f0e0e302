import { listRetention, purgeIncident } from '../../core/use-cases/retention';
import { requireRole } from '../auth';
import { ErrorResponse, IdParams } from '../schemas/common';
import { PurgeResult, RetentionList } from '../schemas/retention';
import type { App, AppDeps } from '../types';

/**
 * Retention after closure (core/use-cases/retention.ts), for admins: every closed incident with why
 * and until when it is kept, which are due, and what each purge erased (counts only). The sweep
 * purges what is due on its schedule; an admin may purge a due incident now (a 409 while its
 * retention runs, naming `retainUntil`; a second purge answers the first one's record).
 */
export async function retentionRoutes(app: App, deps: AppDeps) {
  app.get(
    '/api/retention',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'Closed incidents: how long each is kept and why, what is due for purging, what was purged',
        response: { 200: RetentionList },
      },
    },
    async (request) => ({ items: await listRetention(deps, request.user!) }),
  );

  app.post(
    '/api/retention/:id/purge',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: "Purge a closed incident's personal data now that its retention is over (audited)",
        params: IdParams,
        response: { 200: PurgeResult, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => purgeIncident(deps, request.user!, { incidentId: request.params.id }),
  );
}
