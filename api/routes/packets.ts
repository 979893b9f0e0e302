import type { TemplateCache } from '../../core/mail/template-cache';
import {
  decidePacket,
  draftSupplement,
  exportPacketJson,
  exportPacketPdf,
  listPackets,
  revisePacket,
  showPacket,
} from '../../core/use-cases/packets';
import type { PacketExport } from '../../core/use-cases/packets';
import type { App, AppDeps } from '../types';
import { STAFF, requireRole } from '../auth';
import { ErrorResponse, IdParams } from '../schemas/common';
import {
  ObligationParams,
  PacketDecisionBody,
  PacketDecisionResult,
  PacketDetail,
  PacketList,
  PacketParams,
  PacketRevisionBody,
  PacketVersion,
  SupplementBody,
} from '../schemas/packets';

/**
 * Filing packets (core/use-cases/packets.ts): what is filed with each authority other than the
 * individuals, element by element with its citation; their revision, four-eyes decision and
 * supplements; PDF and JSON exports for portals and post. Sending and proof of filing are
 * api/routes/filings.ts.
 */
export async function packetRoutes(app: App, deps: AppDeps & { templates: TemplateCache }) {
  const use = { pool: deps.pool, config: deps.config, templates: deps.templates };

  app.get(
    '/api/incidents/:id/packets',
    {
      onRequest: requireRole(...STAFF),
      schema: {
        summary: "The incident's filing packets, the newest version of each, with its state",
        params: IdParams,
        response: { 200: PacketList, 404: ErrorResponse },
      },
    },
    async (request) => ({ items: await listPackets(use, request.params.id) }),
  );

  app.get(
    '/api/incidents/:id/packets/:packetId',
    {
      onRequest: requireRole(...STAFF),
      schema: {
        summary: 'One packet version: its elements, as the authority will read it, and every version',
        params: PacketParams,
        response: { 200: PacketDetail, 404: ErrorResponse },
      },
    },
    async (request) => showPacket(use, request.params.id, request.params.packetId),
  );

  const download = (
    path: string,
    summary: string,
    make: (incidentId: string, packetId: string) => Promise<PacketExport>,
  ) =>
    app.get(
      path,
      {
        onRequest: requireRole(...STAFF),
        schema: {
          summary,
          params: PacketParams,
          // 200: the file itself.
          response: { 400: ErrorResponse, 404: ErrorResponse },
        },
      },
      async (request, reply) => {
        const file = await make(request.params.id, request.params.packetId);
        return reply
          .type(file.contentType)
          .header('content-disposition', `attachment; filename="${file.filename}"`)
          .header('cache-control', 'no-store')
          .send(file.body as never);
      },
    );
  download(
    '/api/incidents/:id/packets/:packetId/export.pdf',
    'The packet as a PDF, for reading and for a filing by post',
    (incidentId, packetId) => exportPacketPdf(use, incidentId, packetId),
  );
  download(
    '/api/incidents/:id/packets/:packetId/export.json',
    "The packet as JSON, to copy into an authority's portal",
    (incidentId, packetId) => exportPacketJson(use, incidentId, packetId),
  );

  app.post(
    '/api/incidents/:id/packets/:packetId/revision',
    {
      onRequest: requireRole('officer', 'compliance'),
      schema: {
        summary: "Fill in or change a packet's elements: a new version, which its reviser may not approve",
        params: PacketParams,
        body: PacketRevisionBody,
        response: { 201: PacketVersion, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await revisePacket(use, request.user!, {
          incidentId: request.params.id,
          packetId: request.params.packetId,
          ...request.body,
        }),
      ),
  );

  app.post(
    '/api/incidents/:id/packets/:packetId/decision',
    {
      onRequest: requireRole('compliance'),
      schema: {
        summary:
          'Approve or reject a packet version, naming its content hash (four eyes; refused while a required element is empty)',
        params: PacketParams,
        body: PacketDecisionBody,
        response: {
          200: PacketDecisionResult,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { outcome, approvals, quorum } = await decidePacket(use, request.user!, {
        incidentId: request.params.id,
        packetId: request.params.packetId,
        contentHash: request.body.contentHash,
        decision: request.body.decision,
        comment: request.body.comment ?? null,
      });
      return { outcome, approvals, quorum };
    },
  );

  app.post(
    '/api/incidents/:id/obligations/:obligationId/supplements',
    {
      onRequest: requireRole('officer', 'compliance'),
      schema: {
        summary:
          'Draft a supplement to an obligation’s approved filing (GDPR Art. 33(4) phasing, a correction)',
        params: ObligationParams,
        body: SupplementBody,
        response: { 201: PacketVersion, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await draftSupplement(use, request.user!, {
          incidentId: request.params.id,
          obligationId: request.params.obligationId,
          reason: request.body.reason,
          elements: request.body.elements,
          phased: request.body.phased,
        }),
      ),
  );
}
