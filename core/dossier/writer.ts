import type { AuditEventEntry, DeliveryLogEntry, DossierHeader } from './schema';

/**
 * The contract both renderings of the dossier (json-writer.ts, pdf-writer.ts) implement: kept
 * apart from either, since the use case drives them through it alike.
 */

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
