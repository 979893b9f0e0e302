import { createWriteStream } from 'node:fs';
import type { DossierList, DossierWriter } from './writer';
import { endStream, writeChunk } from './write-stream';

/**
 * dossier.json, streamed: the header's fields, then `"deliveries": [...]` and `"auditEvents": [...]`
 * written one row at a time (core/dossier/schema.ts `Dossier` describes the whole).
 */
export function jsonDossierWriter(path: string): DossierWriter {
  const out = createWriteStream(path);
  let open: DossierList | null = null;
  let first = true;
  const rows = async (list: DossierList, items: readonly unknown[]) => {
    if (open !== list) throw new Error(`dossier JSON: rows for ${list} outside its list`);
    let chunk = '';
    for (const item of items) {
      chunk += (first ? '' : ',') + JSON.stringify(item);
      first = false;
    }
    if (chunk) await writeChunk(out, chunk);
  };
  return {
    async header(header) {
      // The header object without its closing brace: the lists follow as further fields.
      await writeChunk(out, JSON.stringify(header).slice(0, -1));
    },
    async begin(list) {
      await writeChunk(out, `${open ? ']' : ''},${JSON.stringify(list)}:[`);
      open = list;
      first = true;
    },
    deliveries: (items) => rows('deliveries', items),
    auditEvents: (items) => rows('auditEvents', items),
    async close() {
      await writeChunk(out, `${open ? ']' : ''}}\n`);
      await endStream(out);
    },
    abort() {
      out.destroy();
    },
  };
}
