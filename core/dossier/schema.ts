import { z } from 'zod';

/**
 * The machine-readable dossier (dossier.json) and its manifest, one zod schema each: what a
 * regulator's tooling (or our test) validates the files against. Times are ISO 8601 in UTC; audit
 * times keep the microseconds their hash covers.
 */

const Timestamp = z.iso.datetime();
const NullableTimestamp = Timestamp.nullable();
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * v2 (issue 15): the filing packets, the filings with their proof and the determinations, each from
 * its own table; v1's `filings` and `determinations` lists of audit events are `recordedActions`.
 */
export const DOSSIER_FORMAT = 'forthright-dossier-v2';
export const MANIFEST_FORMAT = 'forthright-dossier-manifest-v1';

const Facts = z.object({
  title: z.string(),
  description: z.string(),
  discoveredAt: Timestamp,
  occurredFrom: NullableTimestamp,
  occurredTo: NullableTimestamp,
  systems: z.array(z.string()),
  dataCategories: z.array(z.string()),
  encrypted: z.boolean(),
  keyCompromised: z.boolean(),
  materialityDeterminedAt: NullableTimestamp,
  /** The extortion payment NYDFS's 500.17(c) notices count from; null when none is recorded. */
  extortionPaidAt: NullableTimestamp,
  status: z.string(),
});

/** One recorded change of a fact: the audit event that made it, with the values before and after. */
const FactVersion = z.object({
  eventId: z.string(),
  at: Timestamp,
  actor: z.string(),
  action: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  reason: z.string().nullable(),
});

const Obligation = z.object({
  id: z.uuid(),
  ruleId: z.string(),
  jurisdiction: z.string(),
  audience: z.string(),
  regime: z.string(),
  citation: z.string(),
  deadlineText: z.string(),
  legalDueAt: NullableTimestamp,
  dueAt: NullableTimestamp,
  status: z.string(),
  reason: z.string().nullable(),
  affectedCount: z.number().int(),
  uncertain: z.string().nullable(),
  rulesVersion: z.string(),
  assessedAt: Timestamp,
  supersededAt: NullableTimestamp,
  metAt: NullableTimestamp,
  delayReason: z.string().nullable(),
  heldSince: NullableTimestamp,
  /** When an oral request's hold ends by itself (HIPAA: 30 days, 45 CFR 164.412(b)). */
  heldUntil: NullableTimestamp,
});

const Approval = z.object({
  decision: z.string(),
  contentHash: z.string(),
  comment: z.string().nullable(),
  decidedBy: z.string(),
  decidedByName: z.string(),
  decidedAt: Timestamp,
  /** When the workflow acted on it; null: recorded but never counted. */
  consumedAt: NullableTimestamp,
});

/**
 * Fields several records share, spread into their shapes where they stand (a shape's key order is
 * the order of dossier.json's keys, so they are spread, not appended with `.extend`).
 */
const DRAFTED = {
  version: z.number().int(),
  status: z.string(),
  templateVersion: z.string(),
  contentHash: z.string(),
  draftedAt: Timestamp,
};
/** Who decided (the second person), when, with what comment; null until decided. */
const DECIDED = {
  decidedBy: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: NullableTimestamp,
  decisionComment: z.string().nullable(),
};
/** A notice's or packet's frozen content and the approvals of it. */
const APPROVED_CONTENT = {
  content: z.record(z.string(), z.unknown()),
  approvals: z.array(Approval),
};
/** Which filing of which obligation: its rule, jurisdiction and 1 (the filing), 2… (supplements). */
const FILING_OF = {
  ruleId: z.string(),
  jurisdiction: z.string(),
  sequence: z.number().int(),
};

const Notice = z.object({
  id: z.uuid(),
  ...DRAFTED,
  revisedBy: z.string().nullable(),
  ...DECIDED,
  preapprovedNoticeId: z.string().nullable(),
  ...APPROVED_CONTENT,
});

/**
 * One version of a filing packet (core/use-cases/packets.ts): what was filed with an authority other
 * than the individuals, element by element (`content.packet`), its hash and who approved it.
 */
