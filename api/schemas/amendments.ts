import { z } from 'zod';
import { DATA_CATEGORIES } from '../../core/domain/categories';
import { APPROVAL_DECISIONS, NOTICE_STATUSES } from '../../core/domain/model';
import { Instant } from './common';

/** Payloads of the amendment routes (api/routes/amendments.ts). */

export const AmendmentParams = z.strictObject({
  id: z.uuid({ message: 'must be a UUID' }),
  version: z.coerce.number().int().min(2),
});

/** The facts an amendment may change; a field left out keeps its value, null clears a nullable one. */
const Changes = z
  .strictObject({
    description: z.string().trim().min(10).max(10_000).optional(),
    systems: z.array(z.string().trim().min(1).max(100)).min(1).max(200).optional(),
    dataCategories: z.array(z.enum(DATA_CATEGORIES)).min(1).optional(),
    occurredFrom: Instant.nullable().optional(),
    occurredTo: Instant.nullable().optional(),
    encrypted: z.boolean().optional(),
    keyCompromised: z.boolean().optional(),
    /** Customers known to be affected, by external id (null: nobody named). */
    customerExternalIds: z.array(z.string().trim().min(1).max(200)).min(1).max(100_000).nullable().optional(),
  })
  .refine((c) => Object.keys(c).length > 0, { message: 'name at least one fact to change' });

export const AmendBody = z.strictObject({
  /** Why: what the investigation found, e.g. 'The billing database was reached too (forensics, 9 Dec)'. */
  reason: z.string().trim().min(10).max(4_000),
  changes: Changes,
});

const Facts = z.object({
  description: z.string(),
  systems: z.array(z.string()),
  dataCategories: z.array(z.string()),
  occurredFrom: z.date().nullable(),
  occurredTo: z.date().nullable(),
  encrypted: z.boolean(),
  keyCompromised: z.boolean(),
  customerExternalIds: z.array(z.string()).nullable(),
});

/** One version of an incident's facts, with what its workflow found once applied. */
export const Amendment = z.object({
  incidentId: z.uuid(),
  version: z.number(),
  reason: z.string(),
  before: Facts,
  after: Facts,
  amendedBy: z.uuid(),
  amendedByName: z.string().nullable(),
  amendedAt: z.date(),
  appliedAt: z.date().nullable(),
  /** Whether its workflow sends the newly affected their notice (the incident's own was approved by then). */
  delivers: z.boolean().nullable(),
  /** The notice drafted for the newly affected (its newest version is in GET …/notices). */
  noticeId: z.uuid().nullable(),
  added: z.number().nullable(),
  grown: z.number().nullable(),
  removed: z.number().nullable(),
  /** True when the workflow could not be started now; it is started again shortly. */
  workflowPending: z.boolean().optional(),
});
export const AmendmentList = z.object({ items: z.array(Amendment) });

export const AmendmentDecisionBody = z.strictObject({
  decision: z.enum(APPROVAL_DECISIONS),
  comment: z.string().trim().max(5_000).optional(),
  noticeId: z.uuid(),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex'),
});
export const AmendmentDecisionResult = z.object({
  outcome: z.enum(['approved', 'rejected', 'awaiting_quorum']),
  approvals: z.number(),
  quorum: z.number(),
});

export const AmendmentNoticeBody = z.strictObject({
  whatHappened: z.string().trim().min(10).max(10_000),
  whatWeAreDoing: z.string().trim().min(10).max(10_000),
});
export const AmendmentNotice = z.object({
  id: z.uuid(),
  version: z.number(),
  status: z.enum(NOTICE_STATUSES),
});
