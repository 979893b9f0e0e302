import { existsSync, readFileSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import PDFDocument from 'pdfkit';

/*
 * A file of printed letters for a mail house: A4 portrait, one letter after another, each starting
 * on a new sheet side, laid out for a window envelope.
 *
 * ## Geometry (millimetres from the sheet's top-left corner)
 * The recipient's address sits in the address field of DIN 5008 form B — 20 mm from the left edge,
 * 45–90 mm from the top, 85 mm wide — with the sender's one-line return address at its top
 * (52 mm) and the recipient's lines from 58 mm (at most 8 lines of 9 pt on 10.5 pt, ending by
 * 88 mm), printed from 25 mm (the field's 5 mm inner margin). That field is what the windows of
 * DIN 680 envelopes show: a DL envelope (110 × 220 mm, window 45 × 90 mm at 20 mm from the left
 * and 15 mm from the bottom) for A4 folded in three at the fold marks printed at 105 and 210 mm, and
 * a C5 window envelope for A4 folded once. Form B is chosen over GOV.UK Notify's C5-only address
 * area (24.6–120 mm across, 39.5–66.3 mm down) because the brief asks for DL and C5 alike and
 * form B is the layout both envelope sizes are made for. Nothing is printed within 5 mm of an edge
 * (the unprintable border most production printers keep), the sender's details stand to the
 * right of the window (125–195 mm across), and the body starts at 100 mm, under the window.
 *
 * ## Fonts
 * DejaVu Sans (regular and bold) is embedded, subset, from the system's fonts: it covers Latin,
 * Greek, Cyrillic, Armenian, Georgian, Hebrew and Arabic letters, so names in those scripts print.
 * It does not cover Chinese, Japanese or Korean; such characters print as the font's missing-glyph
 * box, which is why the manifest carries every name as written. Without DejaVu on the machine
 * (`fonts-dejavu-core` on Debian), the PDF standard fonts are used and characters outside Latin-1
 * are replaced by "?", with a warning from `letterFonts()` saying so — a degraded file rather
 * than no letters at all.
 *
 * ## Page numbers
 * Every page carries "page X of Y" of its letter and the reference code. Y is known only once the
 * letter is laid out, so each letter's pages are buffered (pdfkit `bufferPages`), numbered, then
 * flushed to the file: memory holds one letter, never the file.
 */

const MM = 72 / 25.4;
const mm = (n: number) => n * MM;

/** The layout in millimetres; see the comment above for where each number comes from. */
export const LETTER_GEOMETRY = {
  page: { width: 210, height: 297 },
  margin: { left: 25, right: 20, top: 20, bottom: 22 },
  addressField: { left: 20, top: 45, width: 85, height: 45, textInset: 5 },
  returnLineTop: 52,
  recipientTop: 58,
  sender: { left: 125, right: 195, top: 20 },
  reference: { left: 125, top: 60 },
  bodyTop: 100,
  foldMarks: [105, 210],
  punchMark: 148.5,
  footerTop: 284,
} as const;

const FONT_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu', '/usr/local/share/fonts'];

/** The fonts letters are set in, read once per process. */
export interface LetterFonts {
  regular: Buffer | 'Helvetica';
  bold: Buffer | 'Helvetica-Bold';
  /** False when DejaVu was not found: standard fonts, Latin-1 only. */
  embedded: boolean;
}

let fonts: LetterFonts | undefined;

/** DejaVu Sans from the system's fonts, or the standard fonts with `warn` called once. */
export function letterFonts(warn: (message: string) => void = () => undefined): LetterFonts {
  if (fonts) return fonts;
  const dir = FONT_DIRS.find(
    (d) => existsSync(`${d}/DejaVuSans.ttf`) && existsSync(`${d}/DejaVuSans-Bold.ttf`),
  );
  if (dir) {
    fonts = {
      regular: readFileSync(`${dir}/DejaVuSans.ttf`),
      bold: readFileSync(`${dir}/DejaVuSans-Bold.ttf`),
      embedded: true,
    };
  } else {
    warn('DejaVu Sans not found: letters use the standard PDF fonts, non-Latin-1 characters print as "?"');
    fonts = { regular: 'Helvetica', bold: 'Helvetica-Bold', embedded: false };
  }
  return fonts;
}

/** The frame words of a letter (not part of the approved notice) in the letter's language. */
export interface LetterWords {
  reference: string;
  /** "Page {x} of {y}" */
  page: (x: number, y: number) => string;
}

const WORDS: Readonly<Record<string, LetterWords>> = {
  en: { reference: 'Reference', page: (x, y) => `Page ${x} of ${y}` },
  es: { reference: 'Referencia', page: (x, y) => `Página ${x} de ${y}` },
  fr: { reference: 'Référence', page: (x, y) => `Page ${x} sur ${y}` },
  de: { reference: 'Referenz', page: (x, y) => `Seite ${x} von ${y}` },
};

/** The frame words for a template language, English when there are none for it. */
export const letterWords = (language: string): LetterWords => WORDS[language] ?? WORDS.en!;

/** One letter, ready to print: every string already in the reader's language. */
export interface PrintedLetter {
  referenceCode: string;
  /** The letter's date, formatted for the reader. */
  date: string;
  /** The sender's details, top right: the company's name first. */
  sender: string[];
  /** The one-line return address above the recipient's, for the envelope's window. */
  returnAddress: string;
  /** The address block's lines (core/letters/address.ts `addressBlock`). */
  address: string[];
  /** The notice's text rendering, printed as it is (headings underlined with = or - become bold). */
  body: string;
  words: LetterWords;
}

export interface LetterFileOptions {
  /** The PDF's creation date: fixed by the batch, so the same letters make the same bytes. */
  creationDate: Date;
  title: string;
  fonts: LetterFonts;
}

/**
 * Writes letters one after another into one PDF at `path`. `add` returns where the letter starts
 * (1-based page of the file) and how many pages it has; `end` finishes the file.
 */
export class LetterFile {
  private readonly doc: PDFKit.PDFDocument;
  private readonly done: Promise<void>;
  private pageCount = 0;
  private readonly latin1: boolean;

  constructor(path: string, options: LetterFileOptions) {
    const g = LETTER_GEOMETRY;
    this.doc = new PDFDocument({
      size: 'A4',
      autoFirstPage: false,
      bufferPages: true,
      margins: {
        top: mm(g.margin.top),
        bottom: mm(g.margin.bottom),
        left: mm(g.margin.left),
        right: mm(g.margin.right),
      },
      info: {
        Title: options.title,
        Creator: 'Forthright',
        Producer: 'Forthright (pdfkit)',
        CreationDate: options.creationDate,
      },
      lang: 'en',
    });
    this.doc.registerFont('body', options.fonts.regular as string);
    this.doc.registerFont('bold', options.fonts.bold as string);
    this.latin1 = !options.fonts.embedded;
    const out = createWriteStream(path);
    this.doc.pipe(out);
    this.done = finished(out);
  }

  add(letter: PrintedLetter): { firstPage: number; pages: number } {
    const doc = this.doc;
    const g = LETTER_GEOMETRY;
    const t = (s: string) => (this.latin1 ? latin1Only(s) : s);
    const left = mm(g.margin.left);
    const width = mm(g.page.width - g.margin.left - g.margin.right);
    const bottom = () => doc.page.height - doc.page.margins.bottom;

    doc.addPage();
    const firstPage = this.pageCount + 1;

    // Sender, top right.
    let y = mm(g.sender.top);
    const senderWidth = mm(g.sender.right - g.sender.left);
    letter.sender.forEach((line, i) => {
      doc.font(i === 0 ? 'bold' : 'body').fontSize(i === 0 ? 10 : 8.5);
      doc.text(t(line), mm(g.sender.left), y, { width: senderWidth });
      y = doc.y + 1;
    });

    // The window: return address, then the recipient.
    const fieldLeft = mm(g.addressField.left + g.addressField.textInset);
    const fieldWidth = mm(g.addressField.width - g.addressField.textInset);
    doc.font('body').fontSize(6.5);
    doc.text(t(letter.returnAddress), fieldLeft, mm(g.returnLineTop), {
      width: fieldWidth,
      lineBreak: false,
      ellipsis: true,
      underline: true,
    });
    doc.font('body');
    letter.address.slice(0, 8).forEach((line, i) => {
      // A line too long for the window is set smaller (down to 7 pt), then cut with an ellipsis.
      let size = 9;
      while (size > 7 && doc.fontSize(size).widthOfString(t(line)) > fieldWidth) size -= 0.5;
      doc.fontSize(size).text(t(line), fieldLeft, mm(g.recipientTop) + i * 10.5, {
        width: fieldWidth,
        lineBreak: false,
        ellipsis: true,
      });
    });

    // Reference (prominent) and date, right of the window.
    const refLeft = mm(g.reference.left);
    doc
      .font('body')
      .fontSize(8.5)
      .text(t(letter.words.reference), refLeft, mm(g.reference.top), { width: senderWidth });
    doc
      .font('bold')
      .fontSize(15)
      .text(letter.referenceCode, refLeft, doc.y + 1, { width: senderWidth });
    doc
      .font('body')
      .fontSize(9.5)
      .text(t(letter.date), refLeft, doc.y + 6, { width: senderWidth });

    // Fold and punch marks in the left border.
    for (const at of [...g.foldMarks, g.punchMark]) {
      doc
        .moveTo(mm(5), mm(at))
        .lineTo(mm(at === g.punchMark ? 9 : 10), mm(at))
        .lineWidth(0.4)
        .stroke('#000000');
    }

    // The notice itself.
    doc.x = left;
    doc.y = mm(g.bodyTop);
    const lines = letter.body.replace(/\r\n/g, '\n').split('\n');
    let blank = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.replace(/\s+$/, '');
      const next = lines[i + 1] ?? '';
      if (line === '') {
        if (!blank) doc.moveDown(0.55);
        blank = true;
        continue;
      }
      blank = false;
      if (isUnderline(next, line)) {
        // A heading: never the last thing on a page.
        if (doc.y + 60 > bottom()) doc.addPage();
        doc.font('bold').fontSize(11).text(t(line), left, doc.y, { width });
        doc.moveDown(0.2);
        i++;
        continue;
      }
      const bullet = /^\s+[-*•] (.*)$/.exec(line);
      doc.font('body').fontSize(10);
      if (bullet) {
        const y0 = doc.y;
        doc.text('•', left + 6, y0, { width: 10, lineBreak: false });
        doc.text(t(bullet[1]!), left + 16, y0, { width: width - 16 });
      } else {
        doc.text(t(line.trim()), left, doc.y, { width });
      }
    }

    // Number this letter's pages, each with the reference, then write them out.
    const range = doc.bufferedPageRange();
    for (let p = 0; p < range.count; p++) {
      doc.switchToPage(range.start + p);
      const margins = doc.page.margins;
      doc.page.margins = { ...margins, bottom: 0 };
      doc
        .font('body')
        .fontSize(8)
        .text(
          t(`${letter.words.reference} ${letter.referenceCode} · ${letter.words.page(p + 1, range.count)}`),
          left,
          mm(g.footerTop),
          { width, align: 'right', lineBreak: false },
        );
      doc.page.margins = margins;
    }
    doc.flushPages();
    this.pageCount += range.count;
    return { firstPage, pages: range.count };
  }

  /** Pages written so far. */
  get pages(): number {
    return this.pageCount;
  }

  /** Finishes the file; resolves once it is on disk. */
  async end(): Promise<void> {
    this.doc.end();
    await this.done;
  }
}

/** Whether `line` underlines `heading` (the text templates' `underline` helper: = or -). */
function isUnderline(line: string, heading: string): boolean {
  const l = line.trim();
  return l.length > 0 && /^(=+|-+)$/.test(l) && [...l].length === [...heading.trim()].length;
}

/** What the standard fonts can print (Latin-1); anything else becomes "?". */
function latin1Only(text: string): string {
  let out = '';
  for (const ch of text) out += ch.codePointAt(0)! < 256 ? ch : '?';
  return out;
}
