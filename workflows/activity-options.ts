import type { ActivityOptions } from '@temporalio/workflow';

/** Named timeout and retry groups, so each activity's failure behaviour is chosen, not defaulted. */

/**
 * Short database steps: retried quickly and indefinitely (they are idempotent), except for the
 * domain errors a retry cannot cure (a missing incident…), which the activities themselves raise as
 * non-retryable failures (core/errors.ts NON_RETRYABLE_ERROR_TYPES, activities/index.ts).
 */
export const databaseStep: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};

/** Batch sends: long-running, heartbeating, resumed from the last heartbeat after a crash. */
export const deliveryBatch: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
};

/**
 * Letter files: one file (≤ 1,000 letters, a few seconds) per call, heartbeating; a crashed
 * worker's file is taken over after the missed heartbeat and rendered again from its start.
 */
export const letterFile: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
};

/**
 * A filing's email to an authority: one message, so a short attempt; a relay refusing for now
 * (4xx) or out of reach is tried again for about an hour, then the filing is given up as failed
 * for a person to act on. A retry never sends a message the relay may already hold
 * (core/use-cases/filings.ts).
 */
export const filingEmail: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '10 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 10,
  },
};

/**
 * Support's answer to a customer's question (core/use-cases/questions.ts): one message, retried as
 * a filing's email is (about an hour), then given up as failed for support to see. A retry never
 * sends a message the relay may already hold.
 */
export const answerEmail: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '10 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 10,
  },
};
