import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import * as audit from '../db/audit';
import * as filings from '../db/filings';
import type { Filing, FilingKey, Receipt } from '../db/filings';
import * as incidents from '../db/incidents';
import * as notices from '../db/notices';
import type { Notice } from '../db/notices';
import * as obligations from '../db/obligations';
import type { Pool, Queryable } from '../db/pool';
import { inTransaction } from '../db/pool';
import { addressOf } from '../delivery/notice-message';
import { PROOF_STATUSES, filingMessageId } from '../domain/filings';
import type { FilingStatus, RecordedChannel } from '../domain/filings';
import {
  ConflictError,
  IncidentNotFoundError,
  LeaseLostError,
  NotFoundError,
  ValidationError,
} from '../errors';
import { sha256Hex } from '../hash';
import { composeMessage } from '../mail/compose';
import { sendOnce, unansweredCommitReply } from '../mail/send-once';
import type { MailSender } from '../mail/smtp-pool';
import type { TemplateCache } from '../mail/template-cache';
import { approvedPacket, parsePacketSubject, renderPacketMail } from './packets';
import type { Actor } from './types';

/*
 * Proof of filing (issue 15 item 3). An obligation to tell an authority, agency or the media is met
 * only with proof that its approved packet (core/use-cases/packets.ts) reached them:
 * - sent by Forthright, where the authority takes email: `requestFilingEmail` claims the filing and
 *   the API starts `filingEmailWorkflow`, whose activity `sendFilingEmail` sends it exactly once and
 *   keeps the message and the relay's answer;
 * - filed by a person (portal, post, fax, other): `recordFiling`, with the date and time, the
 *   reference the authority gave and the receipt, stored with its SHA-256.
 * Supplements (GDPR Art. 33(4) phasing, corrections) are further filings on the same obligation,
 * sequence 2, 3, …; only the first filing (sequence 1) meets the obligation.
 *
 * ## Exactly one email, and never one sent blind
 * The email follows the delivery's commit point (core/delivery/shard-pass.ts, core/mail/smtp-pool.ts):
 * the filing's `committed_at` is written once the relay holds the whole message and before the final
 * "." that makes it take it, by exactly one attempt (its lease). So a retried attempt finds either
 * - no commit: the relay discarded whatever it had; sending again is safe (same Message-ID);
 * - a commit without the relay's answer: the message may have arrived. It is not sent again: the
 *   filing becomes `failed` and `uncertain`, for a person to check with the authority, then record
 *   the filing with its receipt or ask for the email again (`resend`). A late answer for the attempt
 *   that committed still records it `sent`.
 */

/** What the email path needs: the worker's SMTP pool and templates, besides the pool. */
export interface FilingEmailDeps {
  pool: Pool;
  smtp: MailSender;
  templates: TemplateCache;
  config: Readonly<Config>;
}

/** The filing a packet is for: its incident and its subject's rule, jurisdiction and sequence. */
function keyOfPacket(packet: Notice): FilingKey {
  const key = parsePacketSubject(packet.subject);
  if (!key) throw new ConflictError(`Notice ${packet.id} is not a filing packet`);
  return { incidentId: packet.incidentId, ...key };
}

/**
 * The packet `packetId` of the incident, which must be the approved version of its filing (not a
 * draft, nor a version since replaced). Throws IncidentNotFoundError, NotFoundError, ConflictError.
 */
async function approvedPacketOf(
  db: Queryable,
  incidentId: string,
  packetId: string,
): Promise<{ packet: Notice; key: FilingKey }> {
  if (!(await incidents.get(db, incidentId))) throw new IncidentNotFoundError(incidentId);
  const packet = await notices.get(db, packetId);
  if (!packet || packet.incidentId !== incidentId || packet.audience !== 'filing_packet') {
    throw new NotFoundError(`No filing packet ${packetId}`);
  }
  const key = keyOfPacket(packet);
  const approved = await approvedPacket(db, key);
  if (packet.status !== 'approved' || approved?.id !== packet.id) {
    throw new ConflictError(
      approved
        ? `Packet ${packetId} is not the approved version of this filing: file ${approved.id}`
        : `Packet ${packetId} is not approved: a filing carries the approved packet only`,
    );
  }
  if (key.sequence > 1) {
    // A supplement adds to or corrects what was filed (GDPR Art. 33(4)): the filing goes first.
    const first = await filings.lockByKey(db, { ...key, sequence: 1 });
    if (!first || !PROOF_STATUSES.includes(first.status)) {
      throw new ConflictError('The filing itself has no proof yet: file it before its supplements');
    }
  }
  return { packet, key };
}

