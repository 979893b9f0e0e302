/** Business ids and the keys derived from them. Pure, so workflows may import it. */

/** Temporal workflow id of an incident: starting the same incident twice finds the running one. */
export const incidentWorkflowId = (incidentId: string) => `incident-${incidentId}`;

/** Child workflow id of one delivery shard of an incident. */
export const deliveryShardWorkflowId = (incidentId: string, shard: number) =>
  `incident-${incidentId}-delivery-${shard}`;

/**
 * Workflow id of a batch of letters for an incident: `key` names why it is opened ('initial' with the
 * emails, 'fallback' after them, an hour's bounces), so a second start for the same reason finds it.
 */
export const letterBatchWorkflowId = (incidentId: string, key: string) => `incident-${incidentId}-letters-${key}`;

/**
 * A stable Message-ID per incident and customer: a resend after a crash carries the same id, so a
 * mailbox or relay that de-duplicates on Message-ID shows one message.
 */
export function noticeMessageId(incidentId: string, customerId: number, senderDomain: string): string {
  return `<notice.${incidentId}.${customerId}@${senderDomain}>`;
}
