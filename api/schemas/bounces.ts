import { z } from 'zod';
import { BOUNCE_OUTCOMES } from '../../core/domain/model';

/**
 * A relay's report about one sent notice, by HTTP (POST /api/bounces): the same facts a DSN or a
 * feedback report carries (core/mail/bounce-report.ts), named as Forthright names them. A relay's own
 * vocabulary maps onto `outcome` in its adapter: e.g. a permanent failure → `failed`, a temporary
 * one → `delayed`, a spam complaint → `complaint`.
 */
export const BounceReportBody = z.strictObject({
  /** The envelope sender the notice was sent with (`bounces+…@BOUNCE_DOMAIN`): names the notice. */
  returnPath: z.string().trim().min(3).max(254),
  outcome: z.enum(BOUNCE_OUTCOMES),
  /** RFC 3463 status code, e.g. 5.1.1. */
  status: z
    .string()
    .regex(/^[245]\.\d{1,3}\.\d{1,3}$/, 'must be an RFC 3463 status code such as 5.1.1')
    .optional(),
  /** The remote server's diagnostic, as the relay reports it. */
  diagnostic: z.string().trim().min(1).max(500).optional(),
});

/** What was recorded: no personal data, only the outcome and what it changed. */
export const BounceRecorded = z.object({
  incidentId: z.uuid(),
  outcome: z.enum(BOUNCE_OUTCOMES),
  /** The same report was recorded before; nothing was done again. */
  duplicate: z.boolean(),
  /** Where the person goes next when this report changed their reach; null: nothing changed. */
  reopenedFor: z.enum(['letter', 'none']).nullable(),
});
