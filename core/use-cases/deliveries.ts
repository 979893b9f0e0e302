import * as audit from '../db/audit';
import * as deliveries from '../db/deliveries';
import { inTransaction } from '../db/pool';
import type { PoolClient } from '../db/pool';
import * as reach from '../db/reach';
import { settleReach } from './reach';
import type { UseCaseDeps } from './types';

/** An incident's email delivery as closed: sent, given up on, and left to staff. */
export interface DeliveryCounts {
  sent: number;
  undeliverable: number;
  manual: number;
}

/**
 * Closes an incident's email delivery, in one transaction: gives up on deliveries still failing,
 * then settles what follows from who is reached (`settleDelivery`). Returns the counts.
 */
export async function finishDelivery(deps: UseCaseDeps, incidentId: string): Promise<DeliveryCounts> {
  return inTransaction(deps.pool, async (tx) => {
    await deliveries.giveUpRetrying(tx, incidentId);
    return settleDelivery(tx, incidentId);
  });
}

/**
 * Closes the delivery of an incident a restore fenced, once its held notices are settled
 * (workflows/restore-settlement.ts), in one transaction. Unlike `finishDelivery` it gives up on
 * nothing still retrying: that may be a notice an operator released a moment ago, which its pass
 * has yet to send.
 */
export async function finishRestoredDelivery(deps: UseCaseDeps, incidentId: string): Promise<DeliveryCounts> {
  return inTransaction(deps.pool, (tx) => settleDelivery(tx, incidentId));
}

/**
 * People whose email was given up on for good and who have a postal address fall back to a letter
 * (channel `letter`, reason `email_undeliverable`, pending again), the rest stay undeliverable (for
 * substitute notice); the individuals' obligations are settled from who is reached (`settleReach`:
 * met only when everyone counted is notified or covered), and the final counts recorded.
 */
async function settleDelivery(tx: PoolClient, incidentId: string): Promise<DeliveryCounts> {
  const toLetters = await reach.fallBackToLetters(tx, incidentId);
  const counts = await deliveries.countsForIncident(tx, incidentId);
  await settleReach(tx, incidentId);
  await audit.append(tx, {
    incidentId,
    actor: 'system',
    action: 'delivery_finished',
    detail: { ...counts, fellBackToLetters: toLetters },
    dedupeKey: `delivery_finished:${incidentId}`,
  });
  return { sent: counts.sent, undeliverable: counts.undeliverable, manual: counts.manual };
}
