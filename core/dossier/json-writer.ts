import { createWriteStream } from 'node:fs';
import type { AuditEventEntry, DeliveryLogEntry, DossierHeader } from './schema';
import { endStream, writeChunk } from './write-stream';

/** The two long lists, in the order the dossier writes them. */
export type DossierList = 'deliveries' | 'auditEvents';

/** What the use case feeds both renderings with, section by section, page by page. */
export interface DossierWriter {
  header(header: DossierHeader): Promise<void>;
  /** Starts a list; the rows that follow belong to it. */
  begin(list: DossierList): Promise<void>;
  deliveries(rows: readonly DeliveryLogEntry[]): Promise<void>;
  auditEvents(rows: readonly AuditEventEntry[]): Promise<void>;
  /** Finishes the file; resolves once it is on disk. */
  close(): Promise<void>;
  /** Gives up on a failure: closes the file without finishing it. */
  abort(): void;
}

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
