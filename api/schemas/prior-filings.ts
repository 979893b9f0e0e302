import { z } from 'zod';
import { OBLIGATION_STATUSES } from '../../core/domain/model';

/** A filing that must precede the individuals' notice (core/use-cases/prior-filings.ts `PriorFiling`). */
export const PriorFiling = z.object({
  obligationId: z.uuid(),
  ruleId: z.string(),
  jurisdiction: z.string(),
  regime: z.string(),
  citation: z.string(),
  status: z.enum(OBLIGATION_STATUSES),
  /** Open and not overridden: the incident's delivery waits for it. */
  holdsDelivery: z.boolean(),
  override: z
    .object({ reason: z.string(), overriddenBy: z.uuid(), overriddenAt: z.date() })
    .nullable(),
});
export const PriorFilingList = z.object({ items: z.array(PriorFiling) });

export const PriorFilingOverrideBody = z.strictObject({
  /** Why the individuals may hear before this authority is told, e.g. 'AG portal down; filed by post'. */
  reason: z.string().trim().min(10).max(2_000),
});
