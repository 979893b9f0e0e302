import { z } from 'zod';
import { MAILING_CRITERIA, MAILING_KEY, MAILING_KINDS, MAILING_STATUSES } from '../../core/domain/mailings';
import { APPROVAL_DECISIONS, NOTICE_STATUSES } from '../../core/domain/model';

/** Payloads of the further-mailing routes (api/routes/mailings.ts). */

export const FollowUpParams = z.strictObject({
  id: z.uuid({ message: 'must be a UUID' }),
  noticeId: z.uuid({ message: 'must be a UUID' }),
});

/** A new follow-up text, or a new version of one not yet approved (same kind and key). */
export const DraftFollowUpBody = z.strictObject({
  kind: z.enum(MAILING_KINDS),
  /** Names the mailing within the incident: letters, digits, '.', '_', '-'. */
  key: z.string().regex(MAILING_KEY, 'must be 1 to 64 letters, digits, dots, dashes or underscores'),
  /** Plain words, blank lines between paragraphs. A reminder without one gets the standard wording. */
  update: z.string().trim().min(10).max(10_000).optional(),
  /** The text in other template languages ('de', 'es', 'fr'). */
  updateTranslations: z
    .record(z.enum(['en', 'de', 'es', 'fr']), z.string().trim().min(10).max(10_000))
    .optional(),
});

export const FollowUpText = z.object({
  id: z.uuid(),
  kind: z.enum(MAILING_KINDS),
  key: z.string(),
  subject: z.string(),
  version: z.number(),
  status: z.enum(NOTICE_STATUSES),
  templateVersion: z.string(),
  contentHash: z.string(),
  draftedAt: z.date(),
  decidedByName: z.string().nullable(),
  decidedAt: z.date().nullable(),
  decisionComment: z.string().nullable(),
  revisedBy: z.string().nullable(),
  content: z.object({
    title: z.string(),
    followUp: z
      .object({
        kind: z.enum(MAILING_KINDS),
        update: z.string(),
        updateTranslations: z.partialRecord(z.string(), z.string()).optional(),
      })
      .optional(),
  }),
});
export const FollowUpList = z.object({ items: z.array(FollowUpText) });

export const FollowUpDecisionBody = z.strictObject({
  decision: z.enum(APPROVAL_DECISIONS),
  comment: z.string().trim().max(5_000).optional(),
  /** The text's `contentHash` as reviewed: a decision on other text is refused (409). */
  contentHash: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex'),
});

export const FollowUpDecisionResult = z.object({
  outcome: z.enum(['approved', 'rejected', 'awaiting_quorum']),
  approvals: z.number(),
  quorum: z.number(),
});

export const Mailing = z.object({
  id: z.uuid(),
  kind: z.enum(MAILING_KINDS),
  key: z.string(),
  noticeId: z.uuid(),
  criterion: z.enum(MAILING_CRITERIA),
  listKey: z.string().nullable(),
  status: z.enum(MAILING_STATUSES),
  recipients: z.number(),
  sent: z.number().nullable(),
  undeliverable: z.number().nullable(),
  createdAt: z.date(),
  finishedAt: z.date().nullable(),
});
export const MailingList = z.object({ items: z.array(Mailing) });
