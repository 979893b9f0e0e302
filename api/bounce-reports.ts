import { recordBounce } from '../core/use-cases/bounces';
import type { BounceInput, BounceResult } from '../core/use-cases/bounces';
import { signalObligationsChanged, startLetterBatch } from './temporal-client';
import type { AppDeps } from './types';

/**
 * A report about a sent notice, however it came (the bounce listener, the relays' webhook): recorded
 * (core/use-cases/bounces.ts `recordBounce`), then, after the commit, what it set in motion. A
 * person re-opened for a letter gets one from a letter batch keyed by the time bucket the bounce
 * fell in, BOUNCE_LETTER_GATHER_MINUTES long: the batch waits that long before it gathers, so every
 * bounce of one bucket lands in one batch (the bucket ends before its batch gathers) instead of a
 * batch per bounce. And the incident's workflow is told its obligations changed (a met one may have
 * re-opened). A repeated report answers as the first did, so a batch that failed to start (Temporal
 * unreachable: the caller is answered with an error and the relay retries) is started by the retry.
 */
export async function receiveBounce(
  deps: Pick<AppDeps, 'pool' | 'config' | 'temporal' | 'logger'>,
  input: BounceInput,
): Promise<BounceResult> {
  const result = await recordBounce(deps, input);
  if (result.reopenedFor === 'letter') {
    const waitMs = deps.config.bounces.letterGatherMs;
    const key = waitMs > 0 ? `bounces-${Math.floor(Date.now() / waitMs)}` : `bounce-${result.deliveryId}`;
    await startLetterBatch(deps, result.incidentId, key, waitMs);
  }
  if (result.reopenedFor !== null && !result.duplicate)
    await signalObligationsChanged(deps.temporal, result.incidentId, deps.logger);
  deps.logger.info(
    {
      incidentId: result.incidentId,
      deliveryId: result.deliveryId,
      outcome: result.outcome,
      status: input.status,
      via: input.via,
      duplicate: result.duplicate,
      reopenedFor: result.reopenedFor,
    },
    'report about a sent notice recorded',
  );
  return result;
}
