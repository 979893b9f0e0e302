import SMTPConnection from 'nodemailer/lib/smtp-connection';

/**
 * Reports about sent notices as remote mail servers write them, for the bounce listener's tests:
 * RFC 3464 delivery status notifications, RFC 5965 feedback reports, and an old-style bounce with no
 * report part; and a client that delivers one over SMTP, as a remote server would.
 */

const CRLF = (lines: string[]) => lines.join('\r\n');

export interface DsnSpec {
  /** The return path the report goes to (the notice's envelope sender). */
  to: string;
  action: 'failed' | 'delayed' | 'delivered' | null;
  status: string | null;
  diagnostic?: string;
  /** The report's own Message-ID. @default a fixed one per action and status */
  messageId?: string;
  /** The notice's recipient, as the report names it. */
  recipient?: string;
}

/** A long field folded at a space after 40 characters, as MTAs write long diagnostics. */
function folded(field: string): string[] {
  const cut = field.indexOf(' ', 40);
  return cut < 0 ? [field] : [field.slice(0, cut), ` ${field.slice(cut + 1)}`];
}

/** A DSN (multipart/report; report-type=delivery-status) quoting the original headers. */
export function dsn(spec: DsnSpec): string {
  const recipient = spec.recipient ?? 'someone@example.org';
  const fields = [
    `Final-Recipient: rfc822; ${recipient}`,
    ...(spec.action ? [`Action: ${spec.action}`] : []),
    ...(spec.status ? [`Status: ${spec.status}`] : []),
    ...(spec.diagnostic ? folded(`Diagnostic-Code: smtp; ${spec.diagnostic}`) : []),
  ];
  return CRLF([
    'From: Mail Delivery System <MAILER-DAEMON@relay.example.net>',
    `To: ${spec.to}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: ${spec.messageId ?? `<dsn.${spec.action}.${spec.status}@relay.example.net>`}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-boundary"',
    '',
    '--dsn-boundary',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host relay.example.net. Your message could not be delivered.',
    '',
    '--dsn-boundary',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; relay.example.net',
    'Arrival-Date: Mon, 7 Dec 2026 06:00:00 +0000',
    '',
    ...fields,
    '',
    '--dsn-boundary',
    'Content-Type: text/rfc822-headers',
    '',
    'From: Example Corp Privacy Office <privacy@example.com>',
    `To: ${recipient}`,
    'Subject: Important information about your data',
    '',
    '--dsn-boundary--',
    '',
  ]);
}

/** A feedback report (RFC 5965: the person marked the notice as spam), quoting the notice. */
export function arf(to: string): string {
  return CRLF([
    'From: Feedback Loop <fbl@isp.example>',
    `To: ${to}`,
    'Subject: Abuse report',
    'Message-ID: <arf.1@isp.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="arf-boundary"',
    '',
    '--arf-boundary',
    'Content-Type: text/plain',
    '',
    'This is an email abuse report for a message received from the sender below.',
    '',
    '--arf-boundary',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: ExampleFBL/1.0',
    'Version: 1',
    `Original-Mail-From: <${to}>`,
    '',
    '--arf-boundary',
    'Content-Type: message/rfc822',
    '',
    'From: Example Corp Privacy Office <privacy@example.com>',
    'To: someone@example.org',
    'Subject: Important information about your data',
    '',
    'Dear customer, your card ending 4242 was exposed.',
    '--arf-boundary--',
    '',
  ]);
}

/** A bounce written for people only, with no delivery-status part. */
export function plainBounce(to: string): string {
  return CRLF([
    'From: postmaster@old.example',
    `To: ${to}`,
    'Subject: Returned mail: see transcript for details',
    'Message-ID: <plain.1@old.example>',
    '',
    'The original message was received but could not be delivered: user unknown (550).',
    '',
  ]);
}

/** What the listener answered a report: accepted (250), or the code it refused with. */
export type Answer = { accepted: true } | { accepted: false; code: number | undefined; response: string };

/** Delivers `raw` to `port` from the null sender `<>` to `to`, as a remote mail server returns a report. */
export function deliverReport(port: number, to: string, raw: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const connection = new SMTPConnection({
      host: '127.0.0.1',
      port,
      ignoreTLS: true,
      allowInternalNetworkInterfaces: true,
    } as SMTPConnection.Options);
    connection.once('error', reject);
    connection.connect(() => {
      connection.send({ from: '', to: [to] }, raw, (err) => {
        connection.quit();
        if (!err) return resolve({ accepted: true });
        const e = err as {
          responseCode?: number;
          response?: string;
          rejectedErrors?: { responseCode?: number; response?: string }[];
        };
        const first = e.rejectedErrors?.[0];
        resolve({
          accepted: false,
          code: e.responseCode ?? first?.responseCode,
          response: e.response ?? first?.response ?? err.message,
        });
      });
    });
  });
}
