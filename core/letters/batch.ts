import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config';
import * as affected from '../db/affected';
import * as incidents from '../db/incidents';
import * as letters from '../db/letters';
import * as obligations from '../db/obligations';
import * as notices from '../db/notices';
import type { Pool } from '../db/pool';
import { WITHHELD_TOKEN } from '../delivery/page-link';
import { pageTokenHash, recipientPageToken } from '../delivery/page-token';
import { noticeContextBuilder, personalise } from '../delivery/notice-message';
import { IncidentNotFoundError, NoticeNotApprovedError, NotFoundError } from '../errors';
import { formatDate, formattingLocale } from '../mail/intl-format';
import { renderIndividualNotice, renderedMailHash } from '../mail/render';
import type { TemplateCache } from '../mail/template-cache';
import { addressBlock, addresseeName, addressOneLine } from './address';
import { LetterFile, letterFonts, letterWords } from './pdf';
import { countLetters } from '../metrics';

/*
 * Rendering a batch's letters into files for the mail house, and the manifest and checksums that
 * go with them. See README.md for how a batch runs and why no one gets two letters.
 *
 * What a letter says is the approved notice's TEXT rendering, from the notice's template snapshot,
 * with the same input the email is rendered from (`noticeContextBuilder` + `personalise`): the text
 * twin of each template has the same sections and words as its HTML (the templates are written
 * that way and approved together), it is plain text that a PDF can set line by line without a
 * browser, and so the letter carries the very words, reference code and page link the email
 * carries — its content hash is the one the email's copy records for the same person.
 */

export interface LetterDeps {
  pool: Pool;
  templates: TemplateCache;
  config: Readonly<Config>;
  /** Where a missing font is reported. @default silent */
  warn?: (message: string) => void;
}

/** Letters per file: the mail house's ceiling (and the benchmark's). */
export const LETTERS_PER_FILE = 1_000;
/** Letters read from the database at a time while a file is rendered. */
const PAGE_SIZE = 250;

export const MANIFEST_NAME = 'manifest.csv';
export const CHECKSUMS_NAME = 'SHA256SUMS';

/** The folder of a batch's files: LETTERS_DIR/<incident>/<batch>. */
export const batchDir = (config: Pick<Config, 'letters'>, batch: { incidentId: string; id: string }) =>
  join(config.letters.dir, batch.incidentId, batch.id);

/** The name of a batch's n-th file: letters-0001.pdf. */
export const letterFileName = (fileNo: number) => `letters-${String(fileNo).padStart(4, '0')}.pdf`;

export interface RenderedFile {
  fileNo: number;
  letters: number;
  pages: number;
  /** True when the file was already finished (a retry after it was recorded): nothing was written. */
  skipped: boolean;
}

/**
 * Renders file `fileNo` of a batch: its letters, in customer order, into a temporary file that is
 * renamed into place once complete and then recorded (the file row and each letter's pages and
 * hash, one transaction). A file already recorded and on disk with its hash is skipped; anything
 * else is rendered again from the start, to the same bytes (the batch fixes the date and the PDF's
 * creation date, the rest comes from frozen records and the approved snapshot). `onProgress` gets
 * the last customer id rendered, for heartbeats.
 */