const PacketVersion = z.object({
  id: z.uuid(),
  /** `<ruleId>@<jurisdiction>#<sequence>`: the obligation's rule and jurisdiction, 1 the filing, 2… supplements. */
  subject: z.string(),
  ...FILING_OF,
  ...DRAFTED,
  /** Who wrote this version's values (null: drafted from the incident); they may not approve it. */
  revisedBy: z.string().nullable(),
  revisedByName: z.string().nullable(),
  ...DECIDED,
  ...APPROVED_CONTENT,
});

/**
 * The proof that an authority got its packet (core/use-cases/filings.ts): an email Forthright sent
 * (the relay's answer and the message's SHA-256) or a filing a person recorded (the authority's
 * reference and the receipt's SHA-256). The message and the receipt themselves are files beside
 * the dossier (`files`).
 */
const FilingProof = z.object({
  id: z.uuid(),
  ...FILING_OF,
  /** The approved packet version filed, and the hash its approvers approved. */
  packetId: z.uuid(),
  packetHash: z.string(),
  channel: z.string(),
  status: z.string(),
  filedAt: NullableTimestamp,
  reference: z.string().nullable(),
  recordedBy: z.string().nullable(),
  recordedByName: z.string().nullable(),
  createdAt: Timestamp,
  recipient: z.string().nullable(),
  messageId: z.string().nullable(),
  attempts: z.number().int(),
  committedAt: NullableTimestamp,
  messageSha256: Sha256.nullable(),
  relayResponse: z.string().nullable(),
  /** Failed with no answer after the relay held the message: it may have arrived. */
  uncertain: z.boolean(),
  receiptFilename: z.string().nullable(),
  receiptContentType: z.string().nullable(),
  receiptSha256: Sha256.nullable(),
  receiptBytes: z.number().int().nullable(),
  /**
   * The proof's own files in the dossier's directory, listed with their SHA-256 in manifest.json:
   * the receipt as uploaded (its hash is `receiptSha256`) and the email as handed to the relay
   * (`messageSha256`); null where there is none.
   */
  files: z.object({ receipt: z.string().nullable(), message: z.string().nullable() }),
});

/** An obligation the approval of a determination changed: set aside, created, changed, or held. */
const DeterminationEffect = z.object({
  change: z.enum(['not_required', 'created', 'changed', 'held']),
  obligationId: z.uuid(),
  ruleId: z.string(),
  jurisdiction: z.string(),
  audience: z.string(),
  citation: z.string(),
  statusBefore: z.string().nullable(),
  statusAfter: z.string(),
  /** The reason the obligation now carries (a set-aside one names the determination). */
  reason: z.string().nullable(),
  dueAt: NullableTimestamp,
});

/**
 * A determination (core/use-cases/determinations.ts): the judgement, its scope, reason and facts,
 * who proposed and who (a second person) decided, and what its approval changed.
 */
const DeterminationRecord = z.object({
  id: z.uuid(),
  kind: z.string(),
  status: z.string(),
  ruleIds: z.array(z.string()),
  jurisdictions: z.array(z.string()),
  obligationIds: z.array(z.string()),
  leadJurisdiction: z.string().nullable(),
  requestForm: z.string().nullable(),
  reason: z.string(),
  facts: z.array(z.string()),
  proposedBy: z.string(),
  proposedByName: z.string(),
  proposedAt: Timestamp,
  ...DECIDED,
  withdrawnBy: z.string().nullable(),
  withdrawnByName: z.string().nullable(),
  withdrawnAt: NullableTimestamp,
  withdrawalReason: z.string().nullable(),
  /** Empty unless approved: the obligations its approval changed (the re-assessment, or the hold). */
  effect: z.array(DeterminationEffect),
  /** Empty unless an approved one was withdrawn: what the withdrawal's re-assessment changed back. */
  withdrawalEffect: z.array(DeterminationEffect),
});

/** A filing, delay, hold or determination, as the audit trail recorded it. */
const RecordedAction = z.object({
  eventId: z.string(),
  at: Timestamp,
  actor: z.string(),
  action: z.string(),
  detail: z.record(z.string(), z.unknown()),
});

