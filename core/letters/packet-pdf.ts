import PDFDocument from 'pdfkit';
import type { Notice } from '../db/notices';
import { letterFonts } from './pdf';

/*
 * A filing packet as a PDF (core/use-cases/packets.ts `exportPacketPdf`): for reading, for a filing
 * by post, and for the file of what was filed. A4, DejaVu Sans embedded like the letters
 * (core/letters/pdf.ts `letterFonts`), so every name and every language's letters print; the
 * standard fonts with "?" for what Latin-1 lacks where DejaVu is missing. Each element is printed
 * with its label, value and the provision asking for it; the footer names the version and its
 * content hash, and a packet not approved says so on every page.
 */

const MM = 72 / 25.4;

/** The packet's PDF bytes. Deterministic for one packet version (fixed creation date). */
export async function packetPdf(notice: Notice, reference: string): Promise<Buffer> {
  const packet = notice.content.packet;
  if (!packet) throw new TypeError(`Notice ${notice.id} is not a filing packet`);
  const fonts = letterFonts();
  const t = (s: string) => (fonts.embedded ? s : s.replace(/[^\n\x20-\x7e\xa0-\xff]/g, '?'));
  const doc = new PDFDocument({
    size: 'A4',
    bufferPages: true,
    margins: { top: 20 * MM, bottom: 22 * MM, left: 22 * MM, right: 20 * MM },
    info: {
      Title: `${packet.authority.name} — ${reference}`,
      Creator: 'Forthright',
      Producer: 'Forthright (pdfkit)',
      CreationDate: notice.draftedAt,
    },
    lang: packet.language,
  });
  doc.registerFont('body', fonts.regular as string);
  doc.registerFont('bold', fonts.bold as string);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const approved = notice.status === 'approved';
  doc.font('bold').fontSize(15).text(t(packet.authority.name), { width });
  doc.font('body').fontSize(9).fillColor('#444444');
  for (const line of [packet.authority.postalAddress, packet.submission.address ?? undefined]) {
    if (line) doc.text(t(line), { width });
  }
  doc.moveDown(0.6).fillColor('#000000').fontSize(10);
  doc.text(t(`${notice.content.company.name} · ${reference}`), { width });
  doc.text(t(`${packet.regime} — ${packet.citation}`), { width });
  doc.text(
    t(
      `${packet.kind === 'supplement' ? `Supplement (filing ${packet.sequence})` : 'Filing'} · version ${notice.version} · ${approved ? 'approved' : `NOT APPROVED (${notice.status})`}`,
    ),
    { width },
  );
  if (packet.phased && packet.phasing) {
    doc.moveDown(0.3).font('bold').text(t(`Information provided in phases (${packet.phasing}).`), { width });
  }
  doc.moveDown(0.8);
  for (const e of packet.elements) {
    if (doc.y + 50 > doc.page.height - doc.page.margins.bottom) doc.addPage();
    doc.font('bold').fontSize(11).fillColor('#000000').text(t(e.label), left, doc.y, { width });
    doc.font('body').fontSize(8).fillColor('#555555').text(t(`${e.citation}${e.required ? ' · required' : ''}`), { width });
    doc.moveDown(0.2).fontSize(10).fillColor('#000000');
    doc.text(t(e.value.trim() === '' ? '—' : e.value), { width });
    doc.moveDown(0.7);
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.height - doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('body').fontSize(7).fillColor('#555555');
    doc.text(
      t(
        `${reference} · v${notice.version} · sha256 ${notice.contentHash} · ${i + 1}/${range.count}${approved ? '' : ' · DRAFT, NOT APPROVED'}`,
      ),
      left,
      bottom + 8 * MM,
      { width, lineBreak: false },
    );
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
