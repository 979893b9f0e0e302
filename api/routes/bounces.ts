import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { receiveBounce } from '../bounce-reports';
import { ErrorResponse } from '../schemas/common';
import { BounceRecorded, BounceReportBody } from '../schemas/bounces';
import type { App, AppDeps } from '../types';

/** The header a relay's webhook sends BOUNCE_WEBHOOK_SECRET in. */
export const WEBHOOK_SECRET_HEADER = 'x-forthright-webhook-secret';

/**
 * Reports about sent notices from relays that tell by HTTP rather than by mail to the return path.
 * The caller is a relay, not a member of staff: it proves itself with the shared secret, not a
 * staff token, and the report goes through the same use case as the bounce listener's.
 */
export async function bounceRoutes(app: App, deps: AppDeps) {
  app.post(
    '/api/bounces',
    {
      onRequest: requireWebhookSecret(deps.config.bounces.webhookSecret),
      schema: {
        summary: "A relay's report about one sent notice (bounce, delay, delivery, complaint)",
        security: [],
        body: BounceReportBody,
        response: { 200: BounceRecorded, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { returnPath, outcome, status, diagnostic } = request.body;
      const result = await receiveBounce(deps, {
        returnPath,
        outcome,
        status: status ?? null,
        diagnostic: diagnostic ?? null,
        via: 'webhook',
      });
      return {
        incidentId: result.incidentId,
        outcome: result.outcome,
        duplicate: result.duplicate,
        reopenedFor: result.reopenedFor,
      };
    },
  );
}

/**
 * Admits a request carrying the shared secret, compared in constant time (both sides hashed first,
 * so neither the comparison nor an early length check says how much of a guess was right). On
 * `onRequest`, so a stranger's body is never read. Without a configured secret nobody is admitted.
 */
function requireWebhookSecret(secret: string | null) {
  const expected = secret === null ? null : digest(secret);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const given = request.headers[WEBHOOK_SECRET_HEADER];
    if (expected !== null && typeof given === 'string' && timingSafeEqual(digest(given), expected)) return;
    request.log.warn({ source: request.ip }, 'bounce webhook refused: wrong or missing secret');
    return reply.code(401).send({
      statusCode: 401,
      error: 'Unauthorized',
      message: `The ${WEBHOOK_SECRET_HEADER} header must carry the webhook secret`,
    });
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();
