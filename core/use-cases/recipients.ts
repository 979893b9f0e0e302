import * as affected from '../db/affected';
import type { FrozenRecipient } from '../db/affected';
import * as audit from '../db/audit';
import * as deliveries from '../db/deliveries';
import { inTransaction } from '../db/pool';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors';
import type { Actor, UseCaseDeps } from './types';

/**
 * A person's recipient values (name, address, representative) are frozen on their record when they
 * are identified (core/db/affected.ts): an inventory import afterwards is audited but redirects no
 * notice. Correcting them is this use case and nothing else.
 */

/** What a correction changes; absent fields stay as they are. */
export interface RecipientCorrection {
  incidentId: string;
  customerId: number;
  /** Why, for the trail (e.g. 'bounce; the customer called with the right address'). */
  reason: string;
  fullName?: string | undefined;
  email?: string | undefined;
  representativeName?: string | null | undefined;
  representativeEmail?: string | null | undefined;
}

/**
 * Corrects a person's frozen recipient values, compliance only: the change and its
 * `recipient_corrected` entry (every changed field before and after, and the reason) in one
 * transaction. It applies to sends after it only: a claim not yet at the commit point is taken
 * back, so its attempt abandons the message and the retry renders it from the corrected values.
 * Once the notice has reached the commit point (`sending`, `sent`) the values are the record of
 * what was sent and are not corrected: ConflictError. A merged record is corrected on the record
 * its notice went to: ConflictError. NotFoundError when the customer is not affected by the
 * incident; ForbiddenError for anyone but compliance. A correction that changes nothing writes nothing.
 */
export async function correctRecipient(
  deps: UseCaseDeps,
  actor: Actor,
  input: RecipientCorrection,
): Promise<FrozenRecipient> {
  if (actor.role !== 'compliance') throw new ForbiddenError('only compliance may correct a recipient');
  const { incidentId, customerId } = input;
  return inTransaction(deps.pool, async (tx) => {
    const found = await affected.lockFrozenRecipient(tx, incidentId, customerId);
    if (!found) throw new NotFoundError(`customer ${customerId} is not affected by incident ${incidentId}`);
    if (found.status === 'merged') {
      throw new ConflictError('this record is merged into another record’s notice: correct that record');
    }
    // Read after the record's lock: a claim in progress has committed by now (see deliveries.claim).
    const delivery = await deliveries.lockStatus(tx, incidentId, customerId);
    if (delivery === 'sending' || delivery === 'sent') {
      throw new ConflictError(
        'the notice was already sent to these values; they are the record of what was sent',
      );
    }
    const before: FrozenRecipient = {
      fullName: found.fullName,
      email: found.email,
      representativeName: found.representativeName,
      representativeEmail: found.representativeEmail,
    };
    const after: FrozenRecipient = {
      fullName: input.fullName ?? before.fullName,
      email: input.email ?? before.email,
      representativeName:
        input.representativeName === undefined ? before.representativeName : input.representativeName,
      representativeEmail:
        input.representativeEmail === undefined ? before.representativeEmail : input.representativeEmail,
    };
    const fields = (Object.keys(after) as (keyof FrozenRecipient)[]).filter((k) => before[k] !== after[k]);
    if (fields.length === 0) return before;
    await affected.setFrozenRecipient(tx, incidentId, customerId, after);
    await deliveries.revokeClaim(tx, incidentId, customerId);
    const pick = (o: FrozenRecipient) => Object.fromEntries(fields.map((k) => [k, o[k]]));
    // The values (and the reason, free text that may quote them) are sealed with the incident's key
    // (core/db/audit.ts `append`): the trail keeps which fields changed after the purge, not to what.
    await audit.append(tx, {
      incidentId,
      actor: actor.id,
      action: 'recipient_corrected',
      detail: { customerId, fields },
      personal: { reason: input.reason, before: pick(before), after: pick(after) },
    });
    return after;
  });
}
