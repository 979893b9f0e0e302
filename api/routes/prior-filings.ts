import { overridePriorFiling, priorFilings } from '../../core/use-cases/prior-filings';
import { STAFF, requireRole } from '../auth';
import { ErrorResponse, IdParams } from '../schemas/common';
import { ObligationParams } from '../schemas/obligations';
import { PriorFiling, PriorFilingList, PriorFilingOverrideBody } from '../schemas/prior-filings';
import { signalObligationsChanged } from '../temporal-client';
import type { App, AppDeps } from '../types';

/**
 * Filings that must come before the individuals' notice (Maryland's Attorney General, New Jersey's
 * State Police): which ones an incident has and whether they hold its delivery, and compliance's
 * recorded decision to let delivery go ahead without one. An override signals the incident's
 * workflow, which then asks again whether anything still holds delivery.
 */
export async function priorFilingRoutes(app: App, deps: AppDeps) {
  const { pool, temporal, logger } = deps;

  app.get(
    '/api/incidents/:id/prior-filings',
    {
      onRequest: requireRole(...STAFF),
      schema: {
        summary: 'Filings that must precede the notice to individuals, and whether they hold delivery',
        params: IdParams,
        response: { 200: PriorFilingList, 404: ErrorResponse },
      },
    },
    async (request) => ({ items: await priorFilings({ pool }, request.params.id) }),
  );

  app.post(
    '/api/incidents/:id/obligations/:obligationId/prior-filing-override',
    {
      onRequest: requireRole('compliance'),
      schema: {
        summary: 'Let delivery go ahead before a filing that must precede it, with the reason recorded',
        params: ObligationParams,
        body: PriorFilingOverrideBody,
        response: { 200: PriorFiling, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const result = await overridePriorFiling({ pool }, request.user!, {
        incidentId: request.params.id,
        obligationId: request.params.obligationId,
        reason: request.body.reason,
      });
      await signalObligationsChanged(temporal, request.params.id, logger);
      return result;
    },
  );
}
