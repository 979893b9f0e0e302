import type { Queryable } from '../db/pool';
import * as audit from '../db/audit';
import { checkAnchors, verifyChains, type ChainBreak, type ChainHead, type ChainVerification } from './chain';

export interface TrailVerification extends ChainVerification {
  /** Anchored heads (from an earlier export) that are no longer in the trail as anchored. */
  brokenAnchors: ChainHead[];
}

/**
 * Verifies the stored trail, one chain at a time (memory holds one incident's events, not the whole
 * trail): every chain, or one incident's (`null`: the events without an incident). With `anchors`
 * (an earlier `--export-head`), also checks that each anchored head is still there, unchanged.
 */
export async function verifyTrail(
  db: Queryable,
  options: { incidentId?: string | null; anchors?: readonly ChainHead[] } = {},
): Promise<TrailVerification> {
  const anchors = options.anchors ?? [];
  const chains =
    options.incidentId !== undefined
      ? [options.incidentId]
      : // A chain whose events are all gone is still checked against its anchor.
        [...new Set([...(await audit.listChains(db)), ...anchors.map((a) => a.incidentId)])];
  const breaks: ChainBreak[] = [];
  const heads: ChainHead[] = [];
  const brokenAnchors: ChainHead[] = [];
  let events = 0;
  for (const incidentId of chains) {
    const rows = await audit.chainRows(db, incidentId);
    const result = verifyChains(rows);
    events += result.events;
    breaks.push(...result.breaks);
    heads.push(...result.heads);
    brokenAnchors.push(
      ...checkAnchors(
        rows,
        anchors.filter((a) => a.incidentId === incidentId),
      ),
    );
  }
  return {
    ok: breaks.length === 0 && brokenAnchors.length === 0,
    events,
    chains: heads.length,
    breaks,
    heads,
    brokenAnchors,
  };
}
