import { z } from 'zod';
import { DATA_CATEGORIES } from '../../core/domain/categories';
import { PHONE_MESSAGE, PHONE_PATTERN } from '../../core/domain/contact';
import { CUSTOMER_STATUSES } from '../../core/domain/model';
import { Instant } from './common';

const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE');

/** Where a letter goes: what its address block prints, with the country the post needs. */
export const PostalAddressRecord = z.strictObject({
  lines: z.array(z.string().trim().min(1).max(200)).min(1).max(4),
  locality: z.string().trim().min(1).max(200),
  region: z.string().trim().min(1).max(100).nullish(),
  postalCode: z.string().trim().min(1).max(20).nullish(),
  country: CountryCode,
});

/**
 * A person's agreement to electronic notices: when and how (a sign-up form's checkbox, a signed
 * consent), what E-SIGN (15 U.S.C. 7001(c)) and HIPAA (45 CFR 164.404(d)(1)(i)) ask a company to show.
 */
export const ElectronicConsentRecord = z.strictObject({
  at: Instant,
  method: z.string().trim().min(1).max(200),
});

export const CustomerRecord = z
  .strictObject({
    externalId: z.string().trim().min(1).max(200),
    fullName: z.string().trim().min(1).max(300),
    /** Absent or null: no email address (a letter, else a substitute notice, reaches the person). */
    email: z.email().nullish(),
    locale: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as en or es-MX')
      .default('en'),
    country: CountryCode,
    region: z
      .string()
      .regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, 'must be an ISO 3166-2 code such as US-CA')
      .nullish(),
    status: z.enum(CUSTOMER_STATUSES).default('active'),
    representativeName: z.string().trim().min(1).max(300).nullish(),
    representativeEmail: z.email().nullish(),
    /** The company's own id of the person: records with the same key get one notice. */
    personKey: z.string().trim().min(1).max(200).nullish(),
    phone: z.string().trim().regex(new RegExp(PHONE_PATTERN), PHONE_MESSAGE).nullish(),
    postalAddress: PostalAddressRecord.nullish(),
    electronicConsent: ElectronicConsentRecord.nullish(),
    /** YYYY-MM-DD: under 18, the vendor's minor product of identity-theft protection (issue 17). */
    dateOfBirth: z.iso
      .date({ message: 'must be a date, YYYY-MM-DD' })
      .refine((d) => d <= new Date().toISOString().slice(0, 10), 'must not be in the future')
      .nullish(),
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
