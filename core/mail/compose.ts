import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { foldLines } from 'nodemailer/lib/mime-funcs';
import MimeNode from 'nodemailer/lib/mime-node';

/**
 * MIME composition of one rendered notice, for delivery at scale.
 *
 * nodemailer's MailComposer builds a message through a tree of streams; for a notice of 6-8 kB
 * that costs about 0.8 ms of CPU — more than rendering and sending together, and on a small
 * machine the limit on notices per second. The notice has one fixed shape (multipart/alternative:
 * text, then HTML, both UTF-8 and quoted-printable), so it is assembled here directly, with
 * nodemailer's own encoders making the header decisions: header values (addresses with punycode,
 * RFC 2047 encoded words, Message-ID) through `MimeNode#encodeHeaderValue`, line folding through
 * `foldLines`. Bodies are quoted-printable by a table-driven encoder below (RFC 2045 §6.7; the
 * same literal set as nodemailer's). Addresses that are not plain ASCII take MailComposer's path.
 * test/core/mail/compose.test.ts checks that a mail parser reads both the same.
 */
export interface NoticeMessage {
  /** The From header, e.g. 'Example Corp Privacy Office <privacy@example.com>'. */
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** With angle brackets. */
  messageId: string;
  /** Further headers, in order, e.g. { 'Auto-Submitted': 'auto-generated' }. */
  headers: Record<string, string>;
  /** @default now */
  date?: Date;
}

// One node serves as the header encoder: encodeHeaderValue keeps no state for the keys used here.
const encoder = new MimeNode() as MimeNode & { encodeHeaderValue(key: string, value: string): string };
const session = randomBytes(6).toString('hex');
let sequence = 0;

/** Composes the whole message, CRLF line ends, ready for `SmtpPool.send`. */
export function composeMessage(m: NoticeMessage): Promise<Buffer> | Buffer {
  if (!/^[\x21-\x7e]+$/.test(m.to) || !/^[\x20-\x7e]+$/.test(m.from)) return composeWithMailComposer(m);
  // Unique per message and unguessable (the session part), so no body line can equal it.
  const boundary = `--_Fr-${session}-${(sequence++).toString(36)}`;
  const lines = [
    cachedHeader('From', m.from),
    PLAIN_ADDRESS.test(m.to) ? `To: ${m.to}` : header('To', m.to),
    cachedHeader('Subject', m.subject),
    header('Message-ID', m.messageId),
    `Date: ${(m.date ?? new Date()).toUTCString().replace(/GMT/, '+0000')}`,
    'MIME-Version: 1.0',
    ...Object.entries(m.headers).map(([k, v]) => header(k, v)),
    `Content-Type: multipart/alternative; boundary="${boundary.slice(2)}"`,
    '',
    boundary,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(m.text),
    boundary,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(m.html),
    `${boundary}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

const header = (key: string, value: string) =>
  foldLines(`${key}: ${encoder.encodeHeaderValue(key, value)}`, 76);

/** An address that needs no encoding or brackets in a header (what nodemailer writes as is too). */
const PLAIN_ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

// Subjects and the sender repeat across thousands of notices (one per language and variant).
const headerCache = new Map<string, string>();
function cachedHeader(key: string, value: string): string {
  const k = `${key}\0${value}`;
  let line = headerCache.get(k);
  if (line === undefined) {
    line = header(key, value);
    if (headerCache.size > 10_000) headerCache.clear();
    headerCache.set(k, line);
  }
  return line;
}

// Bytes written as they are: TAB, SP to '<', '>' to '~' (RFC 2045 §6.7 rules 2 and 3).
const LITERAL = new Uint8Array(256);
for (let b = 0; b < 256; b++) LITERAL[b] = b === 0x09 || (b >= 0x20 && b <= 0x7e && b !== 0x3d) ? 1 : 0;
const HEX = Buffer.from('0123456789ABCDEF', 'latin1');
const MAX_LINE = 76;
let scratchIn = Buffer.allocUnsafeSlow(64 * 1024);
let scratchOut = Buffer.allocUnsafeSlow(256 * 1024);

/**
 * Quoted-printable (RFC 2045 §6.7) of UTF-8 text: CRLF line ends, soft line breaks ("=" CRLF) so
 * that no line exceeds 76 characters, never inside an =XX sequence; a space or tab before a line
 * end or at the very end is encoded. Pure ASCII out.
 */
export function quotedPrintable(text: string): string {
  // Two scratch buffers reused across calls (the function is synchronous): at a thousand messages
  // a second, fresh ones would be tens of MB a second of memory outside the JS heap, which the
  // process only gives back when the garbage collector gets round to it.
  const needed = Buffer.byteLength(text, 'utf8');
  if (scratchIn.length < needed) scratchIn = Buffer.allocUnsafeSlow(needed * 2);
  const length = scratchIn.write(text, 'utf8');
  const src = scratchIn;
  const room = length * 3 + Math.ceil((length * 3) / (MAX_LINE - 3)) * 3 + 4;
  if (scratchOut.length < room) scratchOut = Buffer.allocUnsafeSlow(room * 2);
  const out = scratchOut;
  let o = 0;
  let col = 0;
  for (let i = 0; i < length; i++) {
    const b = src[i]!;
    if (b === 0x0d || b === 0x0a) {
      // Any line end (CRLF, LF or CR) becomes one CRLF.
      if (b === 0x0d && i + 1 < length && src[i + 1] === 0x0a) i++;
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      col = 0;
      continue;
    }
    const next = i + 1 < length ? src[i + 1] : undefined;
    const atLineEnd = next === undefined || next === 0x0d || next === 0x0a;
    const literal = LITERAL[b] === 1 && !((b === 0x20 || b === 0x09) && atLineEnd);
    const width = literal ? 1 : 3;
    // Room for this and, unless the line ends right after it, the "=" of a soft break.
    if (col + width > (atLineEnd ? MAX_LINE : MAX_LINE - 1)) {
      out[o++] = 0x3d;
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      col = 0;
    }
    if (literal) {
      out[o++] = b;
    } else {
      out[o++] = 0x3d;
      out[o++] = HEX[b >> 4]!;
      out[o++] = HEX[b & 15]!;
    }
    col += width;
  }
  return out.toString('latin1', 0, o);
}

/** MailComposer with the same shape, for what the fast path does not take. */
function composeWithMailComposer(m: NoticeMessage): Promise<Buffer> {
  return new MailComposer({
    from: m.from,
    to: m.to,
    subject: m.subject,
    text: m.text,
    html: m.html,
    messageId: m.messageId,
    date: m.date ?? new Date(),
    headers: m.headers,
    textEncoding: 'quoted-printable',
    disableFileAccess: true,
    disableUrlAccess: true,
  })
    .compile()
    .build();
}

/** MailComposer's rendition of the same message, for comparison in tests and benchmarks. */
export const composeWithNodemailer = composeWithMailComposer;
