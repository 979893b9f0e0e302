import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DOSSIER_FILES, exportDossier, type DossierExport } from '../../core/use-cases/dossier';
import type { App, AppDeps } from '../types';
import { requireRole } from '../auth';
import { ErrorResponse, IdParams } from '../schemas/common';
import { DossierDownload } from '../schemas/dossier';

/**
 * The evidence dossier, for compliance and admins. A POST, since each export is recorded in the
 * audit trail. The files are written to a temporary directory by the use case, then streamed from
 * disk into the answer (base64 in chunks, never a whole file in memory) and removed.
 */
export async function dossierRoutes(app: App, deps: AppDeps) {
  app.post(
    '/api/incidents/:id/dossier',
    {
      onRequest: requireRole('compliance', 'admin'),
      schema: {
        summary: "Export the incident's evidence dossier (PDF, JSON, manifest), audited",
        params: IdParams,
        response: { 200: DossierDownload, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const dir = await mkdtemp(join(tmpdir(), 'forthright-dossier-'));
      const cleanUp = () => rm(dir, { recursive: true, force: true });
      let exported: DossierExport;
      try {
        exported = await exportDossier(deps, request.user!, { incidentId: request.params.id, dir });
      } catch (err) {
        await cleanUp();
        throw err;
      }
      const body = Readable.from(download(exported));
      body.once('close', () => void cleanUp());
      // A stream is sent as it is: the response schema above documents its shape.
      return reply.type('application/json').send(body as never);
    },
  );
}

/** The answer, piece by piece: the manifest, then each file read from disk and encoded. */
async function* download(exported: DossierExport): AsyncGenerator<string> {
  yield `{"manifest":${JSON.stringify(exported.manifest)},"manifestSha256":${JSON.stringify(exported.manifestSha256)},"files":[`;
  // The PDF, the JSON and any filing's proof (a receipt, an email as sent), then the manifest.
  const files = [...exported.manifest.files, DOSSIER_FILES.manifest];
  for (const [i, file] of files.entries()) {
    yield `${i ? ',' : ''}{"name":${JSON.stringify(file.name)},"mediaType":${JSON.stringify(file.mediaType)},"base64":"`;
    // Chunks of a multiple of 3 bytes encode to base64 without padding in between.
    for await (const chunk of createReadStream(join(exported.dir, file.name), {
      highWaterMark: 3 * 64 * 1024,
    })) {
      yield (chunk as Buffer).toString('base64');
    }
    yield '"}';
  }
  yield ']}';
}
