import { createReadStream } from 'node:fs';
import {
  LETTER_ROLES,
  importReturnedMail,
  letterBatchFile,
  listLetterBatches,
  recordLettersPosted,
} from '../../core/use-cases/letters';
import { reassessAfterNotice } from '../../core/use-cases/obligations';
import { signalObligationsChanged } from '../temporal-client';
import type { App, AppDeps } from '../types';
import { requireRole } from '../auth';
import { ErrorResponse, IdParams } from '../schemas/common';
import {
  LetterBatchList,
  LetterFileParams,
  LettersPostedBody,
  LettersPostedResult,
  ReturnedMailBody,
  ReturnedMailResult,
} from '../schemas/letters';

/**
 * Printed letters (core/letters): an incident's batches for the mail house, their files (personal
 * data: officers and compliance only, each download audited and logged), and the mail house's
 * answers — letters posted, mail returned.
 */
export async function letterRoutes(app: App, deps: AppDeps) {
  const handlers = requireRole(...LETTER_ROLES);

  app.get(
    '/api/incidents/:id/letters',
    {
      onRequest: requireRole('officer', 'compliance', 'admin'),
      schema: {
        summary: "The incident's letter batches: letters by status, files and the manifest's hash",
        params: IdParams,
        response: { 200: LetterBatchList, 404: ErrorResponse },
      },
    },
    async (request) => ({ items: await listLetterBatches(deps, request.params.id) }),
  );

  app.get(
    '/api/incidents/:id/letters/:batchId/files/:name',
    {
      onRequest: handlers,
      schema: {
        summary: "Download a batch's PDF, manifest.csv or SHA256SUMS (personal data; audited)",
        params: LetterFileParams,
        // 200: the file itself, streamed (application/pdf, text/csv or text/plain).
        response: { 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { id, batchId, name } = request.params;
      const file = await letterBatchFile(deps, request.user!, { incidentId: id, batchId, name });
      // Names and addresses leave Forthright here: who took which file is in the audit trail and the log.
      request.log.info(
        { incidentId: id, batchId, file: name, userId: request.user!.id },
        'letter file downloaded',
      );
      return reply
        .type(file.mediaType)
        .header('content-disposition', `attachment; filename="${file.name}"`)
        .header('cache-control', 'no-store')
        .send(createReadStream(file.path) as never);
    },
  );

  app.post(
    '/api/incidents/:id/letters/posted',
    {
      onRequest: handlers,
      bodyLimit: deps.config.http.importBodyLimitBytes,
      schema: {
        summary:
          'Record letters posted: a whole batch on a date, or the mail house file (reference,posted_on)',
        params: IdParams,
        body: LettersPostedBody,
        response: {
          200: LettersPostedResult,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { batchId, postedOn, csv } = request.body;
      const incidentId = request.params.id;
      const posted = await recordLettersPosted(
        deps,
        request.user!,
        csv
          ? {
              incidentId,
              letters: csv.map((r) => ({
                reference: r.reference,
                postedOn: r.posted_on,
                line: r.line,
              })),
            }
          : { incidentId, batchId: batchId!, postedOn: postedOn! },
      );
      // A jurisdiction told only by letter was notified when its letters went out: the deadlines that
      // run from the individuals' notice are counted from then, and the workflow's timers follow.
      if ((await reassessAfterNotice(deps, incidentId)).changed > 0) {
        await signalObligationsChanged(deps.temporal, incidentId, deps.logger);
      }
      return posted;
    },
  );

  app.post(
    '/api/incidents/:id/letters/returned',
    {
      onRequest: handlers,
      bodyLimit: deps.config.http.importBodyLimitBytes,
      schema: {
        summary: 'Import returned mail (reference,reason): those people fall to substitute notice',
        params: IdParams,
        body: ReturnedMailBody,
        response: { 200: ReturnedMailResult, 400: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) =>
      importReturnedMail(deps, request.user!, {
        incidentId: request.params.id,
        letters: request.body.csv.map((r) => ({
          reference: r.reference,
          reason: r.reason,
          line: r.line,
        })),
      }),
  );
}
