import { SmtpSendError } from '../errors';
import type { Envelope, SmtpPool } from './smtp-pool';

/*
 * One email, exactly once past the relay's commit point — the control flow shared by a filing's
 * email (core/use-cases/filings.ts) and support's answer (core/use-cases/questions.ts). It composes
 * nothing and writes nothing itself: the caller hands it the composed message and its envelope, and
 * says how to record the commit point (`commit`, written once the relay holds the whole message and
 * before the final "."; it throws — e.g. LeaseLostError — when another attempt owns the message, and
 * the relay then discards it) and how to take the commit back (`undo`, for a temporary refusal after
 * the commit point). The relay's answer is classified here, once:
 * - accepted: `{ sent: true, reply }`;
 * - held whole, then no answer with a reply code (the connection was lost): it may have arrived —
 *   `{ sent: false, reply, uncertain: true }`, never to be sent blind again;
 * - refused for good (5xx, or an address the client cannot use): `{ sent: false, reply, uncertain: false }`;
 * - refused for now (before or after the "."): not taken; after the commit point `undo(reply)` runs;
 *   then the SmtpSendError is thrown, for a retry (which sends again, same Message-ID).
 * Any other error (the commit's own, such as LeaseLostError) is thrown as it is: nothing went out.
 */

/** What became of one send: the relay's answer, and for a failure whether it may have arrived. */
export type SendOnceOutcome =
  { sent: true; reply: string } | { sent: false; reply: string; uncertain: boolean };

/** How the caller records the commit point and takes it back. */
export interface SendOnceSteps {
  /** Records the commit point (the message held whole, before the final "."); throws to abandon. */
  commit(): Promise<void>;
  /** Takes the commit point back after a temporary refusal past it, keeping the relay's reply. */
  undo(reply: string): Promise<void>;
}

/** An SMTP reply code at the start of the relay's answer: the relay answered, it was not lost. */
export const hasReplyCode = (reply: string): boolean => /^[2-5]\d\d\b/.test(reply);

/** Sends `raw` once through the pool (see the comment at the top of this file). */
export async function sendOnce(
  smtp: Pick<SmtpPool, 'send'>,
  envelope: Envelope,
  raw: Buffer,
  steps: SendOnceSteps,
): Promise<SendOnceOutcome> {
  try {
    return { sent: true, reply: await smtp.send(envelope, raw, () => steps.commit()) };
  } catch (err) {
    // Another attempt is sending it, or the commit could not be written: nothing went out from here.
    // (The pool rejects with the commit's own error, or with an SmtpSendError for the relay's part.)
    if (!(err instanceof SmtpSendError)) throw err;
    if (err.afterCommit && !hasReplyCode(err.reply)) {
      // Held whole, then the connection was lost: it may have arrived; never sent blind again.
      return { sent: false, reply: err.reply, uncertain: true };
    }
    if (err.permanent) return { sent: false, reply: err.reply, uncertain: false };
    // Refused for now (before or after the "."): not taken; a retry sends it again.
    if (err.afterCommit) await steps.undo(err.reply);
    throw err;
  }
}

/**
 * The failure recorded when a retried attempt finds the commit point of an earlier one without the
 * relay's answer: it may have arrived, so it is not sent again.
 */
export function unansweredCommitReply(attempts: number, lastReply: string | null): string {
  return `no answer recorded after the relay held the whole message (attempt ${attempts})${lastReply ? `; last answer: ${lastReply}` : ''}`;
}
