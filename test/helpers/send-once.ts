import { Context } from '@temporalio/activity';
import type { SmtpPool } from '../../core/mail/smtp-pool';

/** An SMTP pool that sends for real, then fails as a lost worker would: after the relay's 250. */
export function relayThenLost(pool: SmtpPool): SmtpPool {
  return {
    send: async (...args: Parameters<SmtpPool['send']>) => {
      await pool.send(...args);
      throw new Error('worker lost after the relay took the message');
    },
  } as unknown as SmtpPool;
}

/**
 * A send-once activity (sendFilingEmail, sendQuestionAnswer) for the time-skipping tests: records
 * each attempt, and for an id in `loseFirstAttempt` first runs `sendLost` on attempt 1 — the relay
 * takes the whole message, the worker dies before it records the answer (`relayThenLost`) — before
 * the real `send`.
 */
export function withLostFirstAttempt<T>(opts: {
  loseFirstAttempt: ReadonlySet<string>;
  record(id: string, attempt: number): void;
  sendLost(id: string): Promise<unknown>;
  send(id: string): Promise<T>;
}): (id: string) => Promise<T> {
  return async (id) => {
    const { attempt } = Context.current().info;
    opts.record(id, attempt);
    // The relay takes the whole message; the worker dies before it records the answer.
    if (opts.loseFirstAttempt.has(id) && attempt === 1) await opts.sendLost(id);
    return opts.send(id);
  };
}
