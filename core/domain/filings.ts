/**
 * Filings: the proof that an authority, agency or the media was given a packet (issue 15 item 3).
 * Pure vocabulary, so workflows may import it; migration 021 restates each set as a CHECK.
 */

/** How a filing reached the authority: sent by Forthright (email) or recorded by the person who filed. */
export const FILING_CHANNELS = ['email', 'portal', 'post', 'fax', 'other'] as const;
export type FilingChannel = (typeof FILING_CHANNELS)[number];

/** The channels a person records by hand, with a reference and a receipt. */
export const RECORDED_CHANNELS = ['portal', 'post', 'fax', 'other'] as const;
export type RecordedChannel = (typeof RECORDED_CHANNELS)[number];

/**
 * Where a filing stands:
 * - `sending` — an email claimed for sending (core/use-cases/filings.ts `sendFilingEmail`);
 * - `sent` — the relay accepted it; its answer is kept: proof;
 * - `failed` — the relay refused it, or gave no answer after it held the whole message
 *   (`uncertain`: it may have arrived; it is not sent again unless someone says so);
 * - `recorded` — filed by a person through a portal, by post, fax or otherwise, with the
 *   authority's reference and a receipt: proof.
 */
export const FILING_STATUSES = ['sending', 'sent', 'failed', 'recorded'] as const;
export type FilingStatus = (typeof FILING_STATUSES)[number];

/** The statuses that prove a filing: an obligation is met only by one of these (sequence 1). */
export const PROOF_STATUSES: readonly FilingStatus[] = ['sent', 'recorded'];

/**
 * Workflow id of the email of one packet version (`filingEmailWorkflow`): sending the same packet
 * twice finds the workflow that sends it, never a second one.
 */
export const filingEmailWorkflowId = (packetId: string) => `filing-email-${packetId}`;

/**
 * The stable Message-ID of a filing's email: every attempt to send it carries the same one, so a
 * relay or mailbox that de-duplicates shows the authority one message.
 */
export function filingMessageId(filingId: string, senderDomain: string): string {
  return `<filing.${filingId}@${senderDomain}>`;
}
