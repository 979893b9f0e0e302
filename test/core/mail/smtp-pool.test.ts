import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/lib/local-servers';
import { loadConfig } from '../../../core/config';
import { SmtpSendError } from '../../../core/errors';
import { SmtpPool } from '../../../core/mail/smtp-pool';
import { staffTransportOptions } from '../../../core/mail/staff-mailer';
import { listenOnLoopback, startSmtpSink } from '../../helpers/smtp';
import type { SmtpSink } from '../../helpers/smtp';

/**
 * The gated SMTP pool against real SMTP servers on loopback: what it delivers, when the commit runs
 * relative to the end of the message, what a refused commit leaves behind, and how failures are
 * classified.
 */

/** A server that keeps every message's raw bytes and reports the progress of each DATA phase. */
async function startRawServer(options: { closeIdleAfterMs?: number } = {}) {
  const received: Buffer[] = [];
  let bytesInCurrent = 0;
  let ended = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    socketTimeout: options.closeIdleAfterMs ?? 60_000,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      bytesInCurrent = 0;
      stream.on('data', (c: Buffer) => {
        chunks.push(c);
        bytesInCurrent += c.length;
      });
      stream.on('end', () => {
        ended++;
        received.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    received,
    /** Bytes of the message being received so far (the DATA phase under way). */
    bytesInCurrent: () => bytesInCurrent,
    /** Messages whose final "." the server has seen. */
    ended: () => ended,
    close,
  };
}

/** A message with CRLF line ends, a line starting with "." (dot-stuffed on the wire) and 8-bit text. */
function message(i: number, size = 20_000): Buffer {
  const lines = [
    `From: sender@example.com`,
    `To: r${i}@example.net`,
    `Subject: message ${i}`,
    `Message-ID: <m${i}@example.com>`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    '.a line that starts with a dot',
    'Grüße, ünïcödé — 日本語',
  ];
  while (lines.join('\r\n').length < size) lines.push(randomBytes(30).toString('base64'));
  return Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
}

/** Bytes of a message's end smtp-server keeps back while it waits to see whether "." follows. */
const HELD_BACK = 5;

const until = async (check: () => boolean, what: string, timeoutMs = 10_000) => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('SmtpPool', () => {
  describe('against a server that keeps raw messages', () => {
    let server: Awaited<ReturnType<typeof startRawServer>>;
    let pool: SmtpPool;

    beforeAll(async () => {
      server = await startRawServer();
    });
    afterEach(async () => {
      await pool?.close();
    });
    afterAll(async () => {
      await server.close();
    });

    it('delivers every message byte for byte, over a few connections at once', async () => {
      pool = new SmtpPool({ url: server.url, size: 3 });
      const messages = Array.from({ length: 12 }, (_, i) => message(i, 5_000 + i * 3_000));
      const before = server.received.length;
      await Promise.all(
        messages.map((raw, i) =>
          pool.send({ from: 'sender@example.com', to: `r${i}@example.net` }, raw, async () => undefined),
        ),
      );
      const got = server.received.slice(before);
      expect(got).toHaveLength(messages.length);
      for (const raw of messages) expect(got.some((g) => g.equals(raw))).toBe(true);
    });

    it('runs beforeCommit once the server holds the whole body, and writes the final "." only after it', async () => {
      pool = new SmtpPool({ url: server.url, size: 1 });
      const raw = message(100, 30_000);
      const endedBefore = server.ended();
      let commitSawBody = -1;
      let endedDuringCommit = -1;
      const sent = pool.send({ from: 'sender@example.com', to: 'r100@example.net' }, raw, async () => {
        // The body is on its way; give the server time to read all of it while the commit is held.
        // (The server's parser holds back the last few bytes until it knows they do not end the data.)
        await until(() => server.bytesInCurrent() >= raw.length - HELD_BACK, 'the body at the server');
        await new Promise((r) => setTimeout(r, 100));
        commitSawBody = server.bytesInCurrent();
        endedDuringCommit = server.ended() - endedBefore;
      });
      await sent;
      expect(commitSawBody).toBeGreaterThanOrEqual(raw.length - HELD_BACK);
      expect(endedDuringCommit).toBe(0);
      expect(server.ended() - endedBefore).toBe(1);
      expect(server.received.at(-1)!.equals(raw)).toBe(true);
    });

    it('never completes a message whose commit is refused, and stays usable', async () => {
      pool = new SmtpPool({ url: server.url, size: 1 });
      const endedBefore = server.ended();
      const refusal = new Error('commit refused');
      await expect(
        pool.send({ from: 'sender@example.com', to: 'r200@example.net' }, message(200), async () => {
          await until(() => server.bytesInCurrent() > 0, 'the body to start');
          throw refusal;
        }),
      ).rejects.toBe(refusal);
      // The abandoned transaction is dropped with its connection: the server completes nothing.
      await new Promise((r) => setTimeout(r, 300));
      expect(server.ended() - endedBefore).toBe(0);
      // The next message goes out on a fresh connection.
      const raw = message(201);
      await pool.send({ from: 'sender@example.com', to: 'r201@example.net' }, raw, async () => undefined);
      expect(server.ended() - endedBefore).toBe(1);
      expect(server.received.at(-1)!.equals(raw)).toBe(true);
    });
  });

  it('replaces a pooled connection the server closed while idle, without failing the message', async () => {
    const server = await startRawServer({ closeIdleAfterMs: 200 });
    const pool = new SmtpPool({ url: server.url, size: 1 });
    try {
      await pool.send({ from: 'sender@example.com', to: 'a@example.net' }, message(1), async () => undefined);
      await new Promise((r) => setTimeout(r, 600)); // the server times the idle session out
      await pool.send({ from: 'sender@example.com', to: 'b@example.net' }, message(2), async () => undefined);
      expect(server.received).toHaveLength(2);
    } finally {
      await pool.close();
      await server.close();
    }
  });

  describe('failure classification', () => {
    let sink: SmtpSink;
    let pool: SmtpPool;
    let commits: string[];

    beforeAll(async () => {
      sink = await startSmtpSink({
        fault: (recipient) => {
          const [kind] = recipient.split('@');
          if (kind === 'rcpt451') return { at: 'rcpt', code: 451, message: 'Try again later' };
          if (kind === 'rcpt550') return { at: 'rcpt', code: 550, message: 'No such user here' };
          if (kind === 'data452') return { at: 'data', code: 452, message: 'Insufficient storage' };
          if (kind === 'data554') return { at: 'data', code: 554, message: 'Message refused' };
          return undefined;
        },
      });
      pool = new SmtpPool({ url: sink.url, size: 2 });
    });
    afterAll(async () => {
      await pool.close();
      await sink.close();
    });

    const send = (to: string) => {
      commits = [];
      return pool.send({ from: 'sender@example.com', to }, message(0, 2_000), async () => {
        commits.push(to);
      });
    };
    const failure = async (to: string): Promise<SmtpSendError> => {
      const err = await send(to).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SmtpSendError);
      return err as SmtpSendError;
    };

    it('a 4xx at RCPT TO is temporary, before the commit point, with the reply', async () => {
      const e = await failure('rcpt451@example.net');
      expect(e).toMatchObject({ permanent: false, afterCommit: false });
      expect(e.reply).toMatch(/^451 .*Try again later/);
      expect(commits).toEqual([]);
    });

    it('a 5xx at RCPT TO is permanent, before the commit point, with the reply', async () => {
      const e = await failure('rcpt550@example.net');
      expect(e).toMatchObject({ permanent: true, afterCommit: false });
      expect(e.reply).toMatch(/^550 .*No such user here/);
      expect(commits).toEqual([]);
    });

    it('a refusal after the final "." is reported as after the commit point', async () => {
      const temporary = await failure('data452@example.net');
      expect(temporary).toMatchObject({ permanent: false, afterCommit: true });
      expect(temporary.reply).toMatch(/^452 /);
      const permanent = await failure('data554@example.net');
      expect(permanent).toMatchObject({ permanent: true, afterCommit: true });
      expect(permanent.reply).toMatch(/^554 .*Message refused/);
      expect(commits).toEqual(['data554@example.net']);
    });

    it('an address the client cannot use is permanent and reaches no server', async () => {
      const e = await failure('two words@example.net>');
      expect(e.permanent).toBe(true);
      expect(commits).toEqual([]);
      // The session is still good for the next message.
      await send('fine@example.net');
      expect(sink.acceptedByRecipient.get('fine@example.net')).toBe(1);
    });

    it('a refused connection is temporary', async () => {
      const closed = new SmtpPool({ url: `smtp://127.0.0.1:${await freePort()}`, size: 1 });
      const e = await closed
        .send({ from: 'sender@example.com', to: 'x@example.net' }, message(0, 1_000), async () => undefined)
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(e).toBeInstanceOf(SmtpSendError);
      expect((e as SmtpSendError).permanent).toBe(false);
      await closed.close();
    });
  });
});

