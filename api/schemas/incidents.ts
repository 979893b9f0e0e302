import { z } from 'zod';
import { DATA_CATEGORIES } from '../../core/domain/categories';
import { FOUND_BY } from '../../core/domain/contact';
import {
  APPROVAL_DECISIONS,
  INCIDENT_STATUSES,
  LETTER_STATUSES,
  NOTICE_CHANNEL_REASONS,
  NOTICE_CHANNELS,
  NOTICE_STATUSES,
} from '../../core/domain/model';
import { Instant } from './common';

const SystemName = z.string().trim().min(1).max(100);

export const CreateIncidentBody = z
  .strictObject({
    title: z.string().trim().min(3).max(200),
    description: z.string().trim().min(10).max(10_000),
    discoveredAt: Instant,
    occurredFrom: Instant.nullish(),
    occurredTo: Instant.nullish(),
    systems: z.array(SystemName).min(1).max(200),
    dataCategories: z.array(z.enum(DATA_CATEGORIES)).min(1),
    encrypted: z.boolean().default(false),
    keyCompromised: z.boolean().default(false),
    /**
     * Customers known to be affected, by external id: added to those the systems' holdings find
     * (the union; see core/db/affected.ts `identify`). Absent or null names nobody; an empty list is
     * refused (400), so that "nobody named" is said one way only.
     */
    customerExternalIds: z.array(z.string().trim().min(1).max(200)).min(1).max(100_000).nullish(),
  })
  .superRefine((b, ctx) => {
    // Refinements also run when a field already failed; only compare values that parsed.
    const isDate = (v: unknown): v is Date => v instanceof Date;
    if (!isDate(b.discoveredAt)) return;
    if (isDate(b.occurredFrom) && isDate(b.occurredTo) && b.occurredTo < b.occurredFrom) {
      ctx.addIssue({ code: 'custom', path: ['occurredTo'], message: 'must not be before occurredFrom' });
    }
    // A minute of clock skew is tolerated; a discovery in the future is a typing mistake.
    if (b.discoveredAt.getTime() > Date.now() + 60_000) {
      ctx.addIssue({ code: 'custom', path: ['discoveredAt'], message: 'must not be in the future' });
    }
    if (isDate(b.occurredFrom) && b.occurredFrom > b.discoveredAt) {
      ctx.addIssue({ code: 'custom', path: ['occurredFrom'], message: 'must not be after discoveredAt' });
    }
    if (b.keyCompromised && !b.encrypted) {
      ctx.addIssue({
        code: 'custom',
        path: ['keyCompromised'],
        message: 'only applies when encrypted is true',
      });
    }
  });
export type CreateIncidentBody = z.infer<typeof CreateIncidentBody>;

export const Counts = z.object({
  affected: z.number(),
  notified: z.number(),
  failed: z.number(),
  pending: z.number(),
  manual: z.number(),
  /** Records merged into another record's notice (the same person); not in `affected`. */
  merged: z.number(),
});

export const Incident = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string(),
  discoveredAt: z.date(),
  occurredFrom: z.date().nullable(),
  occurredTo: z.date().nullable(),
  systems: z.array(z.string()),
  dataCategories: z.array(z.string()),
  encrypted: z.boolean(),
  keyCompromised: z.boolean(),
  /** When an extortion payment was made (23 NYCRR 500.17(c)); recorded through a re-assessment. */
  extortionPaidAt: z.date().nullable(),
  customerExternalIds: z.array(z.string()).nullable(),
  status: z.enum(INCIDENT_STATUSES),
  /** Which version of its facts this is: 1 as opened, one more with each amendment. */
  version: z.number(),
  /** When it was withdrawn (an approved `incident_withdrawal` determination); null if it is not. */
  withdrawnAt: z.date().nullable(),
  openedBy: z.uuid(),
  openedByName: z.string(),
  workflowId: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  counts: Counts,
  /**
   * How many of the `affected` people identification found through the exposed systems' holdings
   * only, on the incident's list of customers only, or both (the two are a union; see
   * core/db/affected.ts `identify`).
   */
  foundBy: z.object({ system: z.number(), list: z.number(), both: z.number() }),
  nextDeadline: z.object({ dueAt: z.date(), jurisdiction: z.string(), audience: z.string() }).nullable(),
  links: z.object({ temporalUi: z.string() }),
  /**
   * Each time the incident's workflow was found terminated or reset outside Forthright (its deadline
   * timers and approval may have stopped): empty when all is well.
   */
  workflowTampering: z.array(
    z.object({
      runId: z.string(),
      kind: z.enum(['terminated', 'reset']),
      happenedAt: z.date().nullable(),
      detectedAt: z.date(),
      identity: z.string().nullable(),
      reason: z.string().nullable(),
    }),
  ),
});

