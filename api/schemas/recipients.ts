import { z } from 'zod';

/** An affected person of an incident: the incident's id and the customer's. */
export const AffectedParams = z.strictObject({
  id: z.uuid({ message: 'must be a UUID' }),
  customerId: z.coerce.number().int().positive(),
});

const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be an email address' }));

/**
 * A correction of a person's frozen recipient values: the fields to change (at least one) and why.
 * `null` clears a representative field.
 */
export const RecipientCorrectionBody = z
  .strictObject({
    reason: z.string().trim().min(3).max(2_000),
    fullName: z.string().trim().min(1).max(500).optional(),
    email: Email.optional(),
    representativeName: z.string().trim().min(1).max(500).nullable().optional(),
    representativeEmail: Email.nullable().optional(),
  })
  .refine(
    (b) =>
      b.fullName !== undefined ||
      b.email !== undefined ||
      b.representativeName !== undefined ||
      b.representativeEmail !== undefined,
    { path: ['email'], message: 'name at least one field to correct' },
  );

/** A person's recipient values as frozen for the incident's notice, after the correction. */
export const FrozenRecipient = z.object({
  fullName: z.string(),
  email: z.string().nullable(),
  representativeName: z.string().nullable(),
  representativeEmail: z.string().nullable(),
});