/** The address the authority takes filings by email at, from the packet; null when it takes none. */
function authorityEmail(packet: Notice): string | null {
  return packet.content.packet?.submission.email ?? null;
}

/**
 * Marks the obligation a filing belongs to met, when it is the filing itself (sequence 1): the
 * current obligation of its rule and jurisdiction. Returns its id (null when there is none).
 */
async function meetObligation(tx: Queryable, key: FilingKey): Promise<string | null> {
  const obligation = (await obligations.current(tx, key.incidentId)).find(
    (o) => o.ruleId === key.ruleId && o.jurisdiction === key.jurisdiction,
  );
  if (!obligation) return null;
  if (key.sequence === 1) await obligations.markMet(tx, [obligation.id]);
  return obligation.id;
}

/** A receipt as uploaded (the route decodes it from base64). */
export interface ReceiptUpload {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** A filing made by a person through the authority's portal, by post, by fax or otherwise. */
export interface RecordFilingInput {
  incidentId: string;
  packetId: string;
  channel: RecordedChannel;
  /** When it was filed; not in the future. */
  filedAt: Date;
  /** The reference number the authority gave. */
  reference: string;
  receipt: ReceiptUpload;
}

/** A minute of clock skew between the filer's machine and ours. */
const SKEW_MS = 60_000;

/**
 * Records a filing made by a person: the approved packet, the channel, when, the authority's
 * reference and its receipt (stored with its SHA-256), with its `filing_recorded` audit entry; a
 * filing (sequence 1) meets its obligation. Also where an email of the same filing failed (the
 * person filed another way). Throws ValidationError naming the field, NotFoundError, ConflictError
 * (not approved, or already filed).
 */
export async function recordFiling(
  deps: { pool: Pool },
  actor: Actor,
  input: RecordFilingInput,
): Promise<Filing> {
  if (input.filedAt.getTime() > Date.now() + SKEW_MS) {
    throw new ValidationError('filedAt: must not be in the future', 'filedAt');
  }
  if (input.receipt.content.length === 0) {
    throw new ValidationError('receipt.base64: the receipt is empty', 'receipt.base64');
  }
  const receiptSha256 = sha256Hex(input.receipt.content);
  return inTransaction(deps.pool, async (tx) => {
    const { packet, key } = await approvedPacketOf(tx, input.incidentId, input.packetId);
    const id = randomUUID();
    const recorded = await filings.record(tx, {
      ...key,
      id,
      packetId: packet.id,
      packetHash: packet.contentHash,
      channel: input.channel,
      filedAt: input.filedAt,
      reference: input.reference,
      recordedBy: actor.id,
      receipt: { ...input.receipt, sha256: receiptSha256 },
    });
    const filing = (await filings.lockByKey(tx, key))!;
    if (!recorded) throw new ConflictError(alreadyMessage(filing));
    const obligationId = await meetObligation(tx, key);
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: 'filing_recorded',
      detail: {
        filingId: filing.id,
        obligationId,
        // A re-assessment's new row for the same rule and jurisdiction carries the filing over.
        ruleId: key.ruleId,
        jurisdiction: key.jurisdiction,
        sequence: key.sequence,
        packetId: packet.id,
        packetHash: packet.contentHash,
        channel: input.channel,
        filedAt: input.filedAt.toISOString(),
        reference: input.reference,
        receiptFilename: input.receipt.filename,
        receiptContentType: input.receipt.contentType,
        receiptBytes: input.receipt.content.length,
        receiptSha256,
      },
    });
    return filing;
  });
}

function alreadyMessage(filing: Filing): string {
  const which = filing.sequence === 1 ? 'This filing' : `Supplement ${filing.sequence - 1}`;
  switch (filing.status) {
    case 'sending':
      return `${which} is being sent by email (${filing.recipient ?? ''})`;
    case 'sent':
      return `${which} was sent by email on ${filing.filedAt?.toISOString() ?? '?'}`;
    case 'recorded':
      return `${which} was recorded as filed (${filing.channel}, reference ${filing.reference ?? ''})`;
    case 'failed':
      return `${which} failed by email`;
  }
}

/**
 * Claims the email of an approved packet to the authority's address (from the packet), in one
 * transaction with its `filing_email_requested` audit entry; the caller then starts
 * `filingEmailWorkflow` (api/temporal-client.ts `startFilingEmail`). Asked again while it is being
 * sent: the same filing (starting the workflow again finds the running one). A failed email is taken
 * up again — one that may have arrived (`uncertain`) only with `resend`. Throws NotFoundError,
 * ConflictError (not approved; the authority takes no email; already filed; uncertain without resend).
 */
