import { z } from 'zod';
import { DATA_CATEGORIES } from '../../core/domain/categories';
import { CUSTOMER_STATUSES } from '../../core/domain/model';
import { Instant } from './common';

export const CustomerRecord = z
  .strictObject({
    externalId: z.string().trim().min(1).max(200),
    fullName: z.string().trim().min(1).max(300),
    email: z.email(),
    locale: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as en or es-MX')
      .default('en'),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE'),
    region: z
      .string()
      .regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, 'must be an ISO 3166-2 code such as US-CA')
      .nullish(),
    status: z.enum(CUSTOMER_STATUSES).default('active'),
    representativeName: z.string().trim().min(1).max(300).nullish(),
    representativeEmail: z.email().nullish(),
  })
  .superRefine((c, ctx) => {
    if (c.region && !c.region.startsWith(`${c.country}-`)) {
      ctx.addIssue({ code: 'custom', path: ['region'], message: `must be a region of ${c.country}` });
    }
  });

export const HoldingRecord = z
  .strictObject({
    customerExternalId: z.string().trim().min(1).max(200),
    system: z.string().trim().min(1).max(100),
    categories: z.array(z.enum(DATA_CATEGORIES)).min(1),
    from: Instant.nullish(),
    to: Instant.nullish(),
    maskedIdentifiers: z
      .partialRecord(
        z.enum(DATA_CATEGORIES),
        z.string().regex(/^[0-9A-Za-z]{1,4}$/, 'must be at most 4 characters'),
      )
      .nullish(),
  })
  .superRefine((h, ctx) => {
    if (h.from && h.to && h.to < h.from)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

export const CustomerImport = z.array(CustomerRecord).min(1).max(100_000);
export const HoldingImport = z.array(HoldingRecord).min(1).max(300_000);

export const ImportResult = z.object({
  received: z.number(),
  inserted: z.number(),
  updated: z.number(),
  unchanged: z.number(),
});
