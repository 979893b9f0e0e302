import { z } from 'zod';
import { LETTER_BATCH_STATUSES } from '../../core/domain/model';
import { ConfirmationCsvError, parseConfirmationCsv } from '../../core/letters/confirmations';

/** The largest mail-house file read in one request (a whole batch is posted with `batchId` instead). */
const MAX_ROWS = 100_000;

const LetterBatchParams = z.strictObject({
  id: z.uuid({ message: 'must be a UUID' }),
  batchId: z.uuid({ message: 'must be a UUID' }),
});

export const LetterFileParams = LetterBatchParams.extend({
  name: z
    .string()
    .regex(
      /^(letters-\d{4}\.pdf|manifest\.csv|SHA256SUMS)$/,
      'must be letters-NNNN.pdf, manifest.csv or SHA256SUMS',
    ),
});

const PostedOn = z.iso
  .date({ message: 'must be a date, YYYY-MM-DD' })
  .refine(
    (d) => d <= new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
    'must not be in the future',
  );

/** A CSV text field read into rows; a problem is a 400 on `csv` naming its line. */
function csvRows<C extends string>(columns: readonly C[], check: (row: Record<C, string>) => string | null) {
  return z
    .string()
    .min(1)
    .max(20 * 1024 * 1024)
    .transform((text, ctx) => {
      try {
        const rows = parseConfirmationCsv(text, columns, MAX_ROWS);
        for (const row of rows) {
          const problem = check(row);
          if (problem) {
            ctx.addIssue({ code: 'custom', message: `line ${row.line}: ${problem}` });
            return z.NEVER;
          }
        }
        return rows;
      } catch (err) {
        if (!(err instanceof ConfirmationCsvError)) throw err;
        ctx.addIssue({ code: 'custom', message: err.message });
        return z.NEVER;
      }
    });
}

const referenceProblem = (reference: string) =>
  reference.length > 40 ? 'the reference is longer than any reference code' : null;

/**
 * The mail house's confirmation of posting: a whole batch posted on one date (`batchId`,
 * `postedOn`), or its file of `reference,posted_on` rows (`csv`).
 */
export const LettersPostedBody = z
  .strictObject({
    batchId: z.uuid({ message: 'must be a UUID' }).optional(),
    postedOn: PostedOn.optional(),
    csv: csvRows(['reference', 'posted_on'] as const, (row) => {
      if (!PostedOn.safeParse(row.posted_on).success) return 'posted_on must be a past date, YYYY-MM-DD';
      return referenceProblem(row.reference);
    }).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.csv === undefined && b.batchId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['csv'],
        message: 'give the mail house file, or batchId and postedOn',
      });
    } else if (b.csv !== undefined && b.batchId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['batchId'], message: 'give either csv or batchId, not both' });
    } else if (b.batchId !== undefined && b.postedOn === undefined) {
      ctx.addIssue({ code: 'custom', path: ['postedOn'], message: 'is required with batchId' });
    }
  });

/** Returned mail: the mail house's file of `reference,reason` rows. */
export const ReturnedMailBody = z.strictObject({
  csv: csvRows(['reference', 'reason'] as const, (row) =>
    row.reason.length > 500 ? 'the reason is longer than 500 characters' : referenceProblem(row.reference),
  ),
});

const LetterFile = z.object({
  fileNo: z.number(),
  name: z.string(),
  letters: z.number(),
  pages: z.number(),
  bytes: z.number(),
  sha256: z.string(),
  renderedAt: z.date(),
});

export const LetterBatchList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      key: z.string(),
      noticeId: z.string(),
      status: z.enum(LETTER_BATCH_STATUSES),
      letterDate: z.date(),
      letters: z.number(),
      files: z.number(),
      manifestSha256: z.string().nullable(),
      createdAt: z.date(),
      readyAt: z.date().nullable(),
      counts: z.object({
        queued: z.number(),
        rendered: z.number(),
        posted: z.number(),
        returned: z.number(),
      }),
      pdfFiles: z.array(LetterFile),
    }),
  ),
});

export const LettersPostedResult = z.object({
  posted: z.number(),
  alreadyPosted: z.number(),
  notified: z.number(),
});

export const ReturnedMailResult = z.object({ returned: z.number(), alreadyReturned: z.number() });