export const IncidentList = z.object({ items: z.array(Incident), limit: z.number(), offset: z.number() });

export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const AffectedQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  search: z.string().trim().min(1).max(200).optional(),
  /** Only those not yet reached: waiting for their email or letter, undeliverable, without a channel, by hand. */
  unreached: z.stringbool().optional(),
});

export const AffectedPage = z.object({
  items: z.array(
    z.object({
      customerId: z.number(),
      externalId: z.string(),
      fullName: z.string(),
      /** Null: the person has no email address. */
      email: z.string().nullable(),
      jurisdiction: z.string(),
      categories: z.array(z.string()),
      status: z.string(),
      /** How identification found the person: a system's holdings, the incident's list, or both. */
      foundBy: z.enum(FOUND_BY),
      /** For a `merged` record: the customer id whose notice covers it. */
      mergedInto: z.number().nullable(),
      referenceCode: z.string(),
      acknowledgedAt: z.date().nullable(),
      deliveryStatus: z.string().nullable(),
      sentAt: z.date().nullable(),
      /** How their notice goes (null: not planned: emailed, as before channels) and why. */
      channel: z.enum(NOTICE_CHANNELS).nullable(),
      channelReason: z.enum(NOTICE_CHANNEL_REASONS).nullable(),
      /** Their latest printed letter: where it stands (null: none), and the day it was posted. */
      letterStatus: z.enum(LETTER_STATUSES).nullable(),
      postedOn: z.string().nullable(),
    }),
  ),
  /** Pass as `after` for the next page; null on the last page. */
  next: z.number().nullable(),
});

export const ApprovalBody = z.strictObject({
  decision: z.enum(APPROVAL_DECISIONS),
  comment: z.string().trim().max(5_000).optional(),
  /** The notice version reviewed, and its `contentHash` as shown: a decision on other text is refused (409). */
  noticeId: z.uuid(),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex'),
});

/** `awaiting_quorum`: the approval counted; APPROVAL_QUORUM=2 needs another compliance user's too. */
export const ApprovalResponse = z.object({
  noticeId: z.uuid(),
  status: z.enum(['approved', 'rejected', 'awaiting_quorum']),
});

export const ReviseNoticeBody = z.strictObject({
  whatHappened: z.string().trim().min(10).max(10_000),
  whatWeAreDoing: z.string().trim().min(10).max(10_000),
});

const RenderedMail = z.object({
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  locale: z.string(),
});

export const Notice = z.object({
  id: z.uuid(),
  version: z.number(),
  status: z.enum(NOTICE_STATUSES),
  templateVersion: z.string(),
  contentHash: z.string(),
  draftedAt: z.date(),
  decidedBy: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: z.date().nullable(),
  decisionComment: z.string().nullable(),
  content: z.object({ title: z.string(), whatHappened: z.string(), whatWeAreDoing: z.string() }),
  variants: z.array(
    z.object({
      key: z.string(),
      recipients: z.number(),
      sample: RenderedMail,
      /** Free text that seems to break the variant's restrictions (Illinois: no number affected). */
      warnings: z.array(z.string()),
    }),
  ),
  previewComplete: z.boolean(),
});

export const NoticeList = z.object({ items: z.array(Notice) });

export const TimelineEvent = z.object({
  id: z.number(),
  at: z.date(),
  actor: z.string(),
  action: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export const Timeline = z.object({ items: z.array(TimelineEvent) });

export const DeliveryProgress = z.object({
  sent: z.number(),
  pending: z.number(),
  retrying: z.number(),
  undeliverable: z.number(),
  manual: z.number(),
  /** Records merged into another record's notice (the same person); in none of the other counts. */
  merged: z.number(),
  /**
   * How many people's notices go each way, and why (planned channels, core/use-cases/channels.ts);
   * empty until planned, and for incidents from before channels (everyone is emailed).
   */
  channels: z.array(
    z.object({ channel: z.enum(NOTICE_CHANNELS), reason: z.enum(NOTICE_CHANNEL_REASONS), count: z.number() }),
  ),
  undeliverableList: z.array(
    z.object({
      customerId: z.number(),
      externalId: z.string(),
      recipient: z.string(),
      reply: z.string().nullable(),
      attempts: z.number(),
    }),
  ),
});