describe('SmtpPool transport options (SMTP_REQUIRE_TLS, DKIM_*)', () => {
  let server: Awaited<ReturnType<typeof startRawServer>>;
  beforeAll(async () => {
    server = await startRawServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('with requireTls, refuses a relay that offers no STARTTLS, sending nothing', async () => {
    const pool = new SmtpPool({ url: server.url, size: 1, requireTls: true });
    const before = server.received.length;
    const committed: string[] = [];
    await expect(
      pool.send({ from: 'sender@example.com', to: 'r@example.net' }, message(1, 2_000), async () => {
        committed.push('commit');
      }),
    ).rejects.toThrow(SmtpSendError);
    expect(committed).toEqual([]);
    expect(server.received.length).toBe(before);
    await pool.close();
  });

  it('with a DKIM key, signs each message: the body as given, under a signature for the domain and selector', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pool = new SmtpPool({
      url: server.url,
      size: 1,
      dkim: {
        domainName: 'example.com',
        keySelector: 'forthright',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    });
    const raw = message(2, 3_000);
    await pool.send({ from: 'sender@example.com', to: 'r@example.net' }, raw, async () => undefined);
    await pool.close();
    const got = server.received.at(-1)!.toString('utf8');
    expect(got).toMatch(
      /^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=example\.com;\s+q=dns\/txt; s=forthright;/,
    );
    // The message itself follows unchanged.
    expect(got.endsWith(raw.toString('utf8'))).toBe(true);
    // bh= is the body's hash (relaxed canonical form; this body has no trailing or repeated blanks).
    const body = raw.toString('utf8').split('\r\n\r\n').slice(1).join('\r\n\r\n');
    const bh = /bh=([^;]+);/.exec(got.replace(/\r\n\s+/g, ''))![1];
    expect(bh).toBe(createHash('sha256').update(body).digest('base64'));
  });
});

describe('staffTransportOptions', () => {
  it('gives the staff mail transport the TLS requirement and the DKIM key from config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'forthright-dkim-'));
    const keyFile = join(dir, 'dkim.pem');
    writeFileSync(keyFile, 'PEM KEY');
    const config = loadConfig({
      FORTHRIGHT_DATA_DIR: dir,
      SMTP_URL: 'smtp://relay.example.com:587',
      SMTP_REQUIRE_TLS: 'true',
      DKIM_DOMAIN: 'example.com',
      DKIM_SELECTOR: 'forthright',
      DKIM_PRIVATE_KEY_PATH: keyFile,
    });
    expect(staffTransportOptions(config)).toMatchObject({
      url: 'smtp://relay.example.com:587',
      requireTLS: true,
      dkim: { domainName: 'example.com', keySelector: 'forthright', privateKey: 'PEM KEY' },
    });
    expect(staffTransportOptions(loadConfig({ FORTHRIGHT_DATA_DIR: dir }))).not.toHaveProperty('dkim');
    // Half a DKIM set is refused at start rather than silently not signing.
    expect(() => loadConfig({ FORTHRIGHT_DATA_DIR: dir, DKIM_DOMAIN: 'example.com' })).toThrow(
      /DKIM_SELECTOR[\s\S]*DKIM_PRIVATE_KEY_PATH/,
    );
  });
});
