// A loopback SMTP server that only counts what it accepts: the receiving end of every benchmark.
//
// A mail catcher parses and stores each message and is far slower than the sender, so it would
// measure itself. This one speaks just enough SMTP (EHLO with PIPELINING, MAIL, RCPT, DATA, RSET,
// NOOP, QUIT), finds the end of each message with Buffer.indexOf and answers 250. It counts
// accepted messages and, per recipient, how many each received (to check "exactly one each").
//
// Run it in its own process (`forkCountingSmtp()`), so that it never shares an event loop with
// the sender being measured.
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface SmtpCounts {
  /** Messages answered 250 at the end of DATA. */
  accepted: number;
  /** Distinct recipients that received at least one message. */
  recipients: number;
  /** Recipients that received more than one message. */
  duplicated: number;
  /** Bytes of message data received (dot-stuffed, as on the wire). */
  bytes: number;
  /** Time of the first and last accepted message (ms since the epoch), 0 when none. */
  firstAt: number;
  lastAt: number;
}

const END_OF_DATA = Buffer.from('\r\n.\r\n');

/** Starts the counting server in this process on a free loopback port. */
export function startCountingSmtp(
  port = 0,
): Promise<{ port: number; counts(): SmtpCounts; reset(): void; close(): Promise<void> }> {
  let perRecipient = new Map<string, number>();
  let accepted = 0;
  let duplicated = 0;
  let bytes = 0;
  let firstAt = 0;
  let lastAt = 0;
  const sockets = new Set<Socket>();

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let inData = false;
    let pending = Buffer.alloc(0);
    let rcpts: string[] = [];
    // The last bytes of data seen, so an end marker split across two chunks is still found.
    let tail = Buffer.from('\r\n');
    socket.write('220 counting-sink ESMTP\r\n');

    const endOfMessage = () => {
      accepted++;
      lastAt = Date.now();
      if (firstAt === 0) firstAt = lastAt;
      for (const r of rcpts) {
        const n = (perRecipient.get(r) ?? 0) + 1;
        perRecipient.set(r, n);
        if (n === 2) duplicated++;
      }
      rcpts = [];
    };

    socket.on('data', (chunk: Buffer) => {
      let buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      pending = Buffer.alloc(0);
      const replies: string[] = [];
      while (buf.length > 0) {
        if (inData) {
          const joined = Buffer.concat([tail, buf]);
          const at = joined.indexOf(END_OF_DATA);
          if (at < 0) {
            bytes += buf.length;
            tail = joined.subarray(Math.max(0, joined.length - 4));
            buf = Buffer.alloc(0);
            break;
          }
          const consumed = at + END_OF_DATA.length - tail.length;
          bytes += consumed;
          buf = buf.subarray(consumed);
          inData = false;
          endOfMessage();
          replies.push('250 2.0.0 queued');
          continue;
        }
        const eol = buf.indexOf('\r\n');
        if (eol < 0) {
          pending = Buffer.from(buf);
          break;
        }
        const line = buf.toString('latin1', 0, eol);
        buf = buf.subarray(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        switch (verb) {
          case 'EHLO':
            replies.push(
              '250-counting-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 ENHANCEDSTATUSCODES',
            );
            break;
          case 'HELO':
            replies.push('250 counting-sink');
            break;
          case 'MAIL':
            rcpts = [];
            replies.push('250 2.1.0 ok');
            break;
          case 'RCPT': {
            const m = /<([^>]*)>/.exec(line);
            rcpts.push((m?.[1] ?? '').toLowerCase());
            replies.push('250 2.1.5 ok');
            break;
          }
          case 'DATA':
            inData = true;
            tail = Buffer.from('\r\n');
            replies.push('354 go ahead');
            break;
          case 'RSET':
            rcpts = [];
            replies.push('250 2.0.0 ok');
            break;
          case 'NOOP':
            replies.push('250 2.0.0 ok');
            break;
          case 'QUIT':
            replies.push('221 2.0.0 bye');
            socket.end(replies.join('\r\n') + '\r\n');
            return;
          default:
            replies.push('502 5.5.2 not implemented');
        }
      }
      if (replies.length) socket.write(replies.join('\r\n') + '\r\n');
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address !== 'object') return reject(new Error('no port'));
      resolve({
        port: address.port,
        counts: () => ({
          accepted,
          recipients: perRecipient.size,
          duplicated,
          bytes,
          firstAt,
          lastAt,
        }),
        reset() {
          perRecipient = new Map();
          accepted = duplicated = bytes = firstAt = lastAt = 0;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** The counting server in a child process of its own, driven over IPC. */
export interface CountingSmtpProcess {
  url: string;
  pid: number;
  counts(): Promise<SmtpCounts>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function forkCountingSmtp(): Promise<CountingSmtpProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let seq = 0;
  const waiting = new Map<number, (value: unknown) => void>();
  let ready: (port: number) => void;
  const port = new Promise<number>((resolve, reject) => {
    ready = resolve;
    child.once('exit', (code) => reject(new Error(`counting SMTP server exited (${code})`)));
  });
  child.on('message', (m: { type: string; id?: number; port?: number; value?: unknown }) => {
    if (m.type === 'ready') ready(m.port!);
    else if (m.id !== undefined) {
      waiting.get(m.id)?.(m.value);
      waiting.delete(m.id);
    }
  });
  const ask = <T>(type: string) =>
    new Promise<T>((resolve) => {
      const id = ++seq;
      waiting.set(id, resolve as (v: unknown) => void);
      child.send({ type, id });
    });
  const p = await port;
  return {
    url: `smtp://127.0.0.1:${p}`,
    pid: child.pid!,
    counts: () => ask<SmtpCounts>('counts'),
    reset: () => ask<void>('reset'),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv.includes('--serve')) {
  const sink = await startCountingSmtp();
  process.on('message', (m: { type: string; id: number }) => {
    if (m.type === 'counts') process.send!({ id: m.id, value: sink.counts() });
    if (m.type === 'reset') {
      sink.reset();
      process.send!({ id: m.id, value: null });
    }
  });
  process.on('SIGTERM', () => void sink.close().then(() => process.exit(0)));
  process.on('disconnect', () => void sink.close().then(() => process.exit(0)));
  process.send!({ type: 'ready', port: sink.port });
}
