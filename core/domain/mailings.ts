/**
 * The vocabulary of further mailings (migration 028; core/use-cases/mailings.ts): pure `as const`
 * sets, restated as CHECK constraints and held together with them by test/core/db/status-sets.test.ts,
 * and the ids derived from business keys. Workflows may import it.
 */

/**
 * Why one approved notice goes to a set of an incident's people after the first notice:
 * `supplement` — their exposure grew after an amendment (what changed); `reminder` — they have not
 * acknowledged their notice after some days; `update` — news for everyone notified (the
 * investigation concluded…).
 */
export const MAILING_KINDS = ['supplement', 'reminder', 'update'] as const;
export type MailingKind = (typeof MAILING_KINDS)[number];

/**
 * Who a mailing is for, decided once when it is created (core/db/mailings.ts `SELECT_SQL`):
 * - `unacknowledged`: their first notice was emailed and accepted, they have not acknowledged it,
 *   did not ask not to be reminded, and no email to them was refused or bounced;
 * - `notified`: their first notice was emailed and accepted, and no email to them was refused or
 *   bounced since (whether they acknowledged or opted out of reminders does not matter);
 * - `listed`: the people of an explicit list (mailing_list_members, written by the amendment's diff)
 *   who have a usable email address and no refused or bounced email.
 * Records merged into another person's notice, and people handled by hand, are never selected.
 */
export const MAILING_CRITERIA = ['unacknowledged', 'notified', 'listed'] as const;
export type MailingCriterion = (typeof MAILING_CRITERIA)[number];

/** `sending` from creation until `finished` (counts recorded) or `cancelled` (the incident withdrawn). */
export const MAILING_STATUSES = ['sending', 'finished', 'cancelled'] as const;
export type MailingStatus = (typeof MAILING_STATUSES)[number];

/**
 * One person's message of a mailing: `selected` at creation; then as a first notice's delivery
 * (core/domain/model.ts DELIVERY_STATUSES: `claimed`, `sending` — the commit point —, `sent`,
 * `retrying`, `undeliverable`); `skipped` when, by the time it was claimed, the person no longer met
 * the criterion (acknowledged, or asked not to be reminded, for a reminder). Nothing was sent then.
 * `held`: not past the commit point when a backup was taken that was later restored (migration 034):
 * perhaps sent after it, so nothing sends it until an operator confirms or releases it
 * (core/use-cases/restores.ts).
 */
export const MAILING_DELIVERY_STATUSES = [
  'selected',
  'claimed',
  'sending',
  'sent',
  'retrying',
  'undeliverable',
  'skipped',
  'held',
] as const;
export type MailingDeliveryStatus = (typeof MAILING_DELIVERY_STATUSES)[number];

/** The `subject` of a mailing's notice (notices.audience `follow_up`): one text per kind and key. */
export const mailingNoticeSubject = (kind: MailingKind, key: string) => `${kind}:${key}`;

/** A mailing's key: letters, digits, '.', '_' and '-', at most 64 (migration 028's CHECK). */
export const MAILING_KEY = /^[A-Za-z0-9._-]{1,64}$/;

/** Workflow id of a mailing (`mailingWorkflow`): starting it twice finds the running one. */
export const mailingWorkflowId = (incidentId: string, kind: MailingKind, key: string) =>
  `incident-${incidentId}-mailing-${kind}-${key}`;

/** Child workflow id of one shard of a mailing. */
export const mailingShardWorkflowId = (mailingId: string, shard: number) =>
  `mailing-${mailingId}-shard-${shard}`;

/**
 * A stable Message-ID per mailing and person: a resend after a crash carries the same id, so a
 * mailbox or relay that de-duplicates on Message-ID shows one message.
 */
export function mailingMessageId(mailingId: string, customerId: number, senderDomain: string): string {
  return `<mailing.${mailingId}.${customerId}@${senderDomain}>`;
}

/**
 * The list an amendment's diff writes of people already told whose exposure grew (core/db/reidentify.ts):
 * the recipients of that amendment's supplement.
 */
export const grownListKey = (version: number) => `${amendmentMailingKey(version)}-grown`;

/** The key of an amendment's supplement mailing (and of its text). */
export const amendmentMailingKey = (version: number) => `amendment-${version}`;
