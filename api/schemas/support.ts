import { z } from 'zod';
import {
  AFFECTED_STATUSES,
  CUSTOMER_STATUSES,
  INCIDENT_STATUSES,
  NOTICE_STATUSES,
} from '../../core/domain/model';
import { ANSWER_CHANNELS, ANSWER_MAX_LENGTH, QUESTION_STATUSES } from '../../core/domain/questions';

/** Find a customer's cases by the reference code in their notice, or by email address: exactly one. */
export const SupportCaseQuery = z
  .strictObject({
    reference: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^FR-\d{4}-\d{4}$/, 'must be a reference code such as FR-0000-0001')
      .optional(),
    email: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email({ message: 'must be an email address' }))
      .optional(),
  })
  .superRefine((q, ctx) => {
    if (q.reference === undefined && q.email === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['reference'],
        message: 'give a reference code or an email address',
      });
    }
    if (q.reference !== undefined && q.email !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['email'],
        message: 'give a reference code or an email address, not both',
      });
    }
  });
export type SupportCaseQuery = z.infer<typeof SupportCaseQuery>;

/** One event of a question's history: its audit entry (ids only), who acted and when. */
export const QuestionEvent = z.object({
  at: z.date(),
  /** question_asked | question_answer_requested | question_answered | question_answer_failed | question_answer_unconfirmed */
  action: z.string(),
  /** `customer`, `system`, or a staff user's id. */
  actor: z.string(),
  actorName: z.string().nullable(),
  /** The relay's answer, for the sending events. */
  relayResponse: z.string().nullable(),
});

/** A question the customer asked on their page, and support's answer. */
export const SupportQuestion = z.object({
  id: z.uuid(),
  incidentId: z.uuid(),
  referenceCode: z.string(),
  body: z.string(),
  askedAt: z.date(),
  status: z.enum(QUESTION_STATUSES),
  answer: z.string().nullable(),
  answeredBy: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  answerRequestedAt: z.date().nullable(),
  /** How it was answered: by email (sent), by phone or post (recorded); null while open. */
  channel: z.enum(ANSWER_CHANNELS).nullable(),
  /** Where the answer goes: the address the notice went to. */
  recipient: z.string().nullable(),
  /** When the relay accepted the answer. */
  answeredAt: z.date().nullable(),
  attempts: z.number(),
  relayResponse: z.string().nullable(),
  /** Failed without an answer after the relay held it: it may have arrived (send again only with resend). */
  uncertain: z.boolean(),
  history: z.array(QuestionEvent),
});

/**
 * Support's queue of questions waiting for an answer: where to look, not the words or the person
 * (those come through the audited lookup by reference code).
 */
export const WaitingQuestionList = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      incident: z.object({ id: z.uuid(), title: z.string() }),
      referenceCode: z.string(),
      askedAt: z.date(),
      status: z.enum(QUESTION_STATUSES),
      uncertain: z.boolean(),
    }),
  ),
});

export const QuestionParams = z.strictObject({ id: z.uuid() });

/** An answer claimed for sending (its email goes out in the background, once), or recorded. */
export const AnswerAccepted = z.object({
  id: z.uuid(),
  status: z.enum(QUESTION_STATUSES),
  channel: z.enum(ANSWER_CHANNELS),
  /** The address the notice went to, where the answer goes; null for an answer by phone or post. */
  recipient: z.string().nullable(),
  answerRequestedAt: z.date(),
});

/** Support's answer to a question, sent by email to the address the notice went to. */
export const AnswerQuestionBody = z.strictObject({
  answer: z
    .string()
    .trim()
    .min(1, 'write the answer')
    .max(ANSWER_MAX_LENGTH, `at most ${ANSWER_MAX_LENGTH} characters`),
  /**
   * `email` (the default): sent to the address the notice went to, exactly once. `phone` or `post`:
   * support answered that way (a person without an email address), recorded, nothing sent.
   */
  channel: z.enum(ANSWER_CHANNELS).optional(),
  /** Send again an answer that may have arrived (failed and uncertain). */
  resend: z.boolean().optional(),
});

export const SupportCase = z.object({
  incident: z.object({ id: z.uuid(), title: z.string(), status: z.enum(INCIDENT_STATUSES) }),
  referenceCode: z.string(),
  customer: z.object({
    id: z.number(),
    externalId: z.string(),
    fullName: z.string(),
    /** Null: the customer has no email address. */
    email: z.string().nullable(),
    locale: z.string(),
    status: z.enum(CUSTOMER_STATUSES),
    representativeName: z.string().nullable(),
    representativeEmail: z.string().nullable(),
  }),
  jurisdiction: z.string(),
  /** The categories of this customer's data exposed in the incident (the union over their systems). */
  categories: z.array(z.string()),
  /**
   * pending | notified | undeliverable | manual (no address: handled by hand). Never `merged`: a
   * merged record's lookup returns the case of the record whose notice covered it.
   */
  status: z.enum(AFFECTED_STATUSES),
  /** Null when no delivery was attempted (not yet, or manual handling). */
  delivery: z
    .object({
      status: z.string(),
      recipient: z.string(),
      sentAt: z.date().nullable(),
      attempts: z.number(),
      lastReply: z.string().nullable(),
    })
    .nullable(),
  acknowledgedAt: z.date().nullable(),
  /**
   * The person's other records in this incident (same person key, or same email address and name),
   * covered by this case's one notice: a lookup by their email or reference code lands here. Their own categories are in the
   * union above.
   */
  mergedRecords: z.array(
    z.object({
      customerId: z.number(),
      externalId: z.string(),
      referenceCode: z.string(),
      categories: z.array(z.string()),
    }),
  ),
  /**
   * The notice as this customer was (or, before sending, will be) sent it, rendered from the approved
   * template snapshot; null before a notice is approved.
   */
  notice: z
    .object({
      id: z.uuid(),
      version: z.number(),
      status: z.enum(NOTICE_STATUSES),
      templateVersion: z.string(),
      contentHash: z.string(),
      decidedAt: z.date().nullable(),
      language: z.string(),
      subject: z.string(),
      text: z.string(),
      /**
       * For a notice that went out: shown from its copy (the context stored when it was sent and
       * the recipient frozen on the case), with the SHA-256 of the message as sent and whether this
       * rendering matches it byte for byte. Null when nothing was sent: then the notice as it stands.
       */
      sent: z.object({ contentHash: z.string(), verified: z.boolean() }).nullable(),
    })
    .nullable(),
  /** What the customer asked on their page (oldest first), each with support's answer and its history. */
  questions: z.array(SupportQuestion),
});

export const SupportCaseList = z.object({ items: z.array(SupportCase) });
