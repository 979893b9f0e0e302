import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { freePort } from '../../scripts/lib/local-servers';

/**
 * A real SMTP server in the test process, on a free loopback port: what Forthright sends arrives
 * here over the wire, is parsed, and can be inspected; a test can make it refuse chosen recipients
 * to exercise retries and undeliverable handling.
 */

/** One message the sink accepted (answered 250 to). */
export interface CapturedMessage {
  /** MAIL FROM of the SMTP envelope. */
  envelopeFrom: string;
  /** RCPT TO addresses the sink accepted for this message. */
  envelopeTo: string[];
  /** The Message-ID header as written, angle brackets included; '' when absent. */
  messageId: string;
  subject: string;
  text: string;
  /** '' when the message has no HTML part. */
  html: string;
  /** Header values by lower-case name, as written (unfolded); the last wins when repeated. */
  headers: Record<string, string>;
}

/** An SMTP reply a fault injects, e.g. `{ code: 451, message: 'Try again later' }`. */
export interface SmtpReply {
  code: number;
  message: string;
}

export interface SmtpFault extends SmtpReply {
  /** Refuse the recipient at RCPT TO, or the whole message at the end of DATA (after its body arrived). */
  at: 'rcpt' | 'data';
}

export interface SmtpSinkOptions {
  /**
   * Called once for every recipient of every transaction, at RCPT TO; return a fault to refuse, or
   * nothing to accept. `attempt` counts the transactions that named this recipient so far, 1 for
   * the first, so "fail the first try, accept the retry" is `attempt === 1 ? fault : undefined`.
   * @default accept everything
   */
  fault?: (recipient: string, attempt: number) => SmtpFault | undefined;
  /**
   * Count accepted messages and recipients without buffering or parsing bodies (for benchmarks);
   * `messages` stays empty.
   * @default false
   */
  countOnly?: boolean;
}

export interface SmtpRefusal {
  recipient: string;
  at: 'rcpt' | 'data';
  code: number;
  message: string;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`: give it to the code under test as SMTP_URL. */
  url: string;
  port: number;
  /** Accepted messages in arrival order (empty in countOnly mode). */
  messages: CapturedMessage[];
  /** How many messages were accepted (also counted in countOnly mode). */
  readonly acceptedCount: number;
  /** Accepted messages per recipient address (lower-cased): "exactly one each" is a check on this. */
  acceptedByRecipient: Map<string, number>;
  /** Every refusal the faults produced. */
  refusals: SmtpRefusal[];
  /**
   * Holds every new transaction at RCPT TO (before its body, so before the sender's commit point)
   * until `release()`: delivery is then under way with nothing yet accepted.
   */
  hold(): void;
  /**
   * `hold()`, then resolves once no message is between its body and its final "." — the moment to
   * SIGKILL a sender: its messages are then either not yet at the commit point (held) or accepted,
   * never inside the microseconds between the commit mark and the final "." that the delivery
   * design does not cover (core/delivery/shard-pass.ts).
   */
  holdAndSettle(): Promise<void>;
  release(): void;
  /** Transactions waiting at RCPT TO while held. */
  readonly heldCount: number;
  /** Resolves once at least `count` messages were accepted; rejects after `timeoutMs` saying how many came. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function smtpError(reply: SmtpReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

function headerMap(lines: ReadonlyArray<{ key: string; line: string }>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of lines) {
    headers[key.toLowerCase()] = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
  }
  return headers;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: CapturedMessage[] = [];
  const acceptedByRecipient = new Map<string, number>();
  const refusals: SmtpRefusal[] = [];
  const attempts = new Map<string, number>();
  // Faults decided at RCPT that answer at the end of DATA, per SMTP session (one transaction at a time).
  const dataFaults = new Map<string, SmtpFault>();
  let acceptedCount = 0;
  let holding = false;
  let inData = 0;
  const held: (() => void)[] = [];
  let waiters: { count: number; resolve: () => void }[] = [];

  const accepted = (recipients: string[]) => {
    acceptedCount += 1;
    for (const r of recipients) {
      const key = r.toLowerCase();
      acceptedByRecipient.set(key, (acceptedByRecipient.get(key) ?? 0) + 1);
    }
    waiters = waiters.filter((w) => {
      if (acceptedCount < w.count) return true;
      w.resolve();
      return false;
    });
  };

  const envelope = (session: SMTPServerSession) => ({
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    to: session.envelope.rcptTo.map((a) => a.address),
  });

  const server = new SMTPServer({
    authOptional: true,
    // No TLS on loopback: the client would try STARTTLS against a certificate nobody trusts.
    disabledCommands: ['STARTTLS'],
    logger: false,
    // close() answers 421 to clients still connected (pooled transports) after this long.
    closeTimeout: 500,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'test' }),
    onMailFrom: (_address, session, callback) => {
      dataFaults.delete(session.id);
      callback();
    },
    onRcptTo: (address, session, callback) => {
      const recipient = address.address;
      const attempt = (attempts.get(recipient.toLowerCase()) ?? 0) + 1;
      attempts.set(recipient.toLowerCase(), attempt);
      const fault = options.fault?.(recipient, attempt);
      if (fault?.at === 'rcpt') {
        refusals.push({ recipient, at: 'rcpt', code: fault.code, message: fault.message });
        return callback(smtpError(fault));
      }
      if (fault?.at === 'data' && !dataFaults.has(session.id)) dataFaults.set(session.id, fault);
      if (holding) held.push(() => callback());
      else callback();
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      inData += 1;
      let open = true;
      const settled = () => {
        if (open) inData -= 1;
        open = false;
      };
      stream.on('error', settled);
      stream.on('data', (chunk: Buffer) => {
        if (!options.countOnly) chunks.push(chunk);
      });
      stream.on('end', () => {
        settled();
        const { from, to } = envelope(session);
        const fault = dataFaults.get(session.id);
        dataFaults.delete(session.id);
        if (fault) {
          for (const recipient of to)
            refusals.push({ recipient, at: 'data', code: fault.code, message: fault.message });
          return callback(smtpError(fault));
        }
        if (options.countOnly) {
          accepted(to);
          return callback();
        }
        simpleParser(Buffer.concat(chunks), { skipImageLinks: true, skipTextToHtml: true })
          .then((parsed) => {
            messages.push({
              envelopeFrom: from,
              envelopeTo: to,
              messageId: parsed.messageId ?? '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              headers: headerMap(parsed.headerLines),
            });
            accepted(to);
            callback();
          })
          .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
      });
    },
  });
  server.on('error', () => undefined);

  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('SMTP sink has no port'));
    });
  });

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    get acceptedCount() {
      return acceptedCount;
    },
    acceptedByRecipient,
    refusals,
    hold() {
      holding = true;
    },
    async holdAndSettle() {
      holding = true;
      while (inData > 0) await new Promise((r) => setTimeout(r, 5));
    },
    release() {
      holding = false;
      for (const answer of held.splice(0)) answer();
    },
    get heldCount() {
      return held.length;
    },
    waitFor(count, timeoutMs = 30_000) {
      if (acceptedCount >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          reject(
            new Error(`SMTP sink: expected ${count} messages within ${timeoutMs} ms, got ${acceptedCount}`),
          );
        }, timeoutMs);
        const waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        waiters.push(waiter);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Puts a hand-built SMTP server (a test that needs handlers of its own rather than the sink's) on a
 * free loopback port, and gives its URL and a close that waits for it.
 */
export async function listenOnLoopback(server: SMTPServer): Promise<{ url: string; close(): Promise<void> }> {
  server.on('error', () => undefined);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
