import { z } from 'zod';
import { APPROVAL_DECISIONS, NOTICE_STATUSES } from '../../core/domain/model';
import {
  NOTICE_AUDIENCES,
  SUBSTITUTE_ELEMENTS,
  SUBSTITUTE_REASONS,
  SUBSTITUTE_STATUSES,
  SUBSTITUTE_TEXT_AUDIENCES,
} from '../../core/domain/substitute-notice';
import { RECORDABLE_ELEMENTS } from '../../core/use-cases/substitute-texts';
import { Instant } from './common';

/** Payloads of the substitute-notice routes (api/routes/substitute-notice.ts). */


export const SubstituteParams = z.strictObject({
  id: z.uuid({ message: 'must be a UUID' }),
  substituteId: z.uuid({ message: 'must be a UUID' }),
});
export const SubstituteTextParams = z.strictObject({
  id: z.uuid({ message: 'must be a UUID' }),
  noticeId: z.uuid({ message: 'must be a UUID' }),
});

const Element = z.object({
  kind: z.enum(SUBSTITUTE_ELEMENTS),
  choice: z.number().nullable(),
  minDays: z.number().nullable(),
  wording: z.string(),
  startsAt: z.date().nullable(),
  endsAt: z.date().nullable(),
  recordedAt: z.date().nullable(),
  recordedBy: z.string().nullable(),
  recordedByName: z.string().nullable(),
  channel: z.string().nullable(),
  evidence: z.string().nullable(),
  noticeId: z.string().nullable(),
});

export const SubstituteNotice = z.object({
  id: z.uuid(),
  ruleId: z.string(),
  jurisdiction: z.string(),
  citation: z.string(),
  tier: z.number(),
  reasons: z.array(z.enum(SUBSTITUTE_REASONS)),
  residents: z.number(),
  unreachable: z.number(),
  estimatedCostUsd: z.number(),
  uncertain: z.string().nullable(),
  status: z.enum(SUBSTITUTE_STATUSES),
  reviewedAt: z.date(),
  carriedOutAt: z.date().nullable(),
  elements: z.array(Element),
});

const Text = z.object({
  notice: z.object({
    id: z.uuid(),
    audience: z.enum(NOTICE_AUDIENCES),
    version: z.number(),
    status: z.enum(NOTICE_STATUSES),
    templateVersion: z.string(),
    contentHash: z.string(),
    draftedAt: z.date(),
    decidedByName: z.string().nullable(),
    decidedAt: z.date().nullable(),
    decisionComment: z.string().nullable(),
    revisedBy: z.string().nullable(),
    content: z.object({ title: z.string(), whatHappened: z.string(), whatWeAreDoing: z.string() }),
  }),
  rendered: z.object({ subject: z.string(), html: z.string(), text: z.string() }),
});

export const SubstituteOverview = z.object({
  items: z.array(SubstituteNotice),
  website: Text.nullable(),
  media: Text.nullable(),
  posting: z
    .object({
      publicId: z.string(),
      url: z.string(),
      noticeId: z.string().nullable(),
      startsAt: z.date().nullable(),
      endsAt: z.date().nullable(),
      live: z.boolean(),
    })
    .nullable(),
});

export const ReviewResult = z.object({ open: z.number(), carriedOut: z.number(), drafted: z.number() });

export const ReviseTextBody = z.strictObject({
  audience: z.enum(SUBSTITUTE_TEXT_AUDIENCES),
  whatHappened: z.string().trim().min(10).max(10_000),
  whatWeAreDoing: z.string().trim().min(10).max(10_000),
});

export const TextDecisionBody = z.strictObject({
  decision: z.enum(APPROVAL_DECISIONS),
  comment: z.string().trim().max(5_000).optional(),
  /** The text's `contentHash` as reviewed: a decision on other text is refused (409). */
  contentHash: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex'),
});

export const TextDecisionResult = z.object({
  outcome: z.enum(['approved', 'rejected', 'awaiting_quorum']),
  approvals: z.number(),
  quorum: z.number(),
});

export const RecordElementBody = z.strictObject({
  kind: z.enum(RECORDABLE_ELEMENTS),
  /** When it happened: the day the media notice ran, the toll-free line opened, the letter went. */
  on: Instant,
  /** The outlet(s), the toll-free number, the method or the address written to. */
  channel: z.string().trim().min(2).max(500),
  /** What shows it: a tear sheet's reference, a confirmation number, a file name. */
  evidence: z.string().trim().min(2).max(2_000),
});
