// The single workflowsPath entry: every workflow the worker runs, and nothing else.
export { incidentWorkflow } from './incident';
export { deliveryShardWorkflow } from './delivery';
export { letterBatchWorkflow } from './letters';
export { filingEmailWorkflow } from './filing-email';
export { questionAnswerWorkflow } from './question-answer';
export { retentionSweepWorkflow } from './retention';
export { mailingShardWorkflow, mailingWorkflow } from './mailing';
export { amendmentWorkflow } from './amendment';
export { restoreSettlementWorkflow } from './restore-settlement';
