// The physical ceiling for delivery on this machine: plain nodemailer, with a connection pool of the
// same size as Forthright's, sending the same rendered messages to the same SMTP server in a loop —
// no database, no workflow, no commit point. Run by bench/delivery.ts as a process of its own:
//
//   node --import tsx bench/ceiling.ts   (with BENCH_CEILING='{"databaseUrl":…}' in the environment)
//
// The messages are rendered first (exactly as delivery renders them) and kept in memory (text and
// HTML as UTF-8 Buffers, off the JS heap: a million notices are gigabytes); only the sending is
// timed. With `part` the process renders and sends only its share of the people (customer id modulo
// `part.of`): two such processes are the ceiling with both cores. They render, report `ready`, and
// send when the parent says `go`, so both send at once. Two variants:
//   plain          sendMail({ from, to, subject, text, html, messageId, headers }) — what an app writes;
//   same-options   the same plus the composer options Forthright passes (quoted-printable chosen up
//                  front, file and URL access off), so the bytes on the wire are the same.
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { SendMailOptions, TransportOptions } from 'nodemailer';
import { loadConfig } from '../core/config';
import * as affected from '../core/db/affected';
import * as incidents from '../core/db/incidents';
import * as notices from '../core/db/notices';
import { createPool } from '../core/db/pool';
import { addressOf, composeNotice, noticeInputBuilder, recipientAddress } from '../core/delivery';
import { noticeMessageId } from '../core/domain/ids';
import { renderIndividualNotice } from '../core/mail/render';
import { TemplateCache } from '../core/mail/template-cache';

export interface CeilingInput {
  databaseUrl: string;
  smtpUrl: string;
  incidentId: string;
  noticeId: string;
  poolSize: number;
  variants: ('plain' | 'same-options')[];
  /** This process's share: the people whose customer id modulo `of` is `index`. @default all */
  part?: { index: number; of: number };
}

export interface CeilingResult {
  messages: number;
  renderSeconds: number;
  /** Wall-clock start and end of each run (ms since the epoch), to time several processes together. */
  runs: {
    variant: string;
    seconds: number;
    perSecond: number;
    startedAt: number;
    endedAt: number;
    /** This process's CPU time (user + system) over the sending, in seconds. */
    cpuSeconds: number;
  }[];
  /** The process's peak resident set, in MB. */
  peakRssMb: number;
  /** Mean CPU time per notice of Forthright's render and compose steps, over `sampled` notices. */
  cost: { sampled: number; renderMs: number; composeMs: number };
}

/** How many notices the render and compose costs are measured on, after how many first. */
const COST_SAMPLE = 5_000;
const COST_WARM_UP = 1_000;

/** Messages between the parent and a ceiling process sending a part. */
export type CeilingMessage = { ready: true; messages: number } | { result: CeilingResult };

interface Prepared {
  to: string;
  subject: string;
  text: Buffer;
  html: Buffer;
  messageId: string;
  referenceCode: string;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.env.BENCH_CEILING ?? '{}') as CeilingInput;
  const config = loadConfig({ ...process.env, DATABASE_URL: input.databaseUrl, LOG_LEVEL: 'silent' });
  const pool = createPool(input.databaseUrl, 2);
  const renderStarted = performance.now();
  const prepared: Prepared[] = [];
  let seen = 0;
  let sampled = 0;
  let renderMs = 0;
  let composeMs = 0;
  try {
    const notice = (await notices.get(pool, input.noticeId))!;
    const incident = (await incidents.get(pool, input.incidentId))!;
    const set = await new TemplateCache(pool).get(notice.templateVersion);
    const inputFor = noticeInputBuilder(notice, incident, config);
    const domain = addressOf(config.mail.from).split('@')[1]!;
    for (let after = 0; ;) {
      const page = await affected.emailRecipientsPage(pool, input.incidentId, { after, limit: 2000 });
      if (page.length === 0) break;
      for (const r of page) {
        if (input.part && r.customerId % input.part.of !== input.part.index) continue;
        // CPU time (not wall time: the machine may be shared), after a warm-up (templates, JIT).
        const t0 = process.cpuUsage();
        const mail = renderIndividualNotice(set, inputFor(r));
        if (seen++ >= COST_WARM_UP && sampled < COST_SAMPLE) {
          // The worker's CPU work per notice that threads could take over: render, then compose.
          const t1 = process.cpuUsage();
          await composeNotice(mail, {
            from: config.mail.from,
            to: recipientAddress(r),
            messageId: noticeMessageId(input.incidentId, r.customerId, domain),
            referenceCode: r.referenceCode,
          });
          const t2 = process.cpuUsage(t1);
          const render = process.cpuUsage(t0);
          renderMs += (render.user + render.system - t2.user - t2.system) / 1000;
          composeMs += (t2.user + t2.system) / 1000;
          sampled++;
        }
        prepared.push({
          to: recipientAddress(r),
          subject: mail.subject,
          text: Buffer.from(mail.text),
          html: Buffer.from(mail.html),
          messageId: noticeMessageId(input.incidentId, r.customerId, domain),
          referenceCode: r.referenceCode,
        });
      }
      after = page.at(-1)!.customerId;
    }
  } finally {
    await pool.end();
  }
  const renderSeconds = (performance.now() - renderStarted) / 1000;
  if (input.part) {
    // Rendered: wait for the parent's word, so the parts send at the same time.
    const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
    process.send?.({ ready: true, messages: prepared.length } satisfies CeilingMessage);
    await go;
  }

  const url = new URL(input.smtpUrl);
  const runs: CeilingResult['runs'] = [];
  for (const variant of input.variants) {
    const transport = nodemailer.createTransport({
      pool: true,
      host: url.hostname,
      port: Number(url.port),
      maxConnections: input.poolSize,
      maxMessages: Infinity,
      allowInternalNetworkInterfaces: true,
    } as TransportOptions);
    const extra =
      variant === 'same-options'
        ? { textEncoding: 'quoted-printable', disableFileAccess: true, disableUrlAccess: true }
        : {};
    let next = 0;
    const startedAt = Date.now();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    // Enough messages in flight to keep every connection busy.
    await Promise.all(
      Array.from({ length: input.poolSize * 4 }, async () => {
        while (next < prepared.length) {
          const m = prepared[next++]!;
          await transport.sendMail({
            from: config.mail.from,
            to: m.to,
            subject: m.subject,
            text: m.text,
            html: m.html,
            messageId: m.messageId,
            headers: { 'X-Forthright-Reference': m.referenceCode, 'Auto-Submitted': 'auto-generated' },
            ...extra,
          } as SendMailOptions);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    transport.close();
    runs.push({
      variant,
      seconds,
      perSecond: prepared.length / seconds,
      startedAt,
      endedAt: Date.now(),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    });
  }
  const status = readFileSync('/proc/self/status', 'utf8');
  const peakRssMb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  const result: CeilingResult = {
    messages: prepared.length,
    renderSeconds,
    runs,
    peakRssMb,
    cost: { sampled, renderMs: renderMs / sampled, composeMs: composeMs / sampled },
  };
  process.send?.(input.part ? ({ result } satisfies CeilingMessage) : result);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
