import * as audit from '../db/audit';
import * as deliveries from '../db/deliveries';
import { inTransaction } from '../db/pool';
import * as reach from '../db/reach';
import { settleReach } from './reach';
import type { UseCaseDeps } from './types';

/**
 * Closes an incident's email delivery, in one transaction: gives up on deliveries still failing;
 * people whose email was given up on for good and who have a postal address fall back to a letter
 * (channel `letter`, reason `email_undeliverable`, pending again), the rest stay undeliverable (for
 * substitute notice); the individuals' obligations are settled from who is reached (`settleReach`:
 * met only when everyone counted is notified or covered), and the final counts recorded. Returns
 * the counts.
 */
export async function finishDelivery(
  deps: UseCaseDeps,
  incidentId: string,
  options: { giveUpRetrying: boolean } = { giveUpRetrying: true },
): Promise<{ sent: number; undeliverable: number; manual: number }> {
  return inTransaction(deps.pool, async (tx) => {
    // A settlement after a restore keeps what is still retrying: it may be a notice an operator
    // released a moment ago, which its pass has yet to send (workflows/restore-settlement.ts).
    if (options.giveUpRetrying) await deliveries.giveUpRetrying(tx, incidentId);
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
  });
}
