import { z } from 'zod';
import { FILING_CHANNELS, FILING_STATUSES, RECORDED_CHANNELS } from '../../core/domain/filings';
import { Instant } from './common';

/** The largest receipt accepted (decoded): a portal's confirmation page or a scanned postal receipt. */
export const RECEIPT_MAX_BYTES = 10 * 1024 * 1024;
/** The filing route's body limit: the receipt in base64 (4/3 of its size) plus the other fields. */
export const FILING_BODY_LIMIT_BYTES = Math.ceil((RECEIPT_MAX_BYTES * 4) / 3) + 64 * 1024;

export const PacketParams = z.strictObject({ id: z.uuid(), packetId: z.uuid() });
export const FilingParams = z.strictObject({ id: z.uuid(), filingId: z.uuid() });

/** A filing as the API shows it: proof of what reached the authority, no blobs. */
export const Filing = z.object({
  id: z.uuid(),
  incidentId: z.uuid(),
  ruleId: z.string(),
  jurisdiction: z.string(),
  /** 1: the filing (meets the obligation); 2, 3, …: supplements. */
  sequence: z.number(),
  packetId: z.uuid(),
  packetHash: z.string(),
  channel: z.enum(FILING_CHANNELS),
  status: z.enum(FILING_STATUSES),
  filedAt: z.date().nullable(),
  reference: z.string().nullable(),
  recordedBy: z.uuid().nullable(),
  recordedByName: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  /** Email: the authority's address, the stable Message-ID, the relay's last answer. */
  recipient: z.string().nullable(),
  messageId: z.string().nullable(),
  attempts: z.number(),
  committedAt: z.date().nullable(),
  messageSha256: z.string().nullable(),
  relayResponse: z.string().nullable(),
  /** Failed without an answer after the relay held the whole message: it may have arrived. */
  uncertain: z.boolean(),
  receiptFilename: z.string().nullable(),
  receiptContentType: z.string().nullable(),
  receiptSha256: z.string().nullable(),
  receiptBytes: z.number().nullable(),
});
export const FilingList = z.object({ items: z.array(Filing) });

/** Ask Forthright to send the approved packet to the authority's email address (no body: not a resend). */
export const SendPacketBody = z
  .strictObject({
    /**
     * Send again an email that may have reached the authority already (failed with no answer after
     * the relay held it): only after checking with the authority.
     */
    resend: z.boolean().default(false),
  })
  .nullable();

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** The size of what a base64 text decodes to, without decoding it. */
const decodedBytes = (s: string) => (s.length / 4) * 3 - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0);

/** The authority's receipt, uploaded with the filing: stored as given, with its SHA-256. */
export const ReceiptUpload = z.strictObject({
  /** The file's name, e.g. 'ico-confirmation.pdf'; no path. */
  filename: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[^/\\\u0000-\u001f"]+$/, 'must be a file name without a path, quotes or control characters'),
  /** Its media type, e.g. 'application/pdf', 'image/png', 'message/rfc822'. */
  contentType: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/, 'must be a media type such as application/pdf'),
  /** The file's bytes, base64-encoded; at most 10 MiB decoded. */
  base64: z
    .string()
    .min(1, 'the receipt is empty')
    .max(Math.ceil(RECEIPT_MAX_BYTES / 3) * 4, 'the receipt is larger than 10 MiB')
    .refine((s) => s.length % 4 === 0 && BASE64.test(s), 'must be base64')
    .refine((s) => decodedBytes(s) <= RECEIPT_MAX_BYTES, 'the receipt is larger than 10 MiB'),
});

/** A filing made by a person through the authority's portal, by post, fax or otherwise. */
export const RecordFilingBody = z.strictObject({
  channel: z.enum(RECORDED_CHANNELS),
  /** When it was filed (not in the future). */
  filedAt: Instant,
  /** The reference number the authority gave, e.g. the portal's case number. */
  reference: z.string().trim().min(1).max(200),
  receipt: ReceiptUpload,
});
