import { z } from 'zod';
import { APPROVAL_DECISIONS, AUDIENCES, NOTICE_STATUSES } from '../../core/domain/model';
import {
  PACKET_ELEMENT_KEYS,
  PACKET_ELEMENT_SOURCES,
  PACKET_FAMILIES,
  PACKET_KINDS,
  SUBMISSION_CHANNELS,
} from '../../core/law/packets';
import { PACKET_STATES } from '../../core/use-cases/packets';

/** Payloads of the filing-packet routes (api/routes/packets.ts). */

export const PacketParams = z.strictObject({
  id: z.uuid({ message: 'must be a UUID' }),
  packetId: z.uuid({ message: 'must be a UUID' }),
});

export const ObligationParams = z.strictObject({
  id: z.uuid({ message: 'must be a UUID' }),
  obligationId: z.uuid({ message: 'must be a UUID' }),
});

const Element = z.object({
  key: z.enum(PACKET_ELEMENT_KEYS),
  label: z.string(),
  citation: z.string(),
  value: z.string(),
  source: z.enum(PACKET_ELEMENT_SOURCES),
  required: z.boolean(),
});

export const PacketContent = z.object({
  ruleId: z.string(),
  jurisdiction: z.string(),
  sequence: z.number(),
  kind: z.enum(PACKET_KINDS),
  family: z.enum(PACKET_FAMILIES),
  audience: z.enum(AUDIENCES),
  regime: z.string(),
  citation: z.string(),
  authority: z.object({
    name: z.string(),
    website: z.string().optional(),
    phone: z.string().optional(),
    postalAddress: z.string().optional(),
    email: z.string().optional(),
  }),
  submission: z.object({
    channel: z.enum(SUBMISSION_CHANNELS),
    address: z.string().nullable(),
    email: z.string().nullable(),
    note: z.string(),
  }),
  language: z.string(),
  counts: z.object({ statute: z.number(), people: z.number(), records: z.number() }),
  phased: z.boolean(),
  phasing: z.string().nullable(),
  elements: z.array(Element),
  uncertain: z.string().nullable(),
});

/** One version of a packet (a notice of audience `filing_packet`). */
export const PacketVersion = z.object({
  id: z.uuid(),
  incidentId: z.uuid(),
  audience: z.literal('filing_packet'),
  subject: z.string(),
  version: z.number(),
  status: z.enum(NOTICE_STATUSES),
  templateVersion: z.string(),
  contentHash: z.string(),
  draftedAt: z.date(),
  decidedBy: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decidedAt: z.date().nullable(),
  decisionComment: z.string().nullable(),
  revisedBy: z.string().nullable(),
  content: z.object({
    title: z.string(),
    whatHappened: z.string(),
    whatWeAreDoing: z.string(),
    packet: PacketContent,
  }),
});

const FilingSummary = z
  .object({
    id: z.uuid(),
    sequence: z.number(),
    packetId: z.string(),
    channel: z.string(),
    status: z.string(),
    filedAt: z.date().nullable(),
    reference: z.string().nullable(),
    recipient: z.string().nullable(),
    relayResponse: z.string().nullable(),
    recordedByName: z.string().nullable(),
    receiptFilename: z.string().nullable(),
    receiptSha256: z.string().nullable(),
    uncertain: z.boolean(),
  })
  .nullable();

/** A packet as listed: its newest version, whom it is for, its state. */
export const PacketListItem = PacketVersion.extend({
  ruleId: z.string(),
  jurisdiction: z.string(),
  sequence: z.number(),
  kind: z.enum(PACKET_KINDS),
  obligationAudience: z.string().nullable(),
  obligationId: z.string().nullable(),
  obligationStatus: z.string().nullable(),
  dueAt: z.date().nullable(),
  citation: z.string(),
  state: z.enum(PACKET_STATES),
  missing: z.array(z.enum(PACKET_ELEMENT_KEYS)),
  approvedId: z.string().nullable(),
  filing: FilingSummary,
});

export const PacketList = z.object({ items: z.array(PacketListItem) });

export const PacketDetail = z.object({
  packet: PacketVersion,
  rendered: z.object({ subject: z.string(), html: z.string(), text: z.string() }),
  versions: z.array(PacketVersion),
  item: PacketListItem.nullable(),
});

/** Element key → value; keys are checked against the packet's elements (400 naming `elements.<key>`). */
const ElementValues = z.record(z.string().min(1).max(64), z.string().max(20_000));

export const PacketRevisionBody = z
  .strictObject({
    elements: ElementValues.optional(),
    /** GDPR Art. 33(4): more information will follow. */
    phased: z.boolean().optional(),
    /** Recompute the values the data gives (counts, the customers' notice) where none is given. */
    refresh: z.boolean().optional(),
  })
  .refine((b) => b.elements !== undefined || b.phased !== undefined || b.refresh === true, {
    message: 'give elements, phased or refresh',
    path: ['elements'],
  });

export const PacketDecisionBody = z.strictObject({
  decision: z.enum(APPROVAL_DECISIONS),
  comment: z.string().trim().max(5_000).optional(),
  /** The version's `contentHash` as reviewed: a decision on other content is refused (409). */
  contentHash: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex'),
});

export const PacketDecisionResult = z.object({
  outcome: z.enum(['approved', 'rejected', 'awaiting_quorum']),
  approvals: z.number(),
  quorum: z.number(),
});

export const SupplementBody = z.strictObject({
  /** What the supplement adds or corrects, and why. */
  reason: z.string().trim().min(3).max(5_000),
  elements: ElementValues.optional(),
  /** More information still to follow after this one (GDPR Art. 33(4)); the filing's by default. */
  phased: z.boolean().optional(),
});