export async function requestFilingEmail(
  deps: { pool: Pool; config: Readonly<Config> },
  actor: Actor,
  input: { incidentId: string; packetId: string; resend?: boolean | undefined },
): Promise<Filing> {
  return inTransaction(deps.pool, async (tx) => {
    const { packet, key } = await approvedPacketOf(tx, input.incidentId, input.packetId);
    const recipient = authorityEmail(packet);
    if (!recipient) {
      throw new ConflictError(
        'This authority takes no filing by email: export the packet, file it, and record the filing with its receipt',
      );
    }
    const existing = await filings.lockByKey(tx, key);
    if (existing?.status === 'sending') return existing;
    if (existing && existing.status !== 'failed') throw new ConflictError(alreadyMessage(existing));
    if (existing?.uncertain && !input.resend) {
      throw new ConflictError(
        `The email of this filing may have reached the authority (no answer after the relay held it: ${existing.relayResponse ?? ''}). Check with the authority, then record the filing with its receipt, or send it again with resend: true`,
      );
    }
    const id = existing?.id ?? randomUUID();
    const domain = addressOf(deps.config.mail.from).split('@')[1] ?? 'localhost';
    const claimed = await filings.claimEmail(tx, {
      ...key,
      id,
      packetId: packet.id,
      packetHash: packet.contentHash,
      recipient,
      messageId: filingMessageId(id, domain),
      recordedBy: actor.id,
    });
    const filing = (await filings.lockByKey(tx, key))!;
    // A concurrent request claimed it first: that one is the request (and its audit entry).
    if (!claimed) {
      if (filing.status === 'sending') return filing;
      throw new ConflictError(alreadyMessage(filing));
    }
    await audit.append(tx, {
      incidentId: input.incidentId,
      actor: actor.id,
      action: 'filing_email_requested',
      detail: {
        filingId: filing.id,
        ruleId: key.ruleId,
        jurisdiction: key.jurisdiction,
        sequence: key.sequence,
        packetId: packet.id,
        packetHash: packet.contentHash,
        recipient,
        messageId: filing.messageId,
        ...(existing ? { again: true, previousResponse: existing.relayResponse } : {}),
      },
    });
    return filing;
  });
}

/** What became of a filing's email: ids and a status only (it passes through workflow histories). */
export interface FilingEmailOutcome {
  filingId: string;
  status: FilingStatus;
}

/**
 * Sends a claimed filing's email exactly once (see the comment at the top of this file): renders
 * the approved packet, composes it with its stable Message-ID, records the commit point with the
 * message, and keeps the relay's answer — `sent`, its obligation met (a filing, not a supplement),
 * audited `filing_sent`. Safe to call again at any time:
 * - already sent, recorded or failed: nothing is sent; its status is returned;
 * - committed by an earlier attempt without an answer: `failed` and `uncertain`, never sent again;
 * - a permanent refusal: `failed`; a temporary one (or no connection) throws, for a retry.
 * Throws NotFoundError for an unknown filing.
 */
