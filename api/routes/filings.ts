import {
  filingMessage,
  filingReceipt,
  listFilings,
  recordFiling,
  requestFilingEmail,
} from '../../core/use-cases/filings';
import { signalObligationsChanged, startFilingEmail } from '../temporal-client';
import type { App, AppDeps } from '../types';
import { STAFF, requireRole } from '../auth';
import { ErrorResponse, IdParams } from '../schemas/common';
import {
  FILING_BODY_LIMIT_BYTES,
  Filing,
  FilingList,
  FilingParams,
  PacketParams,
  RecordFilingBody,
  SendPacketBody,
} from '../schemas/filings';

/**
 * Proof of filing (core/use-cases/filings.ts): an approved packet sent to its authority by email,
 * or a filing recorded with the authority's reference and receipt; the receipt downloaded. An
 * obligation is met only by one of these.
 */
export async function filingRoutes(app: App, deps: AppDeps) {
  const { pool, temporal, config, logger } = deps;

  app.post(
    '/api/incidents/:id/packets/:packetId/send',
    {
      onRequest: requireRole('compliance'),
      schema: {
        summary:
          "Send the approved packet to the authority's email address, exactly once; the relay's answer is kept as proof",
        params: PacketParams,
        body: SendPacketBody,
        response: { 202: Filing, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const filing = await requestFilingEmail({ pool, config }, request.user!, {
        incidentId: request.params.id,
        packetId: request.params.packetId,
        resend: request.body?.resend,
      });
      await startFilingEmail({ temporal, config }, filing);
      return reply.code(202).send(filing);
    },
  );

  app.post(
    '/api/incidents/:id/packets/:packetId/filing',
    {
      onRequest: requireRole('compliance'),
      bodyLimit: FILING_BODY_LIMIT_BYTES,
      schema: {
        summary:
          'Record a filing made through a portal, by post, fax or otherwise: when, the reference and the receipt (proof)',
        params: PacketParams,
        body: RecordFilingBody,
        response: { 201: Filing, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { channel, filedAt, reference, receipt } = request.body;
      const filing = await recordFiling({ pool }, request.user!, {
        incidentId: request.params.id,
        packetId: request.params.packetId,
        channel,
        filedAt,
        reference,
        receipt: {
          filename: receipt.filename,
          contentType: receipt.contentType,
          content: Buffer.from(receipt.base64, 'base64'),
        },
      });
      // The obligation may be met now: the workflow's deadline timers (and a delivery held for it) follow.
      await signalObligationsChanged(temporal, request.params.id, logger);
      return reply.code(201).send(filing);
    },
  );

  app.get(
    '/api/incidents/:id/filings',
    {
      onRequest: requireRole(...STAFF),
      schema: {
        summary: "The incident's filings: emails sent and filings recorded, with their proof",
        params: IdParams,
        response: { 200: FilingList, 404: ErrorResponse },
      },
    },
    async (request) => ({ items: await listFilings({ pool }, request.params.id) }),
  );

  app.get(
    '/api/incidents/:id/filings/:filingId/receipt',
    {
      onRequest: requireRole('compliance', 'officer'),
      schema: {
        summary: "Download a recorded filing's receipt, as uploaded (its SHA-256 in a header)",
        params: FilingParams,
        // 200: the file itself, in its recorded media type.
        response: { 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const receipt = await filingReceipt(
        { pool },
        {
          incidentId: request.params.id,
          filingId: request.params.filingId,
        },
      );
      return reply
        .type(receipt.contentType)
        .header('content-disposition', contentDisposition(receipt.filename))
        .header('x-content-sha256', receipt.sha256)
        .header('cache-control', 'no-store')
        .send(receipt.content as never);
    },
  );

  app.get(
    '/api/incidents/:id/filings/:filingId/message',
    {
      onRequest: requireRole('compliance', 'officer'),
      schema: {
        summary:
          "Download a filing's email exactly as handed to the relay (message/rfc822; its SHA-256 in a header)",
        params: FilingParams,
        // 200: the message itself.
        response: { 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const message = await filingMessage(
        { pool },
        {
          incidentId: request.params.id,
          filingId: request.params.filingId,
        },
      );
      return reply
        .type('message/rfc822')
        .header('content-disposition', contentDisposition(`filing-${request.params.filingId}.eml`))
        .header('x-content-sha256', message.sha256)
        .header('cache-control', 'no-store')
        .send(message.content as never);
    },
  );
}

/** An attachment's Content-Disposition: an ASCII fallback name and the exact one (RFC 6266, RFC 8187). */
function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
