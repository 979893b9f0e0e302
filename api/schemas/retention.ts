import { z } from 'zod';

/** One reason an incident is kept (core/domain/retention.ts `RetentionBasis`). */
const RetentionBasis = z.object({
  citation: z.string(),
  years: z.number().int().nullable(),
  days: z.number().int().nullable(),
  reason: z.string(),
  uncertain: z.string().nullable(),
});

const Counts = z.object({
  affectedRecords: z.number().int(),
  deliveries: z.number().int(),
  letters: z.number().int(),
  remediationCodes: z.number().int(),
  questions: z.number().int(),
  mailingDeliveries: z.number().int(),
  mailingListMembers: z.number().int(),
  explicitListEntries: z.number().int(),
  amendmentLists: z.number().int(),
  auditKeyDestroyed: z.boolean(),
});

/** What a purge left (core/db/retention.ts `IncidentPurge`): counts and a digest, nobody's data. */
export const IncidentPurge = z.object({
  incidentId: z.uuid(),
  closedAt: z.date(),
  retainUntil: z.date(),
  purgedAt: z.date(),
  purgedBy: z.string(),
  counts: Counts,
  deliverySummary: z.object({
    people: z.record(z.string(), z.number().int()),
    deliveries: z.record(z.string(), z.number().int()),
  }),
  erasedSha256: z.string(),
  filesRemovedAt: z.date().nullable(),
});

/** A closed incident in the retention view (core/use-cases/retention.ts `RetentionEntry`). */
export const RetentionEntry = z.object({
  incidentId: z.uuid(),
  title: z.string(),
  status: z.string(),
  closedAt: z.date(),
  basis: z.array(RetentionBasis),
  retainUntil: z.date(),
  due: z.boolean(),
  people: z.number().int(),
  purge: IncidentPurge.nullable(),
});
export const RetentionList = z.object({ items: z.array(RetentionEntry) });

export const PurgeResult = z.object({ alreadyPurged: z.boolean(), purge: IncidentPurge });
