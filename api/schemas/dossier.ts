import { z } from 'zod';
import { DossierManifest } from '../../core/dossier/schema';

/**
 * The dossier as the API hands it over: the manifest, and its files (dossier.pdf, dossier.json, each
 * filing's proof — receipts/…, messages/….eml — and manifest.json last) base64-encoded, so one
 * request is one export with one audit entry and the console can save each file as it was hashed.
 */
export const DossierDownload = z.object({
  manifest: DossierManifest,
  /** SHA-256 of manifest.json: what the `dossier_exported` audit entry records. */
  manifestSha256: z.string(),
  files: z.array(z.object({ name: z.string(), mediaType: z.string(), base64: z.string() })),
});