export async function renderLetterFile(
  deps: LetterDeps,
  input: { batchId: string; fileNo: number },
  options: { onProgress?: (cursor: number) => void; signal?: AbortSignal } = {},
): Promise<RenderedFile> {
  const { pool, config } = deps;
  const batch = await letters.getBatch(pool, input.batchId);
  if (!batch) throw new NotFoundError(`letter batch ${input.batchId} does not exist`);
  const dir = batchDir(config, batch);
  const name = letterFileName(input.fileNo);
  const path = join(dir, name);

  const recorded = await letters.getFile(pool, batch.id, input.fileNo);
  if (recorded && (await sha256OfFile(path).catch(() => null)) === recorded.sha256) {
    return { fileNo: input.fileNo, letters: recorded.letters, pages: recorded.pages, skipped: true };
  }

  const notice = await notices.get(pool, batch.noticeId);
  if (!notice || (notice.status !== 'approved' && notice.status !== 'superseded')) {
    throw new NoticeNotApprovedError(batch.noticeId);
  }
  const incident = await incidents.get(pool, batch.incidentId);
  if (!incident) throw new IncidentNotFoundError(batch.incidentId);
  const templates = await deps.templates.get(notice.templateVersion);
  // California's notice states whether a law-enforcement hold delayed it; its date is the letter's
  // own, printed at the head of every letter (below), so not passed again.
  const contextFor = noticeContextBuilder(notice, incident, config, {
    lawEnforcementDelay: await obligations.everHeld(pool, batch.incidentId),
  });
  const company = notice.content.company;
  const sender = [company.name, company.postalAddress, company.supportEmail, company.supportPhone];
  const returnAddress = `${company.name}, ${company.postalAddress}`;

  await mkdir(dir, { recursive: true });
  // A name of this attempt's own: a stale attempt still writing cannot clobber it.
  const temp = join(dir, `.${name}.${process.pid}.${Date.now()}.tmp`);
  const file = new LetterFile(temp, {
    creationDate: batch.letterDate,
    title: `Letters ${batch.id} file ${input.fileNo}`,
    fonts: letterFonts(deps.warn),
  });
  const rendered: { id: number; firstPage: number; pages: number; contentHash: string }[] = [];
  try {
    let after = 0;
    for (;;) {
      if (options.signal?.aborted) throw new Error('letter rendering cancelled');
      const page = await letters.fileLetters(pool, batch.id, input.fileNo, { after, limit: PAGE_SIZE });
      if (page.length === 0) break;
      const withTokens = page.map((r) => ({ r, token: recipientPageToken(config, r) }));
      // The page link printed in a letter starts working, as for an email (delivery/shard-pass.ts).
      await affected.issuePageTokens(
        pool,
        batch.incidentId,
        withTokens.flatMap(({ r, token }) =>
          r.pageTokenHash === null && token !== null
            ? [{ customerId: r.customerId, hash: pageTokenHash(token) }]
            : [],
        ),
        config.pageTokens.days,
      );
      for (const { r, token } of withTokens) {
        const context = contextFor(r);
        const mail = renderIndividualNotice(templates, personalise(context, r, token ?? WITHHELD_TOKEN));
        const locale = formattingLocale(r.locale, mail.locale);
        const placed = file.add({
          referenceCode: r.referenceCode,
          date: formatDate(batch.letterDate, locale, context.timeZone),
          sender,
          returnAddress,
          address: addressBlock(addresseeName(r), r.letterAddress, config.letters.homeCountry),
          body: mail.text,
          words: letterWords(mail.locale),
        });
        rendered.push({ id: r.letterId, ...placed, contentHash: renderedMailHash(mail) });
      }
      after = page.at(-1)!.customerId;
      options.onProgress?.(after);
      // Let heartbeats and cancellation through between pages.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await file.end();
  } catch (err) {
    await file.end().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
  if (rendered.length === 0) {
    // Every letter of this file went to a concurrent batch: no file.
    await rm(temp, { force: true });
    return { fileNo: input.fileNo, letters: 0, pages: 0, skipped: false };
  }
  await fsync(temp);
  const sha256 = await sha256OfFile(temp);
  const { size } = await stat(temp);
  await rename(temp, path);
  await fsyncDir(dir);
  await letters.recordFile(
    pool,
    {
      batchId: batch.id,
      fileNo: input.fileNo,
      name,
      letters: rendered.length,
      pages: file.pages,
      bytes: size,
      sha256,
    },
    rendered,
  );
  // Counted once recorded (core/metrics.ts); a file a retry renders again is counted again.
  countLetters(rendered.length);
  return { fileNo: input.fileNo, letters: rendered.length, pages: file.pages, skipped: false };
}

/**
 * Writes a batch's manifest (CSV: reference, name, address, pages, first page, file; one row per
 * letter in file and print order) and its checksums (SHA256SUMS, as `sha256sum -c` reads it: one
 * line per PDF and one for the manifest). Each is written to a temporary name and renamed, so a
 * retry writes them again in full. Returns the manifest's hash and the letters listed.
 */
export async function writeBatchManifest(
  deps: Pick<LetterDeps, 'pool' | 'config'>,
  batchId: string,
): Promise<{ manifestSha256: string; letters: number; files: number }> {
  const { pool, config } = deps;
  const batch = await letters.getBatch(pool, batchId);
  if (!batch) throw new NotFoundError(`letter batch ${batchId} does not exist`);
  const dir = batchDir(config, batch);
  await mkdir(dir, { recursive: true });

  const manifestTemp = join(dir, `.${MANIFEST_NAME}.${process.pid}.tmp`);
  const out = await open(manifestTemp, 'w');
  const hash = createHash('sha256');
  let listed = 0;
  try {
    const write = async (line: string) => {
      hash.update(line);
      await out.write(line);
    };
    await write(csvLine(['reference', 'name', 'address', 'pages', 'first_page', 'file']));
    let afterFile = 0;
    let afterCustomer = 0;
    for (;;) {
      const rows = await letters.manifestPage(pool, batch.id, { afterFile, afterCustomer, limit: 2_000 });
      if (rows.length === 0) break;
      let chunk = '';
      for (const row of rows) {
        const block = addressBlock(addresseeName(row), row.address, config.letters.homeCountry);
        chunk += csvLine([
          row.referenceCode,
          block[0] ?? '',
          addressOneLine(block),
          String(row.pages),
          String(row.firstPage),
          row.file,
        ]);
      }
      await write(chunk);
      listed += rows.length;
      const last = rows.at(-1)!;
      afterFile = last.fileNo;
      afterCustomer = last.customerId;
    }
    await out.sync();
  } finally {
    await out.close();
  }
  const manifestSha256 = hash.digest('hex');
  await rename(manifestTemp, join(dir, MANIFEST_NAME));

  const files = await letters.listFiles(pool, batch.id);
  const sums = [
    ...files.map((f) => `${f.sha256}  ${f.name}\n`),
    `${manifestSha256}  ${MANIFEST_NAME}\n`,
  ].join('');
  const sumsTemp = join(dir, `.${CHECKSUMS_NAME}.${process.pid}.tmp`);
  const sumsFile = await open(sumsTemp, 'w');
  try {
    await sumsFile.write(sums);
    await sumsFile.sync();
  } finally {
    await sumsFile.close();
  }
  await rename(sumsTemp, join(dir, CHECKSUMS_NAME));
  // What attempts killed mid-file left behind: every file is recorded by now, so the folder the mail
  // house receives holds the PDFs, the manifest and the checksums, and nothing else.
  for (const entry of await readdir(dir)) {
    if (/^\..*\.tmp$/.test(entry)) await rm(join(dir, entry), { force: true });
  }
  await fsyncDir(dir);
  return { manifestSha256, letters: listed, files: files.length };
}

/** One CSV record (RFC 4180): every field quoted, quotes doubled, CRLF at the end. */
export function csvLine(fields: readonly string[]): string {
  return fields.map((f) => `"${defused(f).replace(/"/g, '""')}"`).join(',') + '\r\n';
}

/**
 * A field a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return:
 * OWASP's CSV injection list) gets a leading apostrophe. Names and addresses come from the
 * inventory, and the mail house opens the manifest in a spreadsheet; quoting alone does not stop it.
 */
function defused(field: string): string {
  return /^[=+\-@\t\r]/.test(field) ? `'${field}` : field;
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The rename itself survives a power cut once the folder is synced. */
async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