export type PacketVersion = z.infer<typeof PacketVersion>;
export type FilingProof = z.infer<typeof FilingProof>;
export type DeterminationRecord = z.infer<typeof DeterminationRecord>;
export type DeterminationEffect = z.infer<typeof DeterminationEffect>;

export const DeliveryLogEntry = z.object({
  customerId: z.number().int(),
  referenceCode: z.string(),
  fullName: z.string(),
  /** Null: the person had no email address when identified. */
  email: z.string().nullable(),
  representativeName: z.string().nullable(),
  representativeEmail: z.string().nullable(),
  jurisdiction: z.string(),
  status: z.string(),
  mergedInto: z.number().int().nullable(),
  acknowledgedAt: NullableTimestamp,
  noticeVersion: z.number().int().nullable(),
  deliveryStatus: z.string().nullable(),
  recipient: z.string().nullable(),
  messageId: z.string().nullable(),
  attempts: z.number().int(),
  claimedAt: NullableTimestamp,
  sentAt: NullableTimestamp,
  lastReply: z.string().nullable(),
  contentHash: z.string().nullable(),
});
export type DeliveryLogEntry = z.infer<typeof DeliveryLogEntry>;

export const AuditEventEntry = z.object({
  id: z.string(),
  chainSeq: z.string(),
  at: Timestamp,
  actor: z.string(),
  action: z.string(),
  detail: z.unknown(),
  /** `detail` exactly as stored: what the event's hash covers. */
  detailText: z.string(),
  dedupeKey: z.string().nullable(),
  prevId: z.string().nullable(),
  prevHash: z.string().nullable(),
  hash: z.string(),
});
export type AuditEventEntry = z.infer<typeof AuditEventEntry>;

const Verification = z.object({
  ok: z.boolean(),
  events: z.number().int(),
  /** One line per break (altered, removed, inserted, relinked), as `npm run audit:verify` prints. */
  breaks: z.array(z.string()),
  head: z.object({ id: z.string(), chainSeq: z.string(), at: Timestamp, hash: Sha256 }).nullable(),
});

/** Everything but the two long lists: small, built in memory, written first. */
export const DossierHeader = z.object({
  format: z.literal(DOSSIER_FORMAT),
  generatedAt: Timestamp,
  generatedBy: z.object({ id: z.string(), role: z.string() }),
  incident: z.object({
    id: z.uuid(),
    workflowId: z.string(),
    openedBy: z.string(),
    openedByName: z.string(),
    createdAt: Timestamp,
    facts: Facts,
    factVersions: z.array(FactVersion),
  }),
  rulesVersion: z.string().nullable(),
  obligations: z.array(Obligation),
  notices: z.array(Notice),
  packets: z.array(PacketVersion),
  filings: z.array(FilingProof),
  determinations: z.array(DeterminationRecord),
  /** What the audit trail recorded about filings, determinations, holds and assessments, in chain order. */
  recordedActions: z.array(RecordedAction),
  deliverySummary: z.object({
    people: z.record(z.string(), z.number().int()),
    deliveries: z.record(z.string(), z.number().int()),
  }),
  auditVerification: Verification,
});
export type DossierHeader = z.infer<typeof DossierHeader>;

/** dossier.json: the header's fields, then the delivery log and the audit chain, in full. */
export const Dossier = DossierHeader.extend({
  deliveries: z.array(DeliveryLogEntry),
  auditEvents: z.array(AuditEventEntry),
});
export type Dossier = z.infer<typeof Dossier>;

export const DossierManifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  incidentId: z.uuid(),
  generatedAt: Timestamp,
  generatedBy: z.string(),
  /** The audit chain's head when the dossier was read (the export's own entry comes after it). */
  auditHeadHash: Sha256.nullable(),
  files: z.array(
    z.object({ name: z.string(), mediaType: z.string(), bytes: z.number().int(), sha256: Sha256 }),
  ),
});
export type DossierManifest = z.infer<typeof DossierManifest>;
