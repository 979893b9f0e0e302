import { readFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { deliveryOfReturnPath } from '../core/delivery/return-path';
import { NotFoundError } from '../core/errors';
import { parseBounceReport } from '../core/mail/bounce-report';
import { receiveBounce } from './bounce-reports';
import type { AppDeps } from './types';

/*
 * The inbound SMTP listener for reports about sent notices: the MX of BOUNCE_DOMAIN points here, and
 * remote mail servers deliver bounces (RFC 3464 DSNs), delay reports and complaints (RFC 5965) to
 * the return path each notice was sent with (core/delivery/return-path.ts).
 *
 * It runs inside the API process (api/main.ts starts it when BOUNCE_DOMAIN is set), not as a
 * service of its own: it needs exactly what the API has — the pool, the Temporal client that starts
 * letter batches, the config — and does what the bounce webhook route does, so one process type
 * receives every report, scales with the API, and is one thing less to deploy and watch. The
 * listener is small beside the API's work (a bounce is a few kilobytes, and they are few).
 *
 * What it accepts, and why:
 * - RCPT TO only a return path whose tag verifies, checked without a query: mail for anyone else,
 *   guessed or forged tokens included, is refused with 550 before any body is read;
 * - any MAIL FROM (DSNs come from the null sender `<>`), no AUTH (remote servers do not log in);
 *   STARTTLS with BOUNCE_SMTP_TLS_* (reports quote the notice, which carries personal data);
 * - bodies up to MAX_REPORT_BYTES: a report quoting a whole notice is far below it;
 * - the reply says whether it is recorded: 250 when it is (or names no delivery any more: a
 *   retry could not change that), 451 on a failure of ours (the database, Temporal), so the remote
 *   server tries again later and the retry lands once.
 */

/** A notice with its HTML part is tens of kilobytes; a report quoting it in full stays far below. */
const MAX_REPORT_BYTES = 2 * 1024 * 1024;

export interface BounceListener {
  /** The port it listens on (the configured one, or the one the system chose for port 0). */
  port: number;
  /** Stops accepting connections and waits for open ones to finish (at most a few seconds). */
  close(): Promise<void>;
}

type ListenerDeps = Pick<AppDeps, 'pool' | 'config' | 'temporal' | 'logger'>;

const smtpReply = (code: number, message: string) =>
  Object.assign(new Error(message), { responseCode: code });

/** Starts the listener on `host:port`; resolves once it listens. */
export async function startBounceListener(
  deps: ListenerDeps,
  listen: { host: string; port: number },
): Promise<BounceListener> {
  const { bounces } = deps.config;
  if (bounces.domain === null) throw new Error('the bounce listener needs BOUNCE_DOMAIN');
  const log = deps.logger.child({ component: 'bounce-listener' });
  const server = new SMTPServer({
    name: bounces.domain,
    banner: 'Forthright: reports about notices only',
    authOptional: true,
    disabledCommands: bounces.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(bounces.tls
      ? { key: readFileSync(bounces.tls.keyPath), cert: readFileSync(bounces.tls.certPath) }
      : {}),
    size: MAX_REPORT_BYTES,
    maxClients: 100,
    socketTimeout: 60_000,
    // close() waits this long for connections still open before it ends them.
    closeTimeout: 5_000,
    logger: false,
    onRcptTo(
      address: SMTPServerAddress,
      _session: SMTPServerSession,
      callback: (err?: Error | null) => void,
    ) {
      if (deliveryOfReturnPath(bounces, address.address) === null) {
        log.info('bounce listener refused a recipient it did not issue');
        return callback(smtpReply(550, '5.1.1 No such recipient here'));
      }
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpReply(552, '5.3.4 Report too large'));
        receive(Buffer.concat(chunks), session).then(
          () => callback(),
          (err: unknown) => {
            log.error({ err }, 'bounce report not recorded; the sender is asked to try again');
            callback(smtpReply(451, '4.3.0 Not recorded, try again later'));
          },
        );
      });
    },
  });

  const receive = async (raw: Buffer, session: SMTPServerSession) => {
    const report = await parseBounceReport(raw);
    for (const rcpt of session.envelope.rcptTo) {
      try {
        await receiveBounce(deps, {
          returnPath: rcpt.address,
          outcome: report.outcome,
          status: report.status,
          diagnostic: report.diagnostic,
          via: 'smtp',
        });
      } catch (err) {
        // A tag that verifies but names no delivery (a database restored from before the notice):
        // nothing to record, now or on a retry.
        if (!(err instanceof NotFoundError)) throw err;
        log.warn({ kind: report.kind }, 'bounce report for a delivery that does not exist');
      }
    }
  };

  server.on('error', (err) => log.error({ err }, 'bounce listener error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.server.removeListener('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  log.info({ host: listen.host, port, domain: bounces.domain }, 'bounce listener listening');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
