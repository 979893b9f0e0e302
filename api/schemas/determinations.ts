import { z } from 'zod';
import { DETERMINATION_KINDS, DETERMINATION_STATUSES } from '../../core/domain/determinations';
import { APPROVAL_DECISIONS } from '../../core/domain/model';

/**
 * A determination as the API shows it (core/db/determinations.ts `DeterminationView`): its scope
 * (the obligations named, as rule ids and jurisdictions; both empty: the whole incident), its reason
 * and supporting facts, and who proposed, decided and withdrew it.
 */
export const Determination = z.object({
  id: z.uuid(),
  incidentId: z.uuid(),
  kind: z.enum(DETERMINATION_KINDS),
  status: z.enum(DETERMINATION_STATUSES),
  ruleIds: z.array(z.string()),
  jurisdictions: z.array(z.string()),
  obligationIds: z.array(z.uuid()),
  leadJurisdiction: z.string().nullable(),
  requestForm: z.enum(['written', 'oral']).nullable(),
  reason: z.string(),
  facts: z.array(z.string()),
  proposedBy: z.uuid(),
  proposedByName: z.string().optional(),
  proposedAt: z.date(),
  decidedBy: z.uuid().nullable(),
  decidedByName: z.string().nullable().optional(),
  decidedAt: z.date().nullable(),
  decisionComment: z.string().nullable(),
  withdrawnBy: z.uuid().nullable(),
  withdrawnByName: z.string().nullable().optional(),
  withdrawnAt: z.date().nullable(),
  withdrawalReason: z.string().nullable(),
});
export const DeterminationList = z.object({ items: z.array(Determination) });

export const DeterminationParams = z.strictObject({
  id: z.uuid({ message: 'must be a UUID' }),
  determinationId: z.uuid({ message: 'must be a UUID' }),
});

const Jurisdiction = z
  .string()
  .regex(/^[A-Z]{2}(-[A-Z0-9]{1,6})?$/, 'must be an ISO 3166 code such as IE or US-AK');

/**
 * A proposal. Scope: `obligationIds` (their rules and jurisdictions), or `ruleIds` and/or
 * `jurisdictions`; none of them: the whole incident. `facts` are required for no risk of harm, an
 * exemption or a safe harbour; `leadJurisdiction` only for the lead supervisory authority (an EU/EEA
 * member state, GDPR Art. 56); `requestForm` only for a law-enforcement request (written when not said).
 */
export const ProposeDeterminationBody = z.strictObject({
  kind: z.enum(DETERMINATION_KINDS),
  reason: z.string().trim().min(3).max(4_000),
  facts: z.array(z.string().trim().min(1).max(4_000)).max(50).default([]),
  obligationIds: z
    .array(z.uuid({ message: 'must be a UUID' }))
    .max(500)
    .optional(),
  ruleIds: z.array(z.string().min(1).max(100)).max(500).optional(),
  jurisdictions: z.array(Jurisdiction).max(300).optional(),
  leadJurisdiction: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter member state code such as IE')
    .nullable()
    .optional(),
  requestForm: z.enum(['written', 'oral']).optional(),
});

/** The second compliance user's decision; a rejection says why. */
export const DeterminationDecisionBody = z.strictObject({
  decision: z.enum(APPROVAL_DECISIONS),
  comment: z.string().trim().max(4_000).optional(),
});

export const WithdrawDeterminationBody = z.strictObject({
  reason: z.string().trim().min(3).max(4_000),
});
