import { ActivityFailure } from '@temporalio/workflow';

/**
 * The shape of a send-once workflow (a filing's email, support's answer): run the activity that
 * sends the message exactly once (core/mail/send-once.ts) with its retries; when they are spent,
 * give it up as failed with the last failure's reason. Any other error (not an activity's) is
 * thrown. Returns the outcome either way (ids and a status only: it passes through the history).
 */
export async function sendOrGiveUp<T>(
  send: () => Promise<T>,
  giveUp: (reason: string) => Promise<T>,
): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    return giveUp(err.cause?.message ?? err.message);
  }
}
