import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import type { Config } from '../../../core/config';
import * as audit from '../../../core/db/audit';
import * as letters from '../../../core/db/letters';
import {
  CHECKSUMS_NAME,
  MANIFEST_NAME,
  batchDir,
  renderLetterFile,
  writeBatchManifest,
} from '../../../core/letters/batch';
import { LETTER_GEOMETRY, letterFonts } from '../../../core/letters/pdf';
import { TemplateCache } from '../../../core/mail/template-cache';
import { finishLetterBatch, openLetterBatch } from '../../../core/use-cases/letters';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { newLetterIncident } from '../../helpers/letters';

/**
 * A letter batch rendered through the product's own steps (open → one call per file → manifest),
 * then read back with poppler as a mail house's prepress would: every letter's first page renders
 * (pdftoppm) and is not blank, its text (pdftotext) carries the person's name and reference — the
 * name inside the envelope window's area — and the manifest's pages and files match the PDFs
 * (pdfinfo), whose SHA-256 the checksums file lists.
 */

const PEOPLE = [
  { externalId: 'L1', fullName: 'Ζωή Παπαδοπούλου' },
  { externalId: 'L2', fullName: 'Иван Петров', locale: 'es' },
  { externalId: 'L3', fullName: 'Zoë Ångström' },
  { externalId: 'L4', fullName: 'Plain Person' },
  { externalId: 'L5', fullName: 'Second File Person' },
  // Reached by email (consent on record): no letter.
  { externalId: 'E1', fullName: 'Emailed Person', kind: 'email_with_consent' as const },
];
const PER_FILE = 3;

