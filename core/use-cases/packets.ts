import type { Config } from '../config';
import * as notices from '../db/notices';
import type { Notice } from '../db/notices';
import type { Pool, Queryable } from '../db/pool';
import type { TemplateCache } from '../mail/template-cache';
import type { RenderedParts } from '../mail/templates';

/**
 * Filing packets (issue 15 item 1): what Forthright files with each authority other than the
 * individuals, drafted from the incident with exactly the elements the law asks for
 * (core/law/packets.ts), approved four-eyes like every notice. Work in progress: see H2a.
 */

export interface PacketDeps {
  pool: Pool;
  templates: TemplateCache;
  config: Readonly<Config>;
}

/** Which packet: one obligation's filing (sequence 1) or a supplement (2, 3, …). */
export interface PacketKey {
  incidentId: string;
  ruleId: string;
  jurisdiction: string;
  sequence: number;
}

/** A packet's notices.subject: `<ruleId>@<jurisdiction>#<sequence>`. */
export function packetSubject(key: Omit<PacketKey, 'incidentId'>): string {
  return `${key.ruleId}@${key.jurisdiction}#${key.sequence}`;
}

/** The approved version of a packet, or null while none is approved. */
export async function approvedPacket(db: Queryable, key: PacketKey): Promise<Notice | null> {
  void notices;
  void db;
  void key;
  return null;
}

/** The packet as an email to the authority, rendered from the snapshot it was drafted with. */
export async function renderPacketMail(
  deps: { templates: TemplateCache },
  packet: Notice,
): Promise<RenderedParts> {
  void deps;
  return { subject: `Filing ${packet.id}`, text: '', html: '' };
}

/**
 * Drafts a packet for every current obligation other than the individuals' that is pending or
 * overdue and has none yet. Idempotent: retried, it drafts nothing twice. Counts only.
 */
export async function draftMissingPackets(
  deps: PacketDeps,
  incidentId: string,
): Promise<{ drafted: number }> {
  void deps;
  void incidentId;
  return { drafted: 0 };
}
