import { z } from 'zod';
import { DATA_CATEGORIES } from '../../core/domain/categories';
import { AUDIENCES, OBLIGATION_STATUSES, REACH_STATES } from '../../core/domain/model';
import type { ReachState } from '../../core/domain/model';
import { Instant } from './common';

export const Obligation = z.object({
  id: z.uuid(),
  ruleId: z.string(),
  /** ISO 3166 code ('DE', 'GB', 'US-CA') or a named regime ('US-HIPAA', 'US-SEC', 'US-NYDFS'). */
  jurisdiction: z.string(),
  audience: z.enum(AUDIENCES),
  regime: z.string(),
  citation: z.string(),
  deadlineText: z.string(),
  legalDueAt: z.date().nullable(),
  dueAt: z.date().nullable(),
  status: z.enum(OBLIGATION_STATUSES),
  reason: z.string().nullable(),
  affectedCount: z.number(),
  uncertain: z.string().nullable(),
  rulesVersion: z.string(),
  metAt: z.date().nullable(),
  delayReason: z.string().nullable(),
  /** Set while a law-enforcement hold pauses the clock. */
  heldSince: z.date().nullable(),
  /** When the hold ends by itself (an oral request under HIPAA: 30 days); null: until lifted. */
  heldUntil: z.date().nullable(),
  /**
   * Individuals' obligations: the people it counts, per reach state (core/use-cases/reach.ts), with
   * `covered` (unreached but covered by a carried-out substitute notice) and `total`. Open while
   * anyone is neither notified nor covered ("partly met"). Null for other audiences; absent where a
   * response does not compute it (the answers to actions).
   */
  reach: z
    .object({
      ...Object.fromEntries(REACH_STATES.map((s) => [s, z.number()])),
      covered: z.number(),
      total: z.number(),
    } as Record<ReachState | 'covered' | 'total', z.ZodNumber>)
    .nullable()
    .optional(),
});
export const ObligationList = z.object({ rulesVersion: z.string().nullable(), items: z.array(Obligation) });

export const ObligationParams = z.strictObject({ id: z.uuid(), obligationId: z.uuid() });

/**
 * How the law-enforcement request was made. An oral one holds HIPAA notice for no more than 30 days
 * from the statement unless a written one follows (45 CFR 164.412(b)): recording the written request
 * later ends that limit. Written when not said.
 */
const RequestForm = z.enum(['written', 'oral']).default('written');

export const DelayBody = z.strictObject({
  reason: z.string().trim().min(3).max(2_000),
  /** A law-enforcement request to delay notice: pauses the clock where the law permits. */
  lawEnforcementHold: z.boolean().default(false),
  requestForm: RequestForm,
});

/**
 * A law-enforcement request to delay notice, for the whole incident: every open obligation whose
 * law permits it is paused, with this reason recorded.
 */
export const HoldBody = z.strictObject({
  /** Which agency asked, when, and for how long, e.g. 'FBI field office, letter of 5 March'. */
  reason: z.string().trim().min(3).max(2_000),
  requestForm: RequestForm,
});

/**
 * When an extortion (ransom) payment was made in connection with the incident (23 NYCRR 500.17(c)):
 * NYDFS's 24-hour notice and 30-day explanation count from it. Not in the future (a minute of clock
 * skew tolerated): a payment not yet made starts no clock. It may be before the recorded discovery:
 * a ransom can be paid for a cybersecurity event before the company finds that personal data was
 * taken, and its obligations then come out as late as they are. Null clears a payment recorded by
 * mistake.
 */
const ExtortionPaidAt = Instant.refine(
  (d) => d.getTime() <= Date.now() + 60_000,
  'must not be in the future',
).nullable();

export const ReassessBody = z.strictObject({
  reason: z.string().trim().min(3).max(2_000),
  discoveredAt: Instant.optional(),
  materialityDeterminedAt: Instant.nullable().optional(),
  extortionPaidAt: ExtortionPaidAt.optional(),
});

/** A hypothetical obligation (preview): what would be stored, before it has an id or a history. */
const Draft = Obligation.omit({
  id: true,
  rulesVersion: true,
  metAt: true,
  delayReason: true,
  heldSince: true,
  heldUntil: true,
});

export const PreviewBody = z.strictObject({
  discoveredAt: Instant,
  encrypted: z.boolean().default(false),
  keyCompromised: z.boolean().default(false),
  materialityDeterminedAt: Instant.nullable().optional(),
  extortionPaidAt: ExtortionPaidAt.optional(),
  affected: z
    .array(
      z.strictObject({
        jurisdiction: z
          .string()
          .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be an ISO 3166 code such as DE or US-CA'),
        count: z.number().int().min(1),
        categories: z.array(z.enum(DATA_CATEGORIES)).min(1),
      }),
    )
    .min(1),
});
/**
 * People recorded with a country but no region where the law is regional (core/law `UnplacedGroup`):
 * a US customer with no state, with the state rules that might apply once the state is known.
 */
export const UnplacedGroup = z.object({
  jurisdiction: z.string(),
  count: z.number(),
  categories: z.array(z.enum(DATA_CATEGORIES)),
  regions: z.array(z.string()),
  mightApply: z.array(z.string()),
});
export const UnplacedList = z.object({ items: z.array(UnplacedGroup) });

export const PreviewResponse = z.object({
  rulesVersion: z.string(),
  items: z.array(Draft),
  /** Affected groups given only a country where the law is regional ('US'): see UnplacedGroup. */
  unplaced: z.array(UnplacedGroup),
});

export const CoverageResponse = z.object({
  rulesVersion: z.string(),
  /** The company profile (COMPANY_REGIMES): which sector regimes' rules apply to this company. */
  profile: z.array(
    z.object({ regime: z.string(), token: z.string(), label: z.string(), applies: z.boolean() }),
  ),
  items: z.array(
    z.object({
      ruleId: z.string(),
      jurisdiction: z.string(),
      audience: z.enum(AUDIENCES),
      regime: z.string(),
      deadline: z.string(),
      threshold: z.string().nullable(),
      safeHarbour: z.string(),
      citation: z.string(),
      effectiveFrom: z.string().nullable(),
      effectiveUntil: z.string().nullable(),
      timeZone: z.string(),
      /** The company profile the rule needs (COMPANY_REGIMES), or null: every company. */
      profile: z.string().nullable(),
      uncertain: z.string().nullable(),
      substituteNotice: z.string().nullable(),
      /** Whether an email counts as the notice, with its citation (individuals' rules). */
      electronicNotice: z.string().nullable(),
    }),
  ),
});

export const PreapproveBody = z.strictObject({
  whatHappened: z.string().trim().min(10).max(10_000),
  whatWeAreDoing: z.string().trim().min(10).max(10_000),
});
/** The second approver names the text they reviewed. */
export const ConfirmPreapprovedBody = z.strictObject({
  contentHash: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex'),
});
/** A proposed standard notice (`confirmedBy` null: not used until a second compliance user confirms it). */
export const Preapproved = z.object({
  id: z.uuid(),
  templateVersion: z.string(),
  contentHash: z.string(),
  approvedBy: z.uuid(),
  approvedAt: z.date(),
  confirmedBy: z.uuid().nullable(),
  confirmedAt: z.date().nullable(),
  content: z.object({ title: z.string(), whatHappened: z.string(), whatWeAreDoing: z.string() }),
});
