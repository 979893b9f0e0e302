import { createHash } from 'node:crypto';
import type { AuditChainRow } from '../db/audit';

/**
 * The audit trail's hash chain, checked outside the database (migration 007 writes it; see the
 * comment there for why there is one chain per incident). Pure (a type from core/db aside): rows in, findings out, so the
 * command (`npm run audit:verify`), the dossier and the tests share it, and so does anyone who
 * exports the rows and wants to check them elsewhere.
 *
 * The hash is recomputed here from the stored fields rather than by a function in the database: a
 * superuser who can rewrite rows can also redefine functions, not the verifier.
 */

/**
 * What is wrong at one place in a chain:
 * - `altered`: the event's fields no longer give its stored hash (edited after it was written);
 * - `removed`: the event before this one is gone (`missingId` names it; `missingCount` how many
 *   positions are missing);
 * - `inserted`: the event was slipped in: the one after it links past it, to the one before;
 * - `relinked`: the event's link names an event that is not the one before it for another reason
 *   (reordered, or a link rewritten).
 */
export type ChainBreak =
  | { kind: 'altered'; id: string; incidentId: string | null; chainSeq: string }
  | {
      kind: 'removed';
      /** The last id missing before `id` (the event `id` links to). */
      missingId: string | null;
      missingCount: number;
      /** The first surviving event after the gap. */
      id: string;
      incidentId: string | null;
      chainSeq: string;
    }
  | { kind: 'inserted'; id: string; incidentId: string | null; chainSeq: string }
  | { kind: 'relinked'; id: string; incidentId: string | null; chainSeq: string };

/** The last event of a chain: what to anchor outside the database. */
export interface ChainHead {
  incidentId: string | null;
  id: string;
  chainSeq: string;
  at: string;
  hash: string;
}

export interface ChainVerification {
  ok: boolean;
  events: number;
  chains: number;
  /** Every break found, in chain order, chain by chain. */
  breaks: ChainBreak[];
  heads: ChainHead[];
}

const NULL_FIELD = '~';

/** The bytes hashed for one event: the same as `audit_event_hash` in migration 007. */
export function canonicalEncoding(row: Omit<AuditChainRow, 'hash' | 'chainSeq'>): Buffer {
  const fields = [
    'forthright-audit-v1',
    row.id,
    row.incidentId,
    row.at,
    row.actor,
    row.action,
    row.detail,
    row.dedupeKey,
    row.prevId,
    row.prevHash,
  ];
  const parts = fields.map((f) => (f === null ? NULL_FIELD : `${Buffer.byteLength(f, 'utf8')}:${f}`));
  return Buffer.from(parts.join(''), 'utf8');
}

/** The hash an event should carry, lower-case hex. */
export function eventHash(row: Omit<AuditChainRow, 'hash' | 'chainSeq'>): string {
  return createHash('sha256').update(canonicalEncoding(row)).digest('hex');
}

/**
 * Walks every chain in the rows (any order; grouped by incident and sorted by position here) and
 * reports every break, not only the first: a tampered trail usually has more than one, and the
 * walk resynchronises on the stored values after each.
 */
export function verifyChains(rows: readonly AuditChainRow[]): ChainVerification {
  const chains = new Map<string | null, AuditChainRow[]>();
  for (const row of rows) {
    const chain = chains.get(row.incidentId);
    if (chain) chain.push(row);
    else chains.set(row.incidentId, [row]);
  }
  const breaks: ChainBreak[] = [];
  const heads: ChainHead[] = [];
  for (const chain of chains.values()) {
    chain.sort((a, b) => compareSeq(a.chainSeq, b.chainSeq) || compareSeq(a.id, b.id));
    breaks.push(...verifyOneChain(chain));
    const head = chain[chain.length - 1]!;
    heads.push({
      incidentId: head.incidentId,
      id: head.id,
      chainSeq: head.chainSeq,
      at: head.at,
      hash: head.hash,
    });
  }
  return { ok: breaks.length === 0, events: rows.length, chains: chains.size, breaks, heads };
}

/**
 * Checks anchored heads (an earlier `--export-head`) against the rows: each must still be there
 * with the same hash. This catches what the chain alone cannot: a whole chain rewritten
 * consistently, or its last events removed.
 */
export function checkAnchors(rows: readonly AuditChainRow[], anchors: readonly ChainHead[]): ChainHead[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return anchors.filter((a) => {
    const row = byId.get(a.id);
    return !row || row.hash !== a.hash || row.incidentId !== a.incidentId;
  });
}

function verifyOneChain(chain: readonly AuditChainRow[]): ChainBreak[] {
  const breaks: ChainBreak[] = [];
  const at = (r: AuditChainRow) => ({ id: r.id, incidentId: r.incidentId, chainSeq: r.chainSeq });
  for (let i = 0; i < chain.length; i++) {
    const row = chain[i]!;
    const before = chain[i - 1];
    if (eventHash(row) !== row.hash) {
      breaks.push({ kind: 'altered', ...at(row) });
      continue;
    }
    if (linksTo(row, before)) continue;
    // The link is wrong. If it skips exactly the event before, that event was slipped in (unless
    // it was already reported as altered: then it is the same break seen twice).
    const twoBefore = chain[i - 2];
    if (before && (twoBefore ? linksTo(row, twoBefore) : row.prevId === null)) {
      if (!breaks.some((b) => b.id === before.id)) breaks.push({ kind: 'inserted', ...at(before) });
      continue;
    }
    const gap = Number(row.chainSeq) - (before ? Number(before.chainSeq) : 0) - 1;
    if (row.prevId !== null && gap > 0) {
      breaks.push({ kind: 'removed', missingId: row.prevId, missingCount: gap, ...at(row) });
    } else if (row.prevId !== null && !before) {
      // The first events of the chain are gone (positions renumbered, or none to count).
      breaks.push({ kind: 'removed', missingId: row.prevId, missingCount: Math.max(gap, 1), ...at(row) });
    } else {
      breaks.push({ kind: 'relinked', ...at(row) });
    }
  }
  return breaks;
}

function linksTo(row: AuditChainRow, before: AuditChainRow | undefined): boolean {
  if (!before) return row.prevId === null && row.prevHash === null;
  return row.prevId === before.id && row.prevHash === before.hash;
}

function compareSeq(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** One line per break, naming the event by id and incident: what `audit:verify` prints. */
export function describeBreak(b: ChainBreak): string {
  const chain = b.incidentId ? `incident ${b.incidentId}` : 'events without an incident';
  switch (b.kind) {
    case 'altered':
      return `event ${b.id} (${chain}, position ${b.chainSeq}) was altered: its fields no longer give its hash`;
    case 'removed':
      return `event ${b.missingId ?? '?'} (${chain}) was removed${b.missingCount > 1 ? `, with ${b.missingCount - 1} more before it` : ''}: event ${b.id} (position ${b.chainSeq}) links to it`;
    case 'inserted':
      return `event ${b.id} (${chain}, position ${b.chainSeq}) was inserted outside the chain: the event after it links past it`;
    case 'relinked':
      return `event ${b.id} (${chain}, position ${b.chainSeq}) links to an event that is not the one before it (reordered or relinked)`;
  }
}
