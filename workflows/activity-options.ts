import type { ActivityOptions } from '@temporalio/workflow';

/** Named timeout and retry groups, so each activity's failure behaviour is chosen, not defaulted. */

/** Short database steps: retried quickly and indefinitely (they are idempotent). */
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
