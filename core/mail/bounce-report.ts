import { simpleParser } from 'mailparser';
import type { BounceOutcome } from '../domain/model';

/*
 * What a message sent back to a notice's return path says, read with mailparser:
 *
 * - a delivery status notification (RFC 3464): multipart/report; report-type=delivery-status, whose
 *   message/delivery-status part holds per-recipient fields: `Action` (failed, delayed, delivered,
 *   relayed, expanded), `Status` (RFC 3463: 5.x.x permanent, 4.x.x persistent transient, 2.x.x
 *   success) and `Diagnostic-Code` (the remote server's words). RFC 6533's
 *   message/global-delivery-status is read the same way;
 * - a feedback report (RFC 5965, ARF): multipart/report; report-type=feedback-report — the person's
 *   mailbox provider says they marked the notice as spam. It reached them: a `complaint`;
 * - anything else (an old-style bounce written for people, an auto-reply): `unknown`. Its words are
 *   not parsed for hints: a guess that took a person's "notified" away would be worse than none.
 *
 * Only the report's own fields are kept; the returned copy of the notice that many reports carry
 * (personal data) is never read or stored.
 */

export interface BounceReport {
  kind: 'delivery-status' | 'feedback' | 'plain';
  outcome: BounceOutcome;
  /** The RFC 3463 status code, e.g. `5.1.1`; null when the report gives none. */
  status: string | null;
  /** The remote server's diagnostic (DSN `Diagnostic-Code`) or the feedback type, shortened. */
  diagnostic: string | null;
  /** The report's own Message-ID, as written; null when it has none. */
  messageId: string | null;
}

const DIAGNOSTIC_MAX = 500;
const DSN_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);

/** Reads a report from the raw message (RFC 5322 bytes as received). */
export async function parseBounceReport(raw: Buffer): Promise<BounceReport> {
  const mail = await simpleParser(raw, {
    // Without it mailparser folds the delivery-status part into the text body.
    keepDeliveryStatus: true,
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
  });
  const messageId = mail.messageId ?? null;
  const part = (types: Set<string>) => mail.attachments.find((a) => types.has(a.contentType.toLowerCase()));

  const dsn = part(DSN_TYPES);
  if (dsn) return { kind: 'delivery-status', ...readDeliveryStatus(dsn.content.toString('utf8')), messageId };

  const feedback = part(new Set(['message/feedback-report']));
  if (feedback) {
    const fields = fieldGroups(feedback.content.toString('utf8'))[0] ?? new Map<string, string>();
    const type = fields.get('feedback-type');
    return {
      kind: 'feedback',
      outcome: 'complaint',
      status: null,
      diagnostic: type ? shorten(`feedback-type: ${type}`) : null,
      messageId,
    };
  }
  return { kind: 'plain', outcome: 'unknown', status: null, diagnostic: null, messageId };
}

/** The worst outcome any recipient block of a delivery-status part reports, with its code and words. */
export function readDeliveryStatus(text: string): Pick<BounceReport, 'outcome' | 'status' | 'diagnostic'> {
  // The first group is about the message (Reporting-MTA …); each later one about one recipient.
  const recipients = fieldGroups(text).slice(1);
  let worst: Pick<BounceReport, 'outcome' | 'status' | 'diagnostic'> = {
    outcome: 'unknown',
    status: null,
    diagnostic: null,
  };
  for (const fields of recipients) {
    const status = /\b([245])\.\d{1,3}\.\d{1,3}\b/.exec(fields.get('status') ?? '');
    const outcome = outcomeOf((fields.get('action') ?? '').toLowerCase(), status?.[1]);
    if (SEVERITY[outcome] > SEVERITY[worst.outcome]) {
      const diagnostic = fields.get('diagnostic-code');
      worst = { outcome, status: status?.[0] ?? null, diagnostic: diagnostic ? shorten(diagnostic) : null };
    }
  }
  return worst;
}

/** Which outcome wins when a report names several recipients (with VERP there is one). */
const SEVERITY: Record<BounceOutcome, number> = {
  unknown: 0,
  delivered: 1,
  complaint: 1,
  delayed: 2,
  failed: 3,
};

/**
 * RFC 3464 2.3.3: `Action` says what happened; the status code's class only stands in when the
 * action is missing or not one of the five. `failed` is final even with a 4.x.x code (the remote
 * gave up retrying a temporary failure): the notice did not arrive.
 */
function outcomeOf(action: string, statusClass: string | undefined): BounceOutcome {
  if (action === 'failed') return 'failed';
  if (action === 'delayed') return 'delayed';
  if (action === 'delivered' || action === 'relayed' || action === 'expanded') return 'delivered';
  if (statusClass === '5') return 'failed';
  if (statusClass === '4') return 'delayed';
  if (statusClass === '2') return 'delivered';
  return 'unknown';
}

/** RFC 822-style field groups separated by blank lines, names lower-cased, folded lines joined. */
function fieldGroups(text: string): Map<string, string>[] {
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((group) => {
      const fields = new Map<string, string>();
      for (const line of group.replace(/\n[ \t]+/g, ' ').split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      return fields;
    })
    .filter((fields) => fields.size > 0);
}

const shorten = (s: string) => (s.length > DIAGNOSTIC_MAX ? `${s.slice(0, DIAGNOSTIC_MAX - 1)}…` : s);
