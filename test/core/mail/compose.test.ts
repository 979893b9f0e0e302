import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMessage, composeWithNodemailer, quotedPrintable } from '../../../core/mail/compose';
import type { NoticeMessage } from '../../../core/mail/compose';
import { renderIndividualNotice } from '../../../core/mail/render';
import { CA_AG, PART_SETS, noticeInput, set } from './fixtures';

/**
 * The delivery composer against nodemailer's MailComposer: a mail parser must read the same
 * message from both, and the bytes must be valid on the wire (CRLF, short lines, 7-bit).
 */

const FROM = 'Example Corp Privacy Office <privacy@example.com>';

function messageFor(overrides: Partial<NoticeMessage> & { locale?: string } = {}): NoticeMessage {
  const { locale, ...rest } = overrides;
  const mail = renderIndividualNotice(
    set,
    noticeInput({ locale: locale ?? 'en-US', contentParts: PART_SETS.california, authorities: [CA_AG] }),
  );
  return {
    from: FROM,
    to: 'ana@example.net',
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: '<notice.1.2@example.com>',
    headers: { 'X-Forthright-Reference': 'FR-0001-0002', 'Auto-Submitted': 'auto-generated' },
    date: new Date('2026-03-05T13:30:00Z'),
    ...rest,
  };
}

const read = async (raw: Buffer | Promise<Buffer>): Promise<ParsedMail> => simpleParser(await raw);

function sameReading(a: ParsedMail, b: ParsedMail): void {
  expect(a.subject).toBe(b.subject);
  expect(a.text).toBe(b.text);
  expect(a.html).toBe(b.html);
  expect(a.from?.value).toEqual(b.from?.value);
  expect(JSON.stringify(a.to)).toBe(JSON.stringify(b.to));
  expect(a.messageId).toBe(b.messageId);
  expect(a.date?.toISOString()).toBe(b.date?.toISOString());
  for (const key of ['x-forthright-reference', 'auto-submitted', 'mime-version']) {
    expect(a.headers.get(key)).toEqual(b.headers.get(key));
  }
}

describe('composeMessage', () => {
  it.each(['en-US', 'es-MX', 'fr-CA', 'de-AT'])(
    'reads the same as MailComposer for a %s notice',
    async (locale) => {
      const m = messageFor({ locale });
      sameReading(await read(composeMessage(m)), await read(composeWithNodemailer(m)));
    },
  );

  it('reads the same for subjects and senders that need encoding, and odd bodies', async () => {
    const cases: Partial<NoticeMessage>[] = [
      { subject: 'Información importante sobre sus datos — acción recomendada' },
      { subject: `${'A long subject line that keeps going '.repeat(5)}and ends here` },
      { subject: '日本語の件名: お客様の個人情報について' },
      { from: 'Société Exemple <privacy@example.com>' },
      { from: '"Example, Inc." <privacy@example.com>' },
      {
        text: `trailing spaces   \nand tabs\t\n= signs == here\n.dot at start\n${'x'.repeat(300)}\n${'é'.repeat(100)}`,
      },
      { text: 'no final newline and a trailing space ', html: '<p>Ünïcödé</p>\r\n<p>CRLF already</p>' },
      { text: `${'a'.repeat(74)} b\n${'a'.repeat(75)}=\n${'a'.repeat(73)}ü` },
      { to: 'ünïcode@exämple.net' },
    ];
    for (const c of cases) {
      const m = messageFor(c);
      sameReading(await read(composeMessage(m)), await read(composeWithNodemailer(m)));
    }
  });

  it('writes 7-bit lines of at most 76 characters with CRLF line ends', async () => {
    const raw = await composeMessage(messageFor({ locale: 'fr-CA' }));
    const text = raw.toString('latin1');
    expect(/[^\x00-\x7f]/.test(text)).toBe(false);
    expect(/\r(?!\n)|(?<!\r)\n/.test(text)).toBe(false);
    const lines = text.split('\r\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(76);
  });

  it('gives every message its own boundary', async () => {
    const a = (await composeMessage(messageFor())).toString('latin1');
    const b = (await composeMessage(messageFor())).toString('latin1');
    const boundary = (s: string) => /boundary="([^"]+)"/.exec(s)![1];
    expect(boundary(a)).not.toBe(boundary(b));
  });
});

describe('quotedPrintable', () => {
  const decode = (qp: string) =>
    Buffer.from(
      qp
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');

  it.each([
    ['plain text', 'Hello, world.'],
    ['trailing whitespace', 'line with space \nline with tab\t\nend '],
    ['equals signs', 'a=b==c='],
    ['multi-byte at the wrap point', `${'a'.repeat(73)}€€€€ and more text after it`],
    ['a long line without spaces', 'x'.repeat(1000)],
    ['mixed line ends', 'one\r\ntwo\nthree\rfour'],
  ])('round-trips %s', (_name, input) => {
    const qp = quotedPrintable(input);
    expect(decode(qp)).toBe(input.replace(/\r?\n|\r/g, '\r\n'));
    for (const line of qp.split('\r\n')) {
      expect(line.length).toBeLessThanOrEqual(76);
      expect(/[ \t]$/.test(line)).toBe(false);
    }
  });
});
