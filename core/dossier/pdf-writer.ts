import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import type { DossierList, DossierWriter } from './writer';
import type { AuditEventEntry, DeliveryLogEntry, DossierHeader } from './schema';

/**
 * dossier.pdf: the same data as dossier.json, laid out for a person (a regulator, counsel). pdfkit
 * writes each page out as the next begins, so the delivery log and the audit chain stream through
 * it page by page like the JSON. The standard PDF fonts are used, so the file looks the same
 * wherever it is made; they cover Latin-1 and the Windows punctuation, and any other character is
 * shown as "?" here — dossier.json holds every value exactly.
 */

const PAGE = { size: 'A4' as const, margin: 40 };
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const MONO = 'Courier';
const GREY = '#555555';

/** One column of a table: its heading, width in points, and how a row fills it. */
interface Column<T> {
  title: string;
  width: number;
  value: (row: T) => string;
  font?: string;
}

/** Characters the standard fonts' WinAnsi encoding has beyond Latin-1. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

function printable(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code === 9 || code === 10) out += ' ';
    else if ((code >= 32 && code < 127) || (code >= 160 && code < 256) || WIN_ANSI_EXTRA.has(ch)) out += ch;
    else out += '?';
  }
  return out;
}

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—');
const compact = (value: unknown) => (value === undefined ? '' : JSON.stringify(value));

export function pdfDossierWriter(path: string, incidentId: string): DossierWriter {
  const doc = new PDFDocument({
    size: PAGE.size,
    margin: PAGE.margin,
    info: { Title: `Evidence dossier, incident ${incidentId}`, Creator: 'Forthright' },
  });
  const out = createWriteStream(path);
  doc.pipe(out);
  const left = PAGE.margin;
  const width = doc.page.width - 2 * PAGE.margin;
  const bottom = () => doc.page.height - PAGE.margin - 14;
  let pageNumber = 1;
  let repeatHeading: (() => void) | null = null;

  const footer = () => {
    const { x, y } = doc;
    const margins = doc.page.margins;
    doc.page.margins = { ...margins, bottom: 0 };
    doc
      .font(FONT)
      .fontSize(7)
      .fillColor(GREY)
      .text(
        `Forthright evidence dossier · incident ${incidentId} · page ${pageNumber}`,
        left,
        doc.page.height - PAGE.margin + 10,
        { width, align: 'center', lineBreak: false },
      );
    doc.page.margins = margins;
    doc.fillColor('black');
    doc.x = x;
    doc.y = y;
  };
  doc.on('pageAdded', () => {
    pageNumber++;
    footer();
    repeatHeading?.();
  });
  footer();

  const ensure = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };
  const heading = (text: string) => {
    repeatHeading = null;
    ensure(40);
    doc.moveDown(0.6).font(BOLD).fontSize(13).text(printable(text), left, doc.y, { width });
    doc.moveDown(0.3).font(FONT).fontSize(9);
  };
  const subheading = (text: string) => {
    ensure(30);
    doc.moveDown(0.4).font(BOLD).fontSize(10).text(printable(text), left, doc.y, { width });
    doc.font(FONT).fontSize(9);
  };
  const para = (text: string, options: { font?: string; size?: number; color?: string } = {}) => {
    doc
      .font(options.font ?? FONT)
      .fontSize(options.size ?? 9)
      .fillColor(options.color ?? 'black')
      .text(printable(text), left, doc.y, { width });
    doc.fillColor('black').font(FONT).fontSize(9);
  };
  /** A short explanation in grey under a heading. */
  const note = (text: string) => {
    para(text, { size: 8, color: GREY });
    doc.moveDown(0.3);
  };
  const fields = (pairs: readonly [string, string][]) => {
    for (const [label, value] of pairs) {
      ensure(12);
      doc.font(BOLD).fontSize(9).text(`${label}: `, left, doc.y, { continued: true, width });
      doc.font(FONT).text(printable(value || '—'));
    }
  };

  /** Cuts `text` to fit `maxWidth` at the current font, with an ellipsis. */
  const fit = (text: string, maxWidth: number) => {
    let s = printable(text);
    if (doc.widthOfString(s) <= maxWidth) return s;
    while (s.length > 1 && doc.widthOfString(`${s}…`) > maxWidth)
      s = s.slice(0, Math.ceil(s.length * 0.9) - 1);
    return `${s}…`;
  };

  /** A table whose heading repeats on every page it runs over; rows are added page by page. */
  const table = <T>(columns: readonly Column<T>[], lines: (row: T) => string[] = () => []) => {
    const rowHeight = 10;
    const drawHeading = () => {
      let x = left;
      const y = doc.y;
      doc.font(BOLD).fontSize(7);
      for (const c of columns) {
        doc.text(c.title, x, y, { width: c.width - 3, lineBreak: false });
        x += c.width;
      }
      doc
        .moveTo(left, y + rowHeight)
        .lineTo(left + width, y + rowHeight)
        .lineWidth(0.5)
        .stroke();
      doc.y = y + rowHeight + 3;
    };
    ensure(rowHeight * 3);
    drawHeading();
    repeatHeading = drawHeading;
    return (rows: readonly T[]) => {
      for (const row of rows) {
        const extra = lines(row);
        ensure(rowHeight * (1 + extra.length) + 2);
        const y = doc.y;
        let x = left;
        for (const c of columns) {
          doc.font(c.font ?? FONT).fontSize(7);
          doc.text(fit(c.value(row), c.width - 4), x, y, { width: c.width, lineBreak: false });
          x += c.width;
        }
        doc.font(FONT).fontSize(6.5).fillColor(GREY);
        extra.forEach((line, i) => {
          doc.text(fit(line, width - 12), left + 12, y + rowHeight * (i + 1), { width, lineBreak: false });
        });
        doc.fillColor('black');
        doc.y = y + rowHeight * (1 + extra.length) + 2;
      }
    };
  };

  let deliveryRows: ((rows: readonly DeliveryLogEntry[]) => void) | null = null;
  let auditRows: ((rows: readonly AuditEventEntry[]) => void) | null = null;

  const writeHeader = (h: DossierHeader) => {
    const facts = h.incident.facts;
    const v = h.auditVerification;
    doc.font(BOLD).fontSize(20).text('Evidence dossier', left, doc.y, { width });
    doc.moveDown(0.2).font(BOLD).fontSize(14).text(printable(facts.title), { width });
    doc.moveDown(0.5).font(FONT).fontSize(9);
    fields([
      ['Incident', h.incident.id],
      ['Generated', `${when(h.generatedAt)} by ${h.generatedBy.id} (${h.generatedBy.role})`],
      ['Opened', `${when(h.incident.createdAt)} by ${h.incident.openedByName} (${h.incident.openedBy})`],
      ['Status', facts.status],
      ['Rules version', h.rulesVersion ?? 'not assessed'],
    ]);
    doc.moveDown(0.5);
    const verdict = v.ok
      ? `Audit trail verified: ${v.events} events, the hash chain is unbroken.`
      : `AUDIT TRAIL BROKEN: ${v.breaks.length} break(s) in ${v.events} events (listed in section 10).`;
    para(verdict, { font: BOLD, size: 10, color: v.ok ? '#1a5d1a' : '#b00020' });
    if (v.head) fields([['Chain head', `${v.head.hash} (event ${v.head.id}, position ${v.head.chainSeq})`]]);
    doc.moveDown(0.3);
    const people = Object.entries(h.deliverySummary.people)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    fields([['People', people || 'none identified']]);
    note(
      'The files of this dossier (this PDF, dossier.json) are listed with their SHA-256 in manifest.json; ' +
        'the export itself is recorded in the audit trail with the manifest’s hash.',
    );

    heading('1. The incident: facts and their versions');
    fields([
      ['Description', facts.description],
      ['Discovered', when(facts.discoveredAt)],
      ['Occurred', `${when(facts.occurredFrom)} to ${when(facts.occurredTo)}`],
      ['Systems', facts.systems.join(', ')],
      ['Data categories', facts.dataCategories.join(', ')],
      [
        'Encrypted',
        `${facts.encrypted ? 'yes' : 'no'}; key compromised: ${facts.keyCompromised ? 'yes' : 'no'}`,
      ],
      ['Materiality determined', when(facts.materialityDeterminedAt)],
      ['Extortion payment', when(facts.extortionPaidAt)],
    ]);
    subheading('Versions (from the audit trail)');
    if (h.incident.factVersions.length === 0) para('No recorded change.');
    for (const fv of h.incident.factVersions) {
      ensure(36);
      para(`${when(fv.at)} · ${fv.action} by ${fv.actor}${fv.reason ? ` · reason: ${fv.reason}` : ''}`, {
        font: BOLD,
        size: 8,
      });
      para(`before: ${compact(fv.before)}`, { font: MONO, size: 7 });
      para(`after:  ${compact(fv.after)}`, { font: MONO, size: 7 });
    }

    heading(`2. The law: obligations under rules version ${h.rulesVersion ?? '—'}`);
    if (h.obligations.length === 0) para('No obligation assessed.');
    for (const o of h.obligations) {
      subheading(
        `${o.regime} · ${o.jurisdiction} · ${o.audience} — ${o.status}${o.supersededAt ? ' (superseded)' : ''}`,
      );
      fields([
        ['Statute', o.citation],
        ['Deadline', `${o.deadlineText}; legal ${when(o.legalDueAt)}, working ${when(o.dueAt)}`],
        ['Reason', o.reason ?? '—'],
        ['Affected', String(o.affectedCount)],
        ['Assessed', `${when(o.assessedAt)} (rules ${o.rulesVersion}, rule ${o.ruleId})`],
        ...(o.uncertain ? ([['Uncertain', o.uncertain]] as [string, string][]) : []),
        ...(o.metAt ? ([['Met', when(o.metAt)]] as [string, string][]) : []),
        ...(o.delayReason ? ([['Delay reason', o.delayReason]] as [string, string][]) : []),
        ...(o.heldSince ? ([['Held since', when(o.heldSince)]] as [string, string][]) : []),
        ...(o.heldUntil
          ? ([['Held until', `${when(o.heldUntil)} (oral request, 45 CFR 164.412(b))`]] as [string, string][])
          : []),
        ...(o.supersededAt ? ([['Superseded', when(o.supersededAt)]] as [string, string][]) : []),
      ]);
    }

    heading('3. The notice: every version, its approvals and hash');
    if (h.notices.length === 0) para('No notice drafted.');
    for (const n of h.notices) {
      subheading(`Version ${n.version} — ${n.status}`);
      fields([
        ['Content hash', n.contentHash],
        ['Template version', n.templateVersion],
        ['Drafted', `${when(n.draftedAt)}${n.revisedBy ? ` (wording by ${n.revisedBy})` : ''}`],
        [
          'Decided',
          n.decidedAt ? `${when(n.decidedAt)} by ${n.decidedByName ?? n.decidedBy ?? '—'}` : 'not decided',
        ],
        ...(n.decisionComment ? ([['Comment', n.decisionComment]] as [string, string][]) : []),
        ...(n.preapprovedNoticeId
          ? ([['Standard notice', `pre-approval ${n.preapprovedNoticeId}`]] as [string, string][])
          : []),
      ]);
      for (const a of n.approvals) {
        para(
          `· ${a.decision} by ${a.decidedByName} (${a.decidedBy}) at ${when(a.decidedAt)} for hash ${a.contentHash}` +
            `${a.consumedAt ? `, acted on ${when(a.consumedAt)}` : ', never acted on'}${a.comment ? ` — “${a.comment}”` : ''}`,
          { size: 8 },
        );
      }
      const content = n.content as { title?: unknown; whatHappened?: unknown; whatWeAreDoing?: unknown };
      for (const [label, value] of [
        ['Title', content.title],
        ['What happened', content.whatHappened],
        ['What we are doing', content.whatWeAreDoing],
      ] as const) {
        if (typeof value === 'string') para(`${label}: ${value}`, { size: 8, color: GREY });
      }
    }

    heading('4. Determinations: what compliance decided, and its effect');
    note(
      'Each proposed by one person and approved or rejected by a second. An approved determination sets ' +
        'the obligations it covers to not required (the reason kept with them) and creates the duties that follow.',
    );
    if (h.determinations.length === 0) para('None recorded.');
    for (const d of h.determinations) {
      const scope = [
        d.jurisdictions.length ? d.jurisdictions.join(', ') : null,
        d.ruleIds.length ? `rules ${d.ruleIds.join(', ')}` : null,
      ].filter((x): x is string => x !== null);
      subheading(`${d.kind} — ${d.status}`);
      fields([
        ['Covers', scope.length ? scope.join('; ') : 'the whole incident'],
        ...(d.leadJurisdiction ? ([['Lead authority', d.leadJurisdiction]] as [string, string][]) : []),
        ...(d.requestForm ? ([['Request made', d.requestForm]] as [string, string][]) : []),
        ['Reason', d.reason],
        ['Proposed', `${when(d.proposedAt)} by ${d.proposedByName} (${d.proposedBy})`],
        [
          'Decided',
          d.decidedAt
            ? `${when(d.decidedAt)} by ${d.decidedByName ?? '—'} (${d.decidedBy ?? '—'})${d.decisionComment ? ` — “${d.decisionComment}”` : ''}`
            : 'not decided',
        ],
        ...(d.withdrawnAt
          ? ([
              [
                'Withdrawn',
                `${when(d.withdrawnAt)} by ${d.withdrawnByName ?? '—'}${d.withdrawalReason ? ` — “${d.withdrawalReason}”` : ''}`,
              ],
            ] as [string, string][])
          : []),
      ]);
      for (const f of d.facts) para(`· fact: ${f}`, { size: 8 });
      for (const [title, list] of [
        ['Effect', d.effect],
        ['Effect of the withdrawal', d.withdrawalEffect],
      ] as const) {
        for (const e of list) {
          para(
            `${title}: ${e.jurisdiction} · ${e.audience} (${e.ruleId}) ${e.change}: ` +
              `${e.statusBefore ?? 'new'} -> ${e.statusAfter}${e.reason ? ` — ${e.reason}` : ''}`,
            { size: 8, color: GREY },
          );
        }
      }
    }

    heading('5. Filing packets: every version, its hash and approvals');
    if (h.packets.length === 0) para('No filing packet drafted.');
    for (const p of h.packets) {
      subheading(
        `${p.jurisdiction} · ${p.ruleId}${p.sequence > 1 ? ` · supplement ${p.sequence - 1}` : ''} — version ${p.version}, ${p.status}`,
      );
      fields([
        ['Content hash', p.contentHash],
        ['Template version', p.templateVersion],
        [
          'Drafted',
          `${when(p.draftedAt)}${p.revisedBy ? ` (values by ${p.revisedByName ?? p.revisedBy})` : ''}`,
        ],
        [
          'Decided',
          p.decidedAt ? `${when(p.decidedAt)} by ${p.decidedByName ?? p.decidedBy ?? '—'}` : 'not decided',
        ],
        ...(p.decisionComment ? ([['Comment', p.decisionComment]] as [string, string][]) : []),
      ]);
      for (const a of p.approvals) {
        para(
          `· ${a.decision} by ${a.decidedByName} (${a.decidedBy}) at ${when(a.decidedAt)} for hash ${a.contentHash}` +
            `${a.comment ? ` — “${a.comment}”` : ''}`,
          { size: 8 },
        );
      }
      const packet = p.content.packet as
        { elements?: { label?: unknown; key?: unknown; citation?: unknown; value?: unknown }[] } | undefined;
      for (const e of packet?.elements ?? []) {
        const value = typeof e.value === 'string' ? e.value : compact(e.value);
        para(`${String(e.label ?? e.key)} (${String(e.citation ?? '')}): ${value || '—'}`, {
          size: 8,
          color: GREY,
        });
      }
    }

    heading('6. Filings and their proof');
    note(
      'An obligation to an authority is met only with proof: the approved packet sent by email (the relay’s ' +
        'answer and the message’s SHA-256 kept), or filed by a person with the authority’s reference and a receipt (its SHA-256 kept).',
    );
    if (h.filings.length === 0) para('No filing made.');
    for (const f of h.filings) {
      subheading(
        `${f.jurisdiction} · ${f.ruleId}${f.sequence > 1 ? ` · supplement ${f.sequence - 1}` : ''} — ${f.channel}, ${f.status}`,
      );
      fields([
        ['Filed', when(f.filedAt)],
        ['Packet', `${f.packetId}, hash ${f.packetHash}`],
        ...(f.reference ? ([['Reference', f.reference]] as [string, string][]) : []),
        ...(f.recordedBy
          ? ([['By', `${f.recordedByName ?? '—'} (${f.recordedBy})`]] as [string, string][])
          : []),
        ...(f.recipient
          ? ([
              ['Sent to', `${f.recipient}, message ${f.messageId ?? '—'}, ${f.attempts} attempt(s)`],
              ['Relay answer', f.relayResponse ?? '—'],
              [
                'Message SHA-256',
                `${f.messageSha256 ?? '—'}${f.files.message ? `; file ${f.files.message} beside this dossier` : ''}`,
              ],
            ] as [string, string][])
          : []),
        ...(f.uncertain
          ? ([['Uncertain', 'no answer after the relay held the message: it may have arrived']] as [
              string,
              string,
            ][])
          : []),
        ...(f.receiptSha256
          ? ([
              [
                'Receipt',
                `${f.receiptFilename ?? '—'} (${f.receiptContentType ?? '—'}, ${f.receiptBytes ?? '?'} bytes), SHA-256 ${f.receiptSha256}` +
                  (f.files.receipt ? `; file ${f.files.receipt} beside this dossier` : ''),
              ],
            ] as [string, string][])
          : []),
      ]);
    }

    heading('7. Recorded actions: filings, determinations, holds, assessments');
    if (h.recordedActions.length === 0) para('None recorded.');
    for (const a of h.recordedActions) {
      ensure(24);
      para(`${when(a.at)} · ${a.action} by ${a.actor}`, { font: BOLD, size: 8 });
      para(compact(a.detail), { font: MONO, size: 7 });
    }

    heading('8. Delivery summary');
    fields([
      [
        'People by status',
        Object.entries(h.deliverySummary.people)
          .map(([s, n]) => `${s}: ${n}`)
          .join(', '),
      ],
      [
        'Messages by delivery status',
        Object.entries(h.deliverySummary.deliveries)
          .map(([s, n]) => `${s}: ${n}`)
          .join(', '),
      ],
    ]);
  };

  return {
    async header(h) {
      writeHeader(h);
    },
    async begin(list: DossierList) {
      // The previous table ends here: its heading must not open the new section's page.
      repeatHeading = null;
      // Each list starts on a page of its own.
      doc.addPage();
      if (list === 'deliveries') {
        heading('9. Delivery log, per recipient');
        note(
          'Name and address as frozen when the person was identified; time in UTC; the relay reply is the ' +
            'last answer of the mail relay. The second line names the message and the SHA-256 of the text as sent.',
        );
        deliveryRows = table<DeliveryLogEntry>(
          [
            { title: 'Reference', width: 62, value: (r) => r.referenceCode, font: MONO },
            { title: 'Name', width: 90, value: (r) => r.fullName },
            { title: 'Address', width: 108, value: (r) => r.email ?? '—' },
            { title: 'Person', width: 52, value: (r) => r.status },
            { title: 'Message', width: 50, value: (r) => r.deliveryStatus ?? '—' },
            { title: 'Sent (UTC)', width: 75, value: (r) => when(r.sentAt) },
            { title: 'Tries', width: 22, value: (r) => String(r.attempts) },
            { title: 'Relay reply', width: 56, value: (r) => r.lastReply ?? '—' },
          ],
          (r) => {
            const parts = [
              r.noticeVersion !== null ? `notice v${r.noticeVersion}` : null,
              r.messageId ? `message ${r.messageId}` : null,
              r.contentHash ? `sha256 ${r.contentHash}` : null,
              r.representativeEmail
                ? `representative ${r.representativeName ?? ''} <${r.representativeEmail}>`
                : null,
              r.mergedInto !== null ? `covered by the notice of customer ${r.mergedInto}` : null,
              r.acknowledgedAt ? `acknowledged ${when(r.acknowledgedAt)}` : null,
              r.lastReply && r.lastReply.length > 20 ? `reply: ${r.lastReply}` : null,
            ].filter((p): p is string => p !== null);
            return parts.length ? [parts.join(' · ')] : [];
          },
        );
      } else {
        heading('10. The audit trail of this incident, with its hash chain');
        note(
          'Each event’s hash covers its fields and the hash of the event before it (verified when this ' +
            'dossier was made; see the first page). The details are in dossier.json.',
        );
        auditRows = table<AuditEventEntry>(
          [
            { title: '#', width: 35, value: (r) => r.chainSeq },
            { title: 'Time (UTC)', width: 80, value: (r) => when(r.at) },
            { title: 'Actor', width: 85, value: (r) => r.actor },
            { title: 'Action', width: 110, value: (r) => r.action },
            { title: 'Hash', width: 205, value: (r) => r.hash, font: MONO },
          ],
          (r) => [compact(r.detail)],
        );
      }
    },
    async deliveries(rows) {
      deliveryRows?.(rows);
      await drained();
    },
    async auditEvents(rows) {
      auditRows?.(rows);
      await drained();
    },
    async close() {
      // The pipe ends the file once pdfkit has written its last bytes.
      doc.end();
      await finished(out);
    },
    abort() {
      doc.unpipe(out);
      out.destroy();
    },
  };

  /** Lets the file catch up with what pdfkit produced before the next page of rows. */
  async function drained() {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (out.writableNeedDrain) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
}
