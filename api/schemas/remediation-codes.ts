import { z } from 'zod';

/** A vendor's file of codes (core/use-cases/remediation-codes.ts `CODE_CSV_COLUMNS`) and where to enrol. */
export const ImportCodesBody = z.strictObject({
  /** CSV: provider,product,term_months,enroll_by,code,minor — one code per row. */
  csv: z
    .string()
    .min(1)
    .max(64 * 1024 * 1024),
  /** The vendor's enrolment page, printed in the notice and linked from the person's page. */
  enrollUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) address' }).max(500),
});

const Pool = z.object({
  id: z.uuid(),
  provider: z.string(),
  product: z.string(),
  termMonths: z.number(),
  /** YYYY-MM-DD. */
  enrollBy: z.string(),
  enrollUrl: z.string(),
  forMinors: z.boolean(),
  /** Which product of its file (1, 2, …). */
  part: z.number(),
  codes: z.number(),
  /** Codes not yet given to anyone. */
  free: z.number(),
});

export const ImportCodesResult = z.object({
  pools: z.array(Pool),
  /** This very file was imported for the incident before: nothing new was written. */
  alreadyImported: z.boolean(),
});

const ByAge = z.object({ adults: z.number(), minors: z.number() });

/** How the incident's codes stand against the people the law says need one. */
export const CodeStatusResult = z.object({
  pools: z.array(Pool.extend({ importedBy: z.string(), importedAt: z.date() })),
  eligible: ByAge,
  withCode: ByAge,
  free: ByAge,
  /** Eligible people without a code the free codes cannot cover. */
  short: ByAge,
  requiredMonths: ByAge,
  requiredBy: z.array(z.object({ ruleId: z.string(), months: z.number(), citation: z.string() })),
  termTooShort: z.array(z.string()),
  expired: z.array(z.string()),
});

export const WithoutCodeQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

export const WithoutCodeList = z.object({
  items: z.array(
    z.object({
      customerId: z.number(),
      externalId: z.string(),
      referenceCode: z.string(),
      jurisdiction: z.string(),
      minor: z.boolean(),
      deliveryStatus: z.string().nullable(),
    }),
  ),
  /** The cursor for the next page, or null at the end. */
  next: z.number().nullable(),
});
