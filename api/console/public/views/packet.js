// A filing packet as compliance reviews it, wherever it is shown (the incident page's filings
// section, the approval queue): what it says, element by element with the statute asking for each,
// and the four-eyes decision on it. The decision names the content hash of the version shown, so a
// packet changed meanwhile is refused by the server (409), never approved unseen. Everything goes
// through api/routes/packets.ts; the server decides who may decide (not whoever opened the incident
// or wrote this version) and refuses an approval while a required element is empty.
import { api } from '../api.js';
import { h, notice, replace } from '../dom.js';
import { count } from '../format.js';
import { AUDIENCE_LABELS, PACKET_ELEMENT_SOURCE_LABELS, PACKET_KIND_LABELS, label } from '../labels.js';
import { cell, row, table } from '../table.js';
import { approveOrRejectForm, decisionFailure } from './decision.js';

/** The packet's content as drafted (NoticeContent.packet), or an empty one while it is not there. */
export const packetContent = (p) => p.content?.packet ?? { elements: [] };

/** 'US-CA · Regulator' or 'DE · Regulator · supplement 2': which filing this is. */
export function packetTitle(p) {
  const content = packetContent(p);
  const sequence = p.sequence ?? 1;
  return [
    p.jurisdiction,
    content.authority?.name ??
      label(AUDIENCE_LABELS, p.obligationAudience ?? content.audience ?? 'regulator'),
    sequence > 1 ? `${label(PACKET_KIND_LABELS, 'supplement').toLowerCase()} ${sequence - 1}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** An element's value as text: values are text, lists or numbers as the packet's law asks. */
export const valueText = (value) =>
  value === null || value === undefined
    ? ''
    : Array.isArray(value)
      ? value.join(', ')
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);

/** The elements table: each one with its statute, value, source and whether the law requires it. */
export function elementsTable(p, caption = `What the packet for ${packetTitle(p)} says`) {
  const { elements = [] } = packetContent(p);
  if (!elements.length) return h('p', { class: 'muted' }, 'No elements yet.');
  return table({
    caption,
    compact: true,
    columns: ['Element', 'Statute', 'Value', 'Source'],
    rows: elements.map((e) =>
      row(
        { dataset: { element: e.key } },
        cell(
          { scope: 'row' },
          e.label ?? e.key,
          e.required ? h('span', { class: 'muted small' }, ' (required)') : null,
        ),
        cell({ class: 'small' }, e.citation ?? ''),
        valueText(e.value)
          ? h('div', { class: 'packet-value' }, valueText(e.value))
          : h('span', { class: e.required ? 'missing' : 'muted' }, e.required ? 'Missing' : 'Empty'),
        cell({ class: 'small' }, e.source ? label(PACKET_ELEMENT_SOURCE_LABELS, e.source) : ''),
      ),
    ),
  });
}

/** The facts of a packet in a line: authority, the counts it quotes, language, phasing. */
export function packetFacts(p) {
  const c = packetContent(p);
  const bits = [];
  if (c.authority?.name) bits.push(c.authority.name);
  if (c.counts?.statute !== undefined)
    bits.push(`${count(c.counts.statute)} people as the statute counts them`);
  if (c.counts?.people !== undefined) bits.push(`${count(c.counts.people)} affected in all`);
  if (c.counts?.records !== undefined) bits.push(`${count(c.counts.records)} records`);
  if (c.language) bits.push(`in ${c.language}`);
  if (c.phased) bits.push(`more information to follow (phased, ${c.phasing ?? 'GDPR Art. 33(4)'})`);
  return bits.length ? h('p', { class: 'muted small' }, bits.join(' · ')) : null;
}

/** Elements the law requires and nobody has filled in: approval is refused while there are any. */
export const missingRequired = (p) =>
  (packetContent(p).elements ?? []).filter((e) =>
    p.missing ? p.missing.includes(e.key) : e.required && !valueText(e.value).trim(),
  );

/**
 * Approve or reject `p` (a packet awaiting approval) of `incidentId`, with a comment (required to
 * reject). `idPrefix` keeps ids apart where several packets are shown; `done(answer)` runs after the
 * server recorded it.
 */
export function packetDecisionForm(incidentId, p, { idPrefix = `packet-decision-${p.id}`, done } = {}) {
  const status = h('div', { class: 'decision-status', id: `${idPrefix}-status` });
  const missing = missingRequired(p);
  const forPacket = h('span', { class: 'visually-hidden' }, ` for ${packetTitle(p)}`);
  const form = approveOrRejectForm({
    prefix: idPrefix,
    status,
    attrs: { id: idPrefix },
    before: missing.length
      ? notice(
          'warning',
          h('strong', {}, 'Required and empty: '),
          missing.map((e) => e.label ?? e.key).join(', '),
          '. The server refuses an approval until they are filled in.',
        )
      : null,
    approve: ['Approve packet', forPacket],
    reject: ['Reject packet', forPacket.cloneNode(true)],
    after: [
      h('p', { class: 'muted small' }, 'Content hash ', h('code', { class: 'hash' }, p.contentHash)),
      status,
    ],
    failed: (err) => decisionFailure(err, { conflictOnly: true }),
    send: async ({ decision, comment }) => {
      const answer = await api(`/api/incidents/${incidentId}/packets/${p.id}/decision`, {
        method: 'POST',
        body: { decision, contentHash: p.contentHash, ...(comment ? { comment } : {}) },
      });
      const outcome = answer?.outcome ?? answer?.status;
      replace(
        status,
        notice(
          'success',
          outcome === 'awaiting_quorum'
            ? `Approval recorded: ${answer.approvals} of ${answer.quorum}; another approver is needed.`
            : decision === 'approve'
              ? `Packet approved: ${packetTitle(p)}, version ${p.version}.`
              : `Packet rejected: ${packetTitle(p)} goes back for revision.`,
        ),
      );
      form.elements.comment.disabled = true;
      done?.(answer);
    },
  });
  return form;
}
