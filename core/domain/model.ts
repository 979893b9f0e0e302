/**
 * Status sets and small pure types shared by the database, workflows and API. Kept free of I/O so
 * that workflow code may import it.
 */

export const ROLES = ['officer', 'compliance', 'support', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * A person signs in through the OIDC provider and never holds a token; a service account (a script,
 * an integration, a development demo user) holds an expiring API token and no session.
 */
export const USER_KINDS = ['person', 'service'] as const;
export type UserKind = (typeof USER_KINDS)[number];

export const CUSTOMER_STATUSES = ['active', 'deceased', 'closed'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

export const INCIDENT_STATUSES = [
  'identifying',
  'drafting',
  'awaiting_approval',
  'delivering',
  'completed',
  'closed_no_notice',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const NOTICE_STATUSES = ['pending_approval', 'approved', 'rejected', 'superseded'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/**
 * `claimed`: reserved for a send, nothing on the wire yet. `sending`: the relay has accepted the
 * envelope and the message body is about to be committed (see core/delivery/shard-pass.ts for why
 * this marks the point of no return). `sent`: the relay answered 250. `retrying`: a transient failure,
 * will be tried again. `undeliverable`: the relay refused for good; listed for substitute notice.
 */
export const DELIVERY_STATUSES = ['claimed', 'sending', 'sent', 'retrying', 'undeliverable'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * What happens to an affected customer's notice: emailed to them, to their representative, or by
 * hand; `merged`: another record of the same person (same email address) receives the one notice
 * for both, see core/db/affected.ts.
 */
export const AFFECTED_STATUSES = ['pending', 'notified', 'undeliverable', 'manual', 'merged'] as const;
export type AffectedStatus = (typeof AFFECTED_STATUSES)[number];

/**
 * Where a legal obligation (one rule, one jurisdiction) stands: `pending` until it is met or its
 * deadline passes (`overdue`); `not_required` when the rule's test is not met (a safe harbour, a
 * threshold). The law engine only ever drafts `pending` or `not_required` (core/law `ObligationDraft`).
 */
export const OBLIGATION_STATUSES = ['pending', 'met', 'overdue', 'not_required'] as const;
export type ObligationStatus = (typeof OBLIGATION_STATUSES)[number];

export const APPROVAL_DECISIONS = ['approve', 'reject'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

export const AUDIENCES = ['individuals', 'regulator', 'consumer_reporting_agencies', 'media'] as const;
export type Audience = (typeof AUDIENCES)[number];

/**
 * A printed letter (core/letters): `queued` when its batch opens (the claim, before rendering),
 * `rendered` once its file is written, `posted` when the mail house confirms it went out, `returned`
 * when it came back undelivered (the person then falls to substitute notice).
 */
export const LETTER_STATUSES = ['queued', 'rendered', 'posted', 'returned'] as const;
export type LetterStatus = (typeof LETTER_STATUSES)[number];

/** A batch of letters for the mail house: files being written, ready to hand over, all posted. */
export const LETTER_BATCH_STATUSES = ['rendering', 'ready', 'posted'] as const;
export type LetterBatchStatus = (typeof LETTER_BATCH_STATUSES)[number];
