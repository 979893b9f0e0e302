import { correctRecipient } from '../../core/use-cases/recipients';
import type { App, AppDeps } from '../types';
import { requireRole } from '../auth';
import { ErrorResponse } from '../schemas/common';
import { AffectedParams, FrozenRecipient, RecipientCorrectionBody } from '../schemas/recipients';

/**
 * A person's recipient (name, address, representative) is frozen for an incident when they are
 * identified; compliance corrects it here, audited, for sends after the correction only.
 */
export async function recipientRoutes(app: App, deps: AppDeps) {
  app.patch(
    '/api/incidents/:id/affected/:customerId/recipient',
    {
      onRequest: requireRole('compliance'),
      schema: {
        summary: "Correct a person's frozen recipient values (name, address, representative), audited",
        params: AffectedParams,
        body: RecipientCorrectionBody,
        response: {
          200: FrozenRecipient,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) =>
      correctRecipient(deps, request.user!, {
        incidentId: request.params.id,
        customerId: request.params.customerId,
        ...request.body,
      }),
  );
}