describe('core/letters (a batch for the mail house)', () => {
  let db: TestDatabase;
  let config: Readonly<Config>;
  let incidentId: string;
  let batchId: string;
  let dir: string;
  /** Rasterised pages go here, not into the batch's folder. */
  const pages = mkdtempSync(join(tmpdir(), 'forthright-letter-pages-'));
  const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
  const pdfText = (file: string, page: number, crop?: { x: number; y: number; w: number; h: number }) =>
    execFileSync(
      'pdftotext',
      [
        '-f',
        String(page),
        '-l',
        String(page),
        ...(crop ? ['-x', `${crop.x}`, '-y', `${crop.y}`, '-W', `${crop.w}`, '-H', `${crop.h}`] : []),
        '-r',
        '72',
        join(dir, file),
        '-',
      ],
      { encoding: 'utf8' },
    );
  const pageCount = (file: string) =>
    Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [join(dir, file)], { encoding: 'utf8' }))![1]);
  const manifest = () =>
    parse(readFileSync(join(dir, MANIFEST_NAME), 'utf8'), { columns: true }) as Record<string, string>[];

  beforeAll(async () => {
    db = await createTestDatabase();
    config = loadConfig({
      FORTHRIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'forthright-letters-')),
      DATABASE_URL: db.url,
      SMTP_URL: 'smtp://127.0.0.1:1',
      LOG_LEVEL: 'silent',
    });
    const deps = { pool: db.pool, templates: new TemplateCache(db.pool), config };
    ({ incidentId } = await newLetterIncident(deps, PEOPLE));
    const opened = await openLetterBatch(deps, { incidentId, key: 'test-initial', perFile: PER_FILE });
    expect(opened).toMatchObject({ letters: 5, files: 2 });
    batchId = opened!.batchId;
    for (let fileNo = 1; fileNo <= opened!.files; fileNo++) {
      await renderLetterFile(deps, { batchId, fileNo });
    }
    await finishLetterBatch(deps, batchId);
    dir = batchDir(config, { incidentId, id: batchId });
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
  });

  it('prints with DejaVu embedded, so the Greek and Cyrillic names print', () => {
    expect(letterFonts().embedded).toBe(true);
    const fonts = execFileSync('pdffonts', [join(dir, 'letters-0001.pdf')], { encoding: 'utf8' });
    expect(fonts).toMatch(/DejaVuSans\s.*\byes\s+yes\b/);
  });

  it('lists one letter per person whose channel is a letter, and nobody else', () => {
    const rows = manifest();
    expect(rows.map((r) => r.name).sort()).toEqual(
      PEOPLE.filter((p) => !p.kind)
        .map((p) => p.fullName)
        .sort(),
    );
    expect(Object.keys(rows[0]!)).toEqual(['reference', 'name', 'address', 'pages', 'first_page', 'file']);
    expect(new Set(rows.map((r) => r.reference)).size).toBe(rows.length);
    expect(rows.map((r) => r.file)).toEqual([
      'letters-0001.pdf',
      'letters-0001.pdf',
      'letters-0001.pdf',
      'letters-0002.pdf',
      'letters-0002.pdf',
    ]);
  });

  it('renders every letter’s first page with the name in the window and the reference on it', () => {
    const g = LETTER_GEOMETRY;
    const mm = (n: number) => Math.round((n * 72) / 25.4);
    const window = {
      x: mm(g.addressField.left),
      y: mm(g.addressField.top),
      w: mm(g.addressField.width),
      h: mm(g.addressField.height),
    };
    for (const row of manifest()) {
      const first = Number(row.first_page);
      const page = pdfText(row.file!, first);
      expect(page).toContain(row.reference);
      expect(pdfText(row.file!, first, window)).toContain(row.name);
      // Spanish for the person who reads Spanish: the frame words follow the notice's language.
      if (row.name === 'Иван Петров') expect(page).toMatch(/Página 1 de \d/);
      else expect(page).toMatch(/Page 1 of \d/);

      // Rasterised: the page renders, and it is not blank.
      const base = join(pages, row.reference!);
      execFileSync('pdftoppm', [
        '-gray',
        '-r',
        '30',
        '-f',
        `${first}`,
        '-l',
        `${first}`,
        '-singlefile',
        join(dir, row.file!),
        base,
      ]);
      const pgm = readFileSync(`${base}.pgm`);
      const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 32).toString('latin1'));
      expect(header).not.toBeNull();
      const pixels = pgm.subarray(pgm.length - Number(header![1]) * Number(header![2]));
      expect(pixels.filter((p) => p < 200).length / pixels.length).toBeGreaterThan(0.01);
    }
  });

  it('puts the reference and "page X of Y" on every page of a letter', () => {
    for (const row of manifest()) {
      const pages = Number(row.pages);
      expect(pages).toBeGreaterThanOrEqual(1);
      for (let p = 0; p < pages; p++) {
        const text = pdfText(row.file!, Number(row.first_page) + p);
        expect(text).toContain(row.reference);
        expect(text).toMatch(new RegExp(`(Page|Página) ${p + 1} (of|de) ${pages}`));
      }
    }
  });

  it('has a manifest whose pages add up to each PDF, and checksums of every file', () => {
    const rows = manifest();
    for (const file of ['letters-0001.pdf', 'letters-0002.pdf']) {
      const mine = rows.filter((r) => r.file === file);
      expect(mine.reduce((n, r) => n + Number(r.pages), 0)).toBe(pageCount(file));
      // Letters follow each other: each starts where the one before it ended.
      let next = 1;
      for (const r of mine) {
        expect(Number(r.first_page)).toBe(next);
        next += Number(r.pages);
      }
    }
    const sums = readFileSync(join(dir, CHECKSUMS_NAME), 'utf8').trim().split('\n');
    expect(sums.map((l) => l.split('  ')[1])).toEqual([
      'letters-0001.pdf',
      'letters-0002.pdf',
      MANIFEST_NAME,
    ]);
    for (const line of sums) {
      const [hash, name] = line.split('  ');
      expect(sha256(join(dir, name!))).toBe(hash);
    }
    // `sha256sum -c` agrees (what the mail house runs).
    execFileSync('sha256sum', ['-c', CHECKSUMS_NAME], { cwd: dir });
  });

  it('leaves the mail house the PDFs, the manifest and the checksums, and no attempt’s leftovers', async () => {
    // What a render attempt killed mid-file leaves: its temporary file. Writing the manifest clears it.
    writeFileSync(join(dir, '.letters-0002.pdf.4242.1700000000000.tmp'), '%PDF-1.3 half a file');
    await writeBatchManifest({ pool: db.pool, config }, batchId);
    expect(readdirSync(dir).sort()).toEqual([
      CHECKSUMS_NAME,
      'letters-0001.pdf',
      'letters-0002.pdf',
      MANIFEST_NAME,
    ]);
  });

  it('records the batch ready with the manifest hash, and the letters rendered with their pages', async () => {
    const batch = await letters.getBatch(db.pool, batchId);
    expect(batch).toMatchObject({ status: 'ready', letters: 5, files: 2 });
    expect(batch!.manifestSha256).toBe(sha256(join(dir, MANIFEST_NAME)));
    const events = (await audit.listForIncident(db.pool, incidentId)).map((e) => e.action);
    expect(events).toContain('letter_batch_opened');
    expect(events).toContain('letter_batch_ready');
  });

  it('renders a file again to the same bytes, and skips one already finished', async () => {
    const deps = { pool: db.pool, templates: new TemplateCache(db.pool), config };
    const path = join(dir, 'letters-0001.pdf');
    const before = sha256(path);
    const mtime = statSync(path).mtimeMs;
    expect(await renderLetterFile(deps, { batchId, fileNo: 1 })).toMatchObject({ skipped: true, letters: 3 });
    expect(statSync(path).mtimeMs).toBe(mtime);
    // A file lost after it was recorded (a crash, a disk swap) is rendered again, identically.
    execFileSync('truncate', ['-s', '100', path]);
    expect(await renderLetterFile(deps, { batchId, fileNo: 1 })).toMatchObject({
      skipped: false,
      letters: 3,
    });
    expect(sha256(path)).toBe(before);
  });

  it('opens the same batch again under the same key, and none for nobody under another', async () => {
    const deps = { pool: db.pool };
    expect(await openLetterBatch(deps, { incidentId, key: 'test-initial' })).toMatchObject({ batchId });
    // Everyone who waits for a letter has one for this notice: nobody is in a second batch.
    expect(await openLetterBatch(deps, { incidentId, key: 'test-fallback' })).toBeNull();
  });
});
