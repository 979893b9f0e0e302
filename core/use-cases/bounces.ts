import type { Config } from '../config';
import * as audit from '../db/audit';
import * as bounces from '../db/bounces';
import { inTransaction } from '../db/pool';
import { deliveryOfReturnPath } from '../delivery/return-path';
import type { BounceOutcome } from '../domain/model';
import { countBounced } from '../metrics';
import { NotFoundError, ValidationError } from '../errors';
import { settleReach } from './reach';
import { reviewSubstituteNotice } from './substitute-notice';
import type { UseCaseDeps } from './types';

/** One report about a sent notice, however it came (core/mail/bounce-report.ts, or a relay's webhook). */
export interface BounceInput {
  /** The return path the report came back to (core/delivery/return-path.ts): names the delivery. */
  returnPath: string;
  outcome: BounceOutcome;
  /** RFC 3463 status code (`5.1.1`), when the report gives one. */
  status: string | null;
  /** The remote server's words, or a feedback report's type. */
  diagnostic: string | null;
  /** How it arrived: by mail to the bounce listener, or by a relay's webhook. */
  via: 'smtp' | 'webhook';
}

export interface BounceResult {
  incidentId: string;
  deliveryId: number;
  outcome: BounceOutcome;
  /** The same report was recorded before: nothing was done again (`reopenedFor` is the first's). */
  duplicate: boolean;
  /**
   * Where this report sent the person, when it changed their reach: re-opened for a `letter`
   * (an address is known), or `none` (no channel left: substitute notice). null: nothing changed.
   */
  reopenedFor: 'letter' | 'none' | null;
}

/**
 * Records one report about a sent notice, in one transaction with its audit entry; a report
 * repeated (the same outcome and status code for the same delivery: a DSN sent twice, a webhook
 * retried) lands once. A person's reach only ever moves towards the worse outcome:
 * - `failed` after the relay had accepted the message (`sending`/`sent`): the delivery becomes
 *   `bounced`, and the person is re-opened for a letter when a postal address is known (channel
 *   `letter`, back to `pending`, reason `email_bounced`), otherwise `undeliverable` with channel
 *   `none` (they fall to substitute notice); then, in the same transaction, the substitute notice
 *   is reviewed (`reviewSubstituteNotice`: its conditions may hold now) and the individuals'
 *   obligations settled again (`settleReach`), so a met one re-opens. The caller starts the letter
 *   batch after the commit (a use case makes no network calls). A person who had no lawful channel
 *   and no address (emailed only as part of the substitute notice) stays as they were: the delivery
 *   alone becomes `bounced`;
 * - a second bounce, a `failed` for a delivery already refused or bounced, `delayed` (still
 *   trying), `delivered` after a bounce, and `unknown`: recorded, nothing changes;
 * - `complaint`: the person was reached (they marked the notice as spam); recorded on the delivery.
 * Throws ValidationError (field `returnPath`) for a return path Forthright did not issue, and
 * NotFoundError when it names no delivery (a database restored from before the notice was sent).
 */
export async function recordBounce(
  deps: UseCaseDeps & { config: Readonly<Config> },
  input: BounceInput,
): Promise<BounceResult> {
  const deliveryId = deliveryOfReturnPath(deps.config.bounces, input.returnPath);
  if (deliveryId === null) throw new ValidationError('is not a return path Forthright issued', 'returnPath');
  const recorded = await inTransaction(deps.pool, async (tx): Promise<BounceResult> => {
    const delivery = await bounces.lockReported(tx, deliveryId);
    if (!delivery) throw new NotFoundError(`no delivery ${deliveryId} for this return path`);
    const result: BounceResult = {
      incidentId: delivery.incidentId,
      deliveryId,
      outcome: input.outcome,
      duplicate: false,
      reopenedFor: null,
    };
    // The delivery's row lock orders copies of one report: the second sees the first's entry, and
    // answers as the first did (so a caller whose letter batch failed to start starts it on a retry).
    const dedupeKey = `bounce:${deliveryId}:${input.outcome}:${input.status ?? '-'}`;
    const earlier = await audit.detailOf(tx, dedupeKey);
    if (earlier) {
      const reopenedFor =
        earlier.reopenedFor === 'letter' || earlier.reopenedFor === 'none' ? earlier.reopenedFor : null;
      return { ...result, duplicate: true, reopenedFor };
    }

    let bounced = false;
    if (input.outcome === 'failed') {
      // A person without a lawful channel was emailed as part of their substitute notice (see
      // core/law/channels.ts): with no address either, its bounce leaves them as they are, still
      // without a channel (and its reason) and covered by that notice alone.
      const next = delivery.postalAddressKnown ? 'letter' : delivery.channel === 'none' ? null : 'none';
      const reply = ['bounced after acceptance:', input.status, input.diagnostic].filter(Boolean).join(' ');
      bounced = await bounces.markBounced(tx, delivery, reply, next);
      if (bounced && next !== null) {
        result.reopenedFor = next;
        // Someone without a channel may now make a substitute notice due (insufficient contact
        // details), and the individuals' obligations are only as met as their people are reached.
        await reviewSubstituteNotice(tx, delivery.incidentId, deps.config);
        await settleReach(tx, delivery.incidentId);
      }
    } else if (input.outcome === 'complaint') {
      await bounces.markComplained(tx, deliveryId);
    }
    await audit.append(tx, {
      incidentId: delivery.incidentId,
      actor: 'system',
      action: bounced ? 'email_bounced' : 'email_report_recorded',
      detail: {
        deliveryId,
        customerId: delivery.customerId,
        outcome: input.outcome,
        status: input.status,
        via: input.via,
        deliveryStatus: delivery.status,
        reopenedFor: result.reopenedFor,
      },
      // A relay's diagnostic usually quotes the address ("550 5.1.1 <jane@…>: no such user"):
      // sealed with the incident's key, erased with it when the incident's retention ends.
      personal: { diagnostic: input.diagnostic },
      dedupeKey,
    });
    return result;
  });
  // Counted once committed, once per report (a repeated report is not counted again); the class is
  // the report's outcome (failed, delayed, complaint, delivered, unknown).
  if (!recorded.duplicate) countBounced(1, input.outcome);
  return recorded;
}
