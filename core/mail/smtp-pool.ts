import { Readable } from 'node:stream';
import DKIM from 'nodemailer/lib/dkim';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { SmtpSendError } from '../errors';
// Defined with every other domain error in core/errors.ts; re-exported for this module's callers.

/**
 * A small pool of SMTP connections that lets the caller commit "this message is going out" at the
 * last possible moment: after the relay has accepted the envelope (MAIL FROM, RCPT TO, DATA 354)
 * and the whole body has been written, but before the terminating "." that makes the relay take
 * the message. That commit (`beforeCommit`) is what makes a crash safe to recover from: a message
 * whose commit is not recorded was never completed and may be sent again; one whose commit is
 * recorded is treated as sent. See core/delivery/shard-pass.ts and bench/README.md, "Exactly one
 * notice per person".
 *
 * nodemailer's own pool reads the message stream before the envelope is accepted, so it cannot
 * offer that point; its SMTPConnection can, and does the protocol work here (PIPELINING included:
 * MAIL FROM, RCPT TO and DATA leave in one segment).
 */
export interface SmtpPoolOptions {
  /** smtp:// or smtps:// URL, with optional user:password. */
  url: string;
  /** Connections kept open at once. @default 5 */
  size?: number;
  /** Name announced in EHLO. @default 'localhost' */
  name?: string;
  /**
   * Refuse to send unless the relay upgrades an smtp:// connection with STARTTLS (SMTP_REQUIRE_TLS):
   * without it a relay that offers no STARTTLS gets the notices in the clear. @default false
   */
  requireTls?: boolean;
  /** DKIM-sign every message with this key (DKIM_*). @default unsigned (the relay may sign) */
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  /**
   * The relay's name, handed to `beforeCommit` so the commit point records which relay holds the
   * message (deliveries.relay, the metrics' `relay` label). @default 'default'
   */
  relay?: string;
}

/**
 * What sends a message with a commit point: one relay's pool (SmtpPool) or a set of relays
 * (core/mail/relay-set.ts). `beforeCommit` is told the name of the relay that holds the message.
 */
export interface MailSender {
  send(envelope: Envelope, raw: Buffer, beforeCommit: (relay: string) => Promise<void>): Promise<string>;
  close(): Promise<void>;
}

export interface Envelope {
  from: string;
  to: string;
}

interface PendingSend {
  envelope: Envelope;
  raw: Buffer;
  beforeCommit: (relay: string) => Promise<void>;
  resolve: (reply: string) => void;
  reject: (err: unknown) => void;
  /** Times this message was moved to a fresh connection after a pooled one turned out dead. */
  requeued: number;
}

/** A pooled connection that fails before the commit point is replaced and the message tried once more. */
const MAX_REQUEUES = 1;

export class SmtpPool implements MailSender {
  /** The relay's name (`SmtpPoolOptions.relay`). */
  readonly relay: string;
  private readonly queue: PendingSend[] = [];
  private readonly idle: SMTPConnection[] = [];
  private open = 0;
  private closed = false;
  private readonly size: number;
  private readonly connectionOptions: SMTPConnection.Options;
  private readonly auth: { user: string; pass: string } | undefined;
  private readonly dkim: DKIM | undefined;

  constructor(options: SmtpPoolOptions) {
    const url = new URL(options.url);
    this.relay = options.relay ?? 'default';
    this.size = options.size ?? 5;
    this.connectionOptions = {
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
      secure: url.protocol === 'smtps:',
      name: options.name ?? 'localhost',
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 60_000,
      // Loopback relays (the mail catcher, tests) are the default set-up; nodemailer refuses them otherwise.
      allowInternalNetworkInterfaces: true,
      requireTLS: options.requireTls ?? false,
    } as SMTPConnection.Options;
    this.dkim = options.dkim ? new DKIM(options.dkim) : undefined;
    this.auth = url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined;
  }

  /**
   * Sends one message (`raw`: the whole RFC 5322 message, CRLF line ends; dot-stuffing is done
   * here). `beforeCommit` runs once the relay has accepted the envelope and holds the body; the
   * final "." is only written after it resolves, and the message is abandoned (the connection
   * dropped, so the relay discards it) if it rejects — `send` then rejects with that error.
   * Resolves with the relay's reply.
   */
  async send(
    envelope: Envelope,
    raw: Buffer,
    beforeCommit: (relay: string) => Promise<void>,
  ): Promise<string> {
    if (this.closed) throw new SmtpSendError('pool closed', false, 'pool closed', false);
    // Signed before it is queued: the signature covers the exact bytes the relay receives.
    const message = this.dkim ? await streamToBuffer(this.dkim.sign(raw)) : raw;
    return new Promise((resolve, reject) => {
      this.queue.push({ envelope, raw: message, beforeCommit, resolve, reject, requeued: 0 });
      this.pump();
    });
  }

  /**
   * Opens one connection (greeting, EHLO, STARTTLS when required, AUTH) and quits: whether the relay
   * takes connections again (a relay set's cool-down probe). Rejects with the relay's refusal.
   */
  async probe(): Promise<void> {
    const connection = await this.connect().catch((err: unknown) => {
      throw toSendError(err, false);
    });
    connection.quit();
  }

