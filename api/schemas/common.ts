import { z } from 'zod';

/** An ISO 8601 instant with an offset (`Z` or `+02:00`), parsed to a Date. */
export const Instant = z.iso
  .datetime({
    offset: true,
    message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-03-05T14:30:00Z',
  })
  .transform((s) => new Date(s));

export const ErrorResponse = z.object({
  statusCode: z.number(),
  error: z.string(),
  message: z.string(),
  /** The first field at fault, as a path such as `dataCategories.1`. */
  field: z.string().optional(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export const IdParams = z.strictObject({ id: z.uuid({ message: 'must be a UUID' }) });
