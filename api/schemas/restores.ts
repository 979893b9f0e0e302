import { z } from 'zod';

/**
 * The operator's list of an incident's held messages (core/use-cases/restores.ts): ids only, a page
 * of `limit` people, each with every message of theirs held (first notice, mailings').
 */
export const HeldQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

const HeldNotice = z.object({
  deliveryId: z.number(),
  /** The further mailing (reminder, supplement, update) the message belongs to; null: the first notice. */
  mailingId: z.uuid().nullable(),
  customerId: z.number(),
  externalId: z.string(),
  /** What the relay's log shows for this notice if it accepted it. */
  messageId: z.string(),
  /** The state in the backup: claimed, retrying, selected (a mailing's), or null (no row yet). */
  heldFrom: z.string().nullable(),
  restoreId: z.uuid(),
});

export const HeldList = z.object({
  items: z.array(HeldNotice),
  /** The cursor of the next page, or null. */
  next: z.number().nullable(),
});

/** Held notices the relay's log shows accepted: recorded sent, never sent again. */
export const ConfirmHeldSentBody = z.strictObject({
  messageIds: z.array(z.string().min(3).max(998)).min(1).max(100_000),
  /** Where the evidence comes from. */
  reason: z.string().trim().min(1).max(2000),
});

export const ConfirmHeldSentResult = z.object({
  confirmed: z.number(),
  /** Message-IDs that matched no held notice of the incident. */
  unmatched: z.array(z.string()),
  /** The settlement started after it (workflows/restore-settlement.ts); null when nothing was confirmed. */
  workflowId: z.string().nullable(),
});

/** Held notices released to be sent again (all, or the people named). */
export const ReleaseHeldBody = z.strictObject({
  customerIds: z.array(z.number().int().positive()).min(1).max(100_000).optional(),
  reason: z.string().trim().min(1).max(2000),
});

export const ReleaseHeldResult = z.object({
  released: z.number(),
  /** The settlement started to send them (workflows/restore-settlement.ts); none when nothing was released. */
  workflowIds: z.array(z.string()),
});