  /** Stops taking messages: queued ones fail (temporarily), idle connections quit, busy ones after their message. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0))
      job.reject(new SmtpSendError('pool closed', false, 'pool closed', false));
    for (const c of this.idle.splice(0)) {
      this.open--;
      c.quit();
    }
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const connection = this.idle.pop();
      if (connection) {
        this.dispatch(connection, this.queue.shift()!);
      } else if (this.open < this.size) {
        this.open++;
        const job = this.queue.shift()!;
        this.connect().then(
          (c) => this.dispatch(c, job),
          (err: unknown) => {
            this.open--;
            job.reject(toSendError(err, false, this.relay));
            this.pump();
          },
        );
      } else {
        return;
      }
    }
  }

  private connect(): Promise<SMTPConnection> {
    return new Promise((resolve, reject) => {
      const connection = new SMTPConnection(this.connectionOptions);
      connection.once('error', reject);
      connection.connect(() => {
        if (!this.auth) return settle();
        connection.login(this.auth, (err) => (err ? reject(err) : settle()));
      });
      const settle = () => {
        connection.removeListener('error', reject);
        // The message's final "." goes out as a small write of its own after the commit; without
        // this, Nagle's algorithm holds it for the peer's delayed ACK (~40 ms a message).
        if (connection._socket) connection._socket.setNoDelay(true);
        // Later errors surface through send callbacks; this keeps them from crashing the process.
        connection.on('error', () => undefined);
        // A connection the relay closed while idle (its idle timeout) leaves the pool.
        connection.once('end', () => {
          const i = this.idle.indexOf(connection);
          if (i >= 0) {
            this.idle.splice(i, 1);
            this.open--;
          }
        });
        resolve(connection);
      };
    });
  }

  private dispatch(connection: SMTPConnection, job: PendingSend): void {
    let started = false;
    let committed = false;
    let commitFailed: unknown;
    const relay = this.relay;
    const body = new Readable({
      read() {
        // First called once the relay has answered DATA with 354 (SMTPConnection pipes the body
        // only after that); later calls only ask for more, and the end comes when the commit is
        // recorded.
        if (started) return;
        started = true;
        this.push(job.raw);
        Promise.resolve()
          .then(() => job.beforeCommit(relay))
          .then(
            () => {
              committed = true;
              this.push(null);
            },
            (err: unknown) => {
              commitFailed = err ?? new Error('commit refused');
              this.destroy(err instanceof Error ? err : new Error(String(err)));
            },
          );
      },
    });
    connection.send({ from: job.envelope.from, to: [job.envelope.to] }, body, (err, info) => {
      if (!err) {
        this.release(connection);
        job.resolve(info.response ?? '250');
        return;
      }
      const e = err as { responseCode?: number; command?: string };
      const clientSide = e.command === 'API' && e.responseCode === undefined && commitFailed === undefined;
      if (clientSide) {
        // Refused by the client before anything was written (e.g. an unusable address): the
        // session is untouched.
        this.release(connection);
      } else if (commitFailed !== undefined || e.responseCode === undefined || e.responseCode === 421) {
        // The connection is in an unknown state (or carries an abandoned message): drop it, so the
        // relay discards whatever it holds, and let the pool open another.
        this.drop(connection);
        // A pooled connection that died before the body was even asked for: nothing reached the
        // relay; try once more on a fresh connection instead of failing the message.
        if (!started && commitFailed === undefined && job.requeued < MAX_REQUEUES && !this.closed) {
          job.requeued++;
          this.queue.unshift(job);
          this.pump();
          return;
        }
      } else {
        connection.reset((resetErr) => (resetErr ? this.drop(connection) : this.release(connection)));
      }
      job.reject(commitFailed !== undefined ? commitFailed : toSendError(err, committed, this.relay));
    });
  }

  private drop(connection: SMTPConnection): void {
    connection.close();
    this.open--;
    this.pump();
  }

  private release(connection: SMTPConnection): void {
    if (this.closed) {
      connection.quit();
      this.open--;
      return;
    }
    this.idle.push(connection);
    this.pump();
  }
}

/**
 * Maps nodemailer's errors to the delivery's two cases. Permanent: a 5xx reply, or an envelope the
 * client itself refuses (no reply code, command 'API': an unusable address). Everything else — 4xx
 * replies, timeouts, refused or lost connections — is temporary.
 */
export function toSendError(err: unknown, afterCommit: boolean, relay?: string): SmtpSendError {
  if (err instanceof SmtpSendError) return err;
  const e = err as {
    message?: string;
    responseCode?: number;
    response?: string;
    code?: string;
    command?: string;
  };
  const code = e.responseCode;
  const permanent =
    (code !== undefined && code >= 500 && code < 600) ||
    (code === undefined && e.code === 'EENVELOPE' && e.command === 'API');
  const reply =
    e.response ?? (code ? `${code} ${e.message ?? ''}` : `${e.code ?? 'ERROR'}: ${e.message ?? String(err)}`);
  // The relay refused the session rather than this recipient: it is closing (421), it answered the
  // greeting, EHLO, STARTTLS, AUTH or MAIL FROM with a refusal, or it was not reached at all (no reply
  // code: refused, reset or timed-out connection). An address the client refuses is the recipient's.
  const clientRefused = code === undefined && e.code === 'EENVELOPE' && e.command === 'API';
  const relayRefused =
    !clientRefused &&
    (code === 421 ||
      code === undefined ||
      /^(CONN|EHLO|HELO|LHLO|STARTTLS|AUTH|MAIL FROM)/.test(e.command ?? ''));
  return new SmtpSendError(
    e.message ?? String(err),
    permanent,
    reply.trim(),
    afterCommit,
    relayRefused,
    relay,
  );
}

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
