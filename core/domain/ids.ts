/** Business ids and the keys derived from them. Pure, so workflows may import it. */

/** Temporal workflow id of an incident: starting the same incident twice finds the running one. */
export const incidentWorkflowId = (incidentId: string) => `incident-${incidentId}`;

const INCIDENT_WORKFLOW = /^incident-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:-|$)/;

/**
 * The incident a workflow id belongs to: the incident's own, its delivery shards, letter batches,
 * amendments and mailings all start `incident-<incidentId>`. Undefined for any other (a mailing's
 * shard, a filing's or an answer's email). For logs: one incident's lines found by one field.
 */
export function incidentIdOfWorkflowId(workflowId: string): string | undefined {
  return INCIDENT_WORKFLOW.exec(workflowId)?.[1];
}

/** Child workflow id of one delivery shard of an incident. */
export const deliveryShardWorkflowId = (incidentId: string, shard: number) =>
  `incident-${incidentId}-delivery-${shard}`;

/**
 * A stable Message-ID per incident and customer: a resend after a crash carries the same id, so a
 * mailbox or relay that de-duplicates on Message-ID shows one message.
 */
export function noticeMessageId(incidentId: string, customerId: number, senderDomain: string): string {
  return `<notice.${incidentId}.${customerId}@${senderDomain}>`;
}

/**
 * Workflow id of one letter batch of an incident (`letterBatchWorkflow`). `key` names why the batch
 * is made ('initial', 'fallback', a bounce's key): starting it again with the same key finds the
 * running one, and the batch it opens is keyed by this id, so one key is one batch.
 */
export const letterBatchWorkflowId = (incidentId: string, key: string) =>
  `incident-${incidentId}-letters-${key}`;

/** Workflow id of an incident's amendment (`amendmentWorkflow`): one per version. */
export const amendmentWorkflowId = (incidentId: string, version: number) =>
  `incident-${incidentId}-amendment-${version}`;

/**
 * Workflow id of the settlement of an incident's notices held by a restore
 * (`restoreSettlementWorkflow`): one runs at a time; each decision signals it, with start.
 */
export const restoreSettlementWorkflowId = (incidentId: string) =>
  `incident-${incidentId}-restore-settlement`;
