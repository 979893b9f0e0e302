import * as audit from '../db/audit';
import * as deliveries from '../db/deliveries';
import { inTransaction } from '../db/pool';
import { markIndividualsMet } from './obligations';
import type { UseCaseDeps } from './types';

/**
 * Closes an incident's delivery: gives up on deliveries still failing (left for substitute notice),
 * marks the individuals' obligations met when no one is left waiting, and records the final counts,
 * in one transaction. Returns the counts.
 */
export async function finishDelivery(
  deps: UseCaseDeps,
  incidentId: string,
): Promise<{ sent: number; undeliverable: number; manual: number }> {
  return inTransaction(deps.pool, async (tx) => {
    await deliveries.giveUpRetrying(tx, incidentId);
    const counts = await deliveries.countsForIncident(tx, incidentId);
    if (counts.pending === 0 && counts.retrying === 0) await markIndividualsMet(tx, incidentId);
    await audit.append(tx, {
      incidentId,
      actor: 'system',
      action: 'delivery_finished',
      detail: { ...counts },
      dedupeKey: `delivery_finished:${incidentId}`,
    });
    return { sent: counts.sent, undeliverable: counts.undeliverable, manual: counts.manual };
  });
}