export async function sendFilingEmail(deps: FilingEmailDeps, filingId: string): Promise<FilingEmailOutcome> {
  const { pool, config } = deps;
  const filing = await filings.get(pool, filingId);
  if (!filing) throw new NotFoundError(`No filing ${filingId}`);
  const outcome = (status: FilingStatus): FilingEmailOutcome => ({ filingId, status });
  if (filing.status !== 'sending') return outcome(filing.status);
  if (filing.committedAt) {
    await failEmail(pool, filing, {
      reply: unansweredCommitReply(filing.attempts, filing.relayResponse),
      uncertain: true,
    });
    return outcome('failed');
  }

  const packet = await notices.get(pool, filing.packetId);
  if (!packet) throw new NotFoundError(`No filing packet ${filing.packetId}`);
  const mail = await renderPacketMail(deps, packet);
  const raw = await composeMessage({
    from: config.mail.from,
    to: filing.recipient!,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: filing.messageId!,
    headers: {},
    // Claimed at: every attempt composes the same message.
    date: filing.createdAt,
  });
  const lease = randomUUID();
  const result = await sendOnce(
    deps.smtp,
    { from: addressOf(config.mail.from), to: filing.recipient! },
    raw,
    {
      commit: async () => {
        if (!(await filings.markCommitted(pool, filingId, lease, { raw, sha256: sha256Hex(raw) }))) {
          throw new LeaseLostError(`filing ${filingId} was taken over by another attempt`);
        }
      },
      undo: (reply) => filings.undoCommit(pool, filingId, lease, reply),
    },
  );
  if (!result.sent) {
    await failEmail(pool, filing, { reply: result.reply, uncertain: result.uncertain });
    return outcome('failed');
  }
  const { reply } = result;
  const sent = await inTransaction(pool, async (tx) => {
    if (!(await filings.markSent(tx, filingId, lease, reply))) return false;
    const obligationId = await meetObligation(tx, filing);
    await audit.append(tx, {
      incidentId: filing.incidentId,
      actor: 'system',
      action: 'filing_sent',
      detail: {
        filingId,
        obligationId,
        ruleId: filing.ruleId,
        jurisdiction: filing.jurisdiction,
        sequence: filing.sequence,
        packetId: filing.packetId,
        packetHash: filing.packetHash,
        recipient: filing.recipient,
        messageId: filing.messageId,
        messageSha256: sha256Hex(raw),
        relayResponse: reply,
      },
    });
    return true;
  });
  return outcome(sent ? 'sent' : ((await filings.get(pool, filingId))?.status ?? 'failed'));
}

/** Marks a `sending` email failed, with its audit entry, in one transaction. */
async function failEmail(
  pool: Pool,
  filing: Filing,
  outcome: { reply: string; uncertain: boolean },
): Promise<void> {
  await inTransaction(pool, async (tx) => {
    if (!(await filings.markFailed(tx, filing.id, outcome))) return;
    await audit.append(tx, {
      incidentId: filing.incidentId,
      actor: 'system',
      action: outcome.uncertain ? 'filing_email_unconfirmed' : 'filing_email_failed',
      detail: {
        filingId: filing.id,
        ruleId: filing.ruleId,
        jurisdiction: filing.jurisdiction,
        sequence: filing.sequence,
        packetId: filing.packetId,
        recipient: filing.recipient,
        messageId: filing.messageId,
        relayResponse: outcome.reply,
      },
    });
  });
}

/**
 * Gives up on a filing's email after the workflow's retries (the relay kept refusing for now, or
 * could not be reached): `failed`, `uncertain` when an attempt had passed the commit point. Idempotent.
 */
export async function giveUpFilingEmail(
  deps: { pool: Pool },
  input: { filingId: string; reason: string },
): Promise<FilingEmailOutcome> {
  const filing = await filings.get(deps.pool, input.filingId);
  if (!filing) throw new NotFoundError(`No filing ${input.filingId}`);
  if (filing.status === 'sending') {
    await failEmail(deps.pool, filing, {
      reply: `${filing.relayResponse ?? input.reason} (given up after the retries)`,
      uncertain: filing.committedAt !== null,
    });
  }
  return { filingId: filing.id, status: (await filings.get(deps.pool, filing.id))!.status };
}

/** An incident's filings (no blobs). Throws IncidentNotFoundError. */
export async function listFilings(deps: { pool: Pool }, incidentId: string): Promise<Filing[]> {
  if (!(await incidents.get(deps.pool, incidentId))) throw new IncidentNotFoundError(incidentId);
  return filings.listForIncident(deps.pool, incidentId);
}

/** The receipt of one of the incident's recorded filings. Throws NotFoundError. */
export async function filingReceipt(
  deps: { pool: Pool },
  input: { incidentId: string; filingId: string },
): Promise<Receipt> {
  const found = await filings.receipt(deps.pool, input.incidentId, input.filingId);
  if (!found) throw new NotFoundError(`No receipt for filing ${input.filingId}`);
  return found;
}

/**
 * The email of one of the incident's filings exactly as it was handed to the relay (RFC 5322), with
 * its SHA-256: the copy of what the authority was sent. Throws NotFoundError (no such filing, or
 * never handed over).
 */
export async function filingMessage(
  deps: { pool: Pool },
  input: { incidentId: string; filingId: string },
): Promise<{ content: Buffer; sha256: string; messageId: string }> {
  const filing = await filings.get(deps.pool, input.filingId);
  const content =
    filing?.incidentId === input.incidentId ? await filings.message(deps.pool, filing.id) : null;
  if (!filing || !content) throw new NotFoundError(`No message for filing ${input.filingId}`);
  return { content, sha256: sha256Hex(content), messageId: filing.messageId ?? '' };
}
