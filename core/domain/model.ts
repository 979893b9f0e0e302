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
  /** Approved, but delivery waits for a filing that must precede it (core/use-cases/prior-filings.ts). */
  'awaiting_filing',
  'delivering',
  'completed',
  'closed_no_notice',
  /** Withdrawn (a false alarm, a duplicate): nothing more is sent, every obligation not required. */
  'withdrawn',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const NOTICE_STATUSES = ['pending_approval', 'approved', 'rejected', 'superseded'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/**
 * `claimed`: reserved for a send, nothing on the wire yet. `sending`: the relay has accepted the
 * envelope and the message body is about to be committed (see core/delivery/shard-pass.ts for why
 * this marks the point of no return). `sent`: the relay answered 250. `retrying`: a transient failure,
 * will be tried again. `undeliverable`: the relay refused for good; listed for substitute notice.
 * `bounced`: accepted by the relay, then reported failed by a bounce (core/use-cases/bounces.ts); the
 * person is re-opened for a letter or falls to substitute notice. Final, like `undeliverable`.
 * `held`: not final when a backup was taken, and so perhaps sent after it: a restore holds it
 * (migration 032, core/use-cases/restores.ts) and no claim takes it until an operator releases it
 * (it becomes `retrying`) or confirms it sent on the relay's evidence.
 */
export const DELIVERY_STATUSES = [
  'claimed',
  'sending',
  'sent',
  'retrying',
  'undeliverable',
  'bounced',
  'held',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * What a report about a sent notice says (core/mail/bounce-report.ts; RFC 3464 `Action`, RFC 5965
 * feedback reports): `failed` — will not be delivered (a bounce); `delayed` — still trying;
 * `delivered` — reached the mailbox (or was relayed on); `complaint` — the person marked it as spam
 * (they were reached); `unknown` — a bounce-like message without a delivery-status report, recorded
 * as such and never guessed at. Only `failed` changes anything about a person's reach.
 */
export const BOUNCE_OUTCOMES = ['failed', 'delayed', 'delivered', 'complaint', 'unknown'] as const;
export type BounceOutcome = (typeof BOUNCE_OUTCOMES)[number];

/**
 * What happens to an affected customer's notice: emailed to them, to their representative, or by
 * hand; `merged`: another record of the same person (same person key, or same email address and
 * name) receives the one notice for both, see core/db/affected.ts.
 */
/**
 * A person's record in an incident. `not_affected`: an amendment found them no longer affected
 * before they were told (core/db/reidentify.ts): never sent a notice, not counted.
 */
export const AFFECTED_STATUSES = [
  'pending',
  'notified',
  'undeliverable',
  'manual',
  'merged',
  'not_affected',
] as const;
export type AffectedStatus = (typeof AFFECTED_STATUSES)[number];

// Defined with the rest of a person's contact vocabulary; named here too for the modules that import it from here.
export type { FoundBy, PostalAddress } from './contact';

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
 * How a person's notice goes (affected_customers.channel, decided by core/law `decideChannel` from
 * the rules that apply to them and their contact facts): `email` when email counts as notice under
 * every one of those rules; `letter` when it does not (or there is no email) and a postal address is
 * known; `email_and_letter` when the letter is the lawful notice and an email tells them promptly
 * too; `none` when no lawful channel is left: they are covered only by a substitute notice (one
 * with an email address is still emailed, as part of it: core/law/channels.ts).
 * Null on a record: not planned (an incident from before migration 015, a merged record, or a
 * deceased customer without a representative's email, handled by hand as before).
 */
export const NOTICE_CHANNELS = ['email', 'letter', 'email_and_letter', 'none'] as const;
export type NoticeChannel = (typeof NOTICE_CHANNELS)[number];

/**
 * Why a person's channel is what it is (affected_customers.channel_reason):
 * `email_allowed` every applicable rule accepts email; `email_consented` email counts because the
 * person agreed to electronic notice; `representative_email` a deceased customer's representative
 * is emailed (as before channels); `no_consent` a rule needs consent to electronic notice that is
 * not on record (a letter, or nothing without an address); `no_email` no email address;
 * `no_contact` neither an email nor a postal address; `email_undeliverable` the email was given up
 * on for good and a letter replaces it; `email_bounced` the relay accepted the email, then a bounce
 * reported it failed (core/use-cases/bounces.ts): a letter replaces it, or with no address nothing
 * (channel `none`); `letter_returned` the person's letter came back undelivered
 * (core/use-cases/letters.ts): no lawful channel is left (channel `none`).
 */
export const NOTICE_CHANNEL_REASONS = [
  'email_allowed',
  'email_consented',
  'representative_email',
  'no_consent',
  'no_email',
  'no_contact',
  'email_undeliverable',
  'email_bounced',
  'letter_returned',
] as const;
export type NoticeChannelReason = (typeof NOTICE_CHANNEL_REASONS)[number];

/**
 * Where an affected person stands towards the individuals' obligations that count them
 * (core/use-cases/reach.ts): `notified` by a method the rules accept; `awaiting_email` and
 * `awaiting_letter` their notice is on its way (an `email_and_letter` person waits for the letter
 * even once emailed); `undeliverable` their notice could not be delivered and no other channel is
 * left; `no_channel` no lawful channel from the start (even once emailed, when they have an email
 * address: that email is part of the substitute notice); `manual` a deceased customer with no
 * representative's email, handled by hand. The last three are covered only by a substitute notice.
 */
export const REACH_STATES = [
  'notified',
  'awaiting_email',
  'awaiting_letter',
  'undeliverable',
  'no_channel',
  'manual',
] as const;
export type ReachState = (typeof REACH_STATES)[number];

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
