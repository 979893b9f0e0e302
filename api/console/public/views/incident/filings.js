// The incident page's filings: one packet per authority other than the individuals (supervisory
// authorities, attorneys general, HHS, credit bureaus, media), drafted from the incident with the
// elements its law asks for, with its state (draft, awaiting approval, approved, filed with its
// reference, supplement due). For a packet: its elements (and a form to fill in or change them: a new
// version someone else approves), the four-eyes decision bound to its hash, exports (PDF to read,
// JSON to copy into a portal), sending by email where the authority takes it, recording a portal or
// postal filing with its reference and receipt, and a supplement on a filed obligation. The
// obligation is met only with that proof. Everything goes through api/routes/packets.ts and
// filings; the server decides and refuses, and the page shows what it answered.
import { ApiError, api, can, download } from '../../api.js';
import { h, notice, replace } from '../../dom.js';
import { field, instant, onSubmit } from '../../form.js';
import { countdown, timeEl, timeZone } from '../../format.js';
import {
  FILING_CHANNEL_LABELS,
  FILING_STATUS_LABELS,
  NOTICE_STATUS_LABELS,
  PACKET_STATE_LABELS,
  label,
} from '../../labels.js';
import { cell, row, table } from '../../table.js';
import {
  elementsTable,
  packetContent,
  packetDecisionForm,
  packetFacts,
  packetTitle,
  valueText,
} from '../packet.js';

/** Channels recorded by hand; an email is sent by Forthright itself ("Send by email"). */
const RECORDED_CHANNELS = ['portal', 'post', 'fax', 'other'];
/** The receipt travels as base64 in JSON: the server's limit decides, this only spares a long wait. */
const RECEIPT_MAX_BYTES = 10 * 1024 * 1024;

/** A packet's state as a badge, in words. */
export const packetStateBadge = (state) =>
  h('span', { class: `badge badge--packet-${state}` }, label(PACKET_STATE_LABELS, state));

/** Reads a chosen file as base64 (without the data: prefix). */
function fileBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

/** The filing recorded or sent for a packet, in a line: channel, when, reference, receipt hash. */
function filingLine(f) {
  if (!f) return null;
  return h(
    'div',
    { class: 'filing-proof small', dataset: { filingId: f.id } },
    h('strong', {}, label(FILING_CHANNEL_LABELS, f.channel)),
    f.status && f.status !== 'recorded' && f.status !== 'sent'
      ? [' · ', h('span', { class: 'badge' }, label(FILING_STATUS_LABELS, f.status))]
      : null,
    f.filedAt ? [' ', timeEl(f.filedAt)] : null,
    f.reference ? [h('br'), 'Reference ', h('span', { class: 'filing-reference' }, f.reference)] : null,
    f.recipient ? [h('br'), `To ${f.recipient}`] : null,
    f.relayResponse ? [h('br'), h('span', { class: 'muted' }, `Relay: ${f.relayResponse}`)] : null,
    f.receiptSha256
      ? [h('br'), 'Receipt SHA-256 ', h('code', { class: 'hash' }, `${f.receiptSha256.slice(0, 16)}…`)]
      : null,
  );
}

/** The section element, `reload()` to fetch the packets again, and `update()` for each poll. */
export function filingsSection(incidentId, user) {
  const path = `/api/incidents/${incidentId}/packets`;
  const list = h('div', { id: 'filings-list' });
  const status = h('div', { id: 'filings-status', role: 'status' });
  const panel = h('div', { id: 'filings-panel' });
  let packets = [];
  let signature;
  /**
   * The packet open in the panel, by its subject (rule, jurisdiction, sequence: a new version has a
   * new id), redrawn when it changes.
   */
  let openId = null;
  const keyOf = (p) => p.subject ?? p.id;
  let openSignature;

  const fail = (what) => (err) => replace(status, notice('error', `${what}: ${err.message}`));
  const done = async (message) => {
    replace(status, notice('success', message));
    await load(true);
  };

  const load = async (force = false) => {
    let answer;
    try {
      answer = await api(path);
    } catch (err) {
      if (err.status === 404) return replace(list, h('p', { class: 'muted' }, 'No filing packets yet.'));
      return replace(list, notice('error', `Could not load the filing packets: ${err.message}`));
    }
    packets = answer.items ?? [];
    const next = JSON.stringify(packets);
    if (next === signature && !force) return;
    signature = next;
    drawList();
    const open = packets.find((p) => keyOf(p) === openId);
    if (open && (force || JSON.stringify(open) !== openSignature)) showPacket(open, { keepStatus: true });
  };

  const drawList = () => {
    if (!packets.length)
      return replace(
        list,
        h(
          'p',
          { class: 'muted' },
          'No filing packets yet: they are drafted once the obligations are assessed, for every authority the law names.',
        ),
      );
    const order = ['supplement_due', 'draft', 'awaiting_approval', 'approved', 'filed'];
    const sorted = [...packets].sort(
      (a, b) =>
        order.indexOf(a.state) - order.indexOf(b.state) ||
        String(a.dueAt ?? '9').localeCompare(String(b.dueAt ?? '9')) ||
        packetTitle(a).localeCompare(packetTitle(b)),
    );
    replace(
      list,
      table({
        caption: 'Filing packets, one per authority and filing',
        compact: true,
        columns: ['Authority', 'Due', 'State', 'Filed', ''],
        rows: sorted.map((p) =>
          row(
            { dataset: { packetId: p.id, state: p.state } },
            cell(
              { scope: 'row' },
              packetTitle(p),
              p.citation ? h('div', { class: 'muted small' }, p.citation) : null,
            ),
            p.dueAt
              ? [timeEl(p.dueAt), p.state !== 'filed' ? [h('br'), countdown(p.dueAt)] : null]
              : h('span', { class: 'muted' }, 'no fixed time'),
            [packetStateBadge(p.state), h('div', { class: 'muted small' }, `version ${p.version}`)],
            p.filing ? filingLine(p.filing) : h('span', { class: 'muted' }, 'Not yet'),
            h(
              'button',
              {
                type: 'button',
                class: 'button button--small',
                'aria-expanded': String(openId === keyOf(p)),
                onclick: () => showPacket(p),
              },
              'Open',
              h('span', { class: 'visually-hidden' }, ` the packet for ${packetTitle(p)}`),
            ),
          ),
        ),
      }),
    );
  };

  // --- One packet, in the panel below the table ---------------------------------------------------
  const showPacket = (p, { keepStatus = false } = {}) => {
    openId = keyOf(p);
    openSignature = JSON.stringify(p);
    if (!keepStatus) replace(status);
    const forms = h('div', { id: 'packet-forms' });
    const history = h('div', { id: 'packet-versions' });
    void loadHistory(p, history);
    const submission = packetContent(p).submission ?? p.submission ?? {};
    const email = submission.channel === 'email' ? submission.address : null;
    // A refused email may be sent again or filed another way; anything else is the proof.
    const unfiled = p.state !== 'filed' && (!p.filing || p.filing.status === 'failed');
    // What is filed is the approved version (a newer draft may be waiting beside it).
    const approvedId = p.approvedId ?? (p.status === 'approved' ? p.id : null);
    const approved = approvedId !== null;
    const button = (text, onclick, extra = {}) =>
      h('button', { type: 'button', class: 'button button--small', onclick, ...extra }, text);
    replace(
      panel,
      h(
        'article',
        {
          class: 'packet',
          id: 'packet-detail',
          dataset: { packetId: p.id },
          'aria-labelledby': 'packet-title',
        },
        h(
          'h3',
          { id: 'packet-title' },
          `${packetTitle(p)}, version ${p.version} · `,
          packetStateBadge(p.state),
        ),
        packetFacts(p),
        p.citation ? h('p', { class: 'small' }, p.citation) : null,
        submissionLine(submission),
        p.decidedAt
          ? h(
              'p',
              { class: 'muted small' },
              `${label(NOTICE_STATUS_LABELS, p.status)} by ${p.decidedByName ?? 'someone'} `,
              timeEl(p.decidedAt),
              p.decisionComment ? ` — “${p.decisionComment}”` : '',
            )
          : null,
        p.filing ? [h('h4', {}, 'Proof of filing'), filingLine(p.filing), receiptButton(p.filing)] : null,
        unfiled && approvedId && approvedId !== p.id
          ? notice(
              'info',
              `A newer version (${p.version}) awaits approval; sending or recording now files the version approved before it.`,
            )
          : null,
        elementsTable(p),
        history,
        p.state === 'awaiting_approval' && can.decide(user)
          ? packetDecisionForm(incidentId, p, {
              idPrefix: 'packet-decision',
              done: () => void load(true),
            })
          : null,
        h(
          'div',
          { class: 'actions' },
          button('Export PDF', () =>
            download(`${path}/${p.id}/export.pdf`, `packet-${p.jurisdiction}-v${p.version}.pdf`).catch(
              fail('Could not export the PDF'),
            ),
          ),
          button('Export JSON', () =>
            download(`${path}/${p.id}/export.json`, `packet-${p.jurisdiction}-v${p.version}.json`).catch(
              fail('Could not export the JSON'),
            ),
          ),
          unfiled && can.reviseNotice(user)
            ? button('Edit elements', () => replace(forms, reviseForm(p)))
            : null,
          unfiled && approved && email && can.actOnObligations(user)
            ? button('Send by email', () => replace(forms, sendForm(p, email, approvedId)))
            : null,
          unfiled && approved && can.actOnObligations(user)
            ? button('Record filing', () => replace(forms, recordForm(p, approvedId)))
            : null,
          !unfiled && p.obligationId && can.actOnObligations(user)
            ? button('Supplement…', () => replace(forms, supplementForm(p)))
            : null,
          button('Close', () => {
            openId = null;
            replace(panel);
            drawList();
          }),
        ),
        forms,
      ),
    );
    drawList();
  };

  /** Every version of the packet (who decided, each hash) and the text as the authority receives it. */
  const loadHistory = async (p, into) => {
    let answer;
    try {
      answer = await api(`${path}/${p.id}`);
    } catch (err) {
      return replace(into, notice('error', `Could not load the versions: ${err.message}`));
    }
    replace(
      into,
      h(
        'details',
        { class: 'packet-history' },
        h('summary', {}, `Versions (${answer.versions.length})`),
        table({
          caption: `Versions of the packet for ${packetTitle(p)}`,
          compact: true,
          columns: ['Version', 'Status', 'Drafted', 'Decided', 'Content hash'],
          rows: answer.versions.map((v) =>
            row(
              { dataset: { version: v.version } },
              String(v.version),
              label(NOTICE_STATUS_LABELS, v.status),
              [
                timeEl(v.draftedAt),
                v.revisedBy ? h('div', { class: 'muted small' }, 'values written by staff') : null,
              ],
              v.decidedAt ? [timeEl(v.decidedAt), h('div', { class: 'small' }, v.decidedByName ?? '')] : '',
              h('code', { class: 'hash small' }, v.contentHash),
            ),
          ),
        }),
      ),
      answer.rendered?.text
        ? h(
            'details',
            { class: 'packet-history' },
            h('summary', {}, 'As the authority receives it'),
            h('pre', { class: 'mail-text', tabindex: '0' }, answer.rendered.text),
          )
        : null,
    );
  };

  /** How the authority takes it (PacketContent.submission: email, portal or post, and where). */
  const submissionLine = (s) => {
    if (!s?.channel) return null;
    const where =
      s.channel === 'portal' && s.address
        ? h('a', { href: s.address, rel: 'noreferrer' }, s.address)
        : s.address
          ? h('code', {}, s.address)
          : h('span', { class: 'missing' }, 'address not known yet');
    return h(
      'p',
      { class: 'small' },
      `Filed ${s.channel === 'email' ? 'by email to' : s.channel === 'portal' ? 'through the portal' : 'by post to'} `,
      where,
      s.note ? h('span', { class: 'muted' }, ` (${s.note})`) : null,
    );
  };

  const receiptButton = (f) =>
    f.receiptSha256 || f.receiptFilename
      ? h(
          'button',
          {
            type: 'button',
            class: 'button button--small',
            onclick: () =>
              download(
                `/api/incidents/${incidentId}/filings/${f.id}/receipt`,
                f.receiptFilename ?? 'receipt',
              ).catch(fail('Could not download the receipt')),
          },
          'Download receipt',
        )
      : null;

  /** Fill in or change element values: a new version, which someone else approves. */
  const reviseForm = (p) => {
    const elements = packetContent(p).elements ?? [];
    const editable = elements.filter((e) => e.source !== 'computed');
    const prefix = 'packet-revise';
    const form = h(
      'form',
      { class: 'form obligation-action', id: prefix, novalidate: true, 'aria-labelledby': `${prefix}-title` },
      h('h4', { id: `${prefix}-title` }, `Edit the elements of ${packetTitle(p)}`),
      h(
        'p',
        { class: 'hint' },
        'Saved as a new version for approval; you may not approve what you wrote. Computed values (counts, dates) come from the incident and are not edited here.',
      ),
      packetContent(p).phasing
        ? h(
            'label',
            { class: 'checkbox' },
            h('input', {
              type: 'checkbox',
              name: 'phased',
              id: `${prefix}-phased`,
              checked: Boolean(packetContent(p).phased),
            }),
            ` More information will follow in phases (${packetContent(p).phasing})`,
          )
        : null,
      editable.map((e) =>
        field({
          name: e.key,
          prefix,
          label: `${e.label ?? e.key}${e.required ? ' (required)' : ''}`,
          hint: e.citation,
          type: 'textarea',
          rows: 2,
          value: valueText(e.value),
        }),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'button button--primary' }, 'Save as a new version'),
      ),
    );
    onSubmit(form, {
      names: editable.map((e) => e.key),
      prefix,
      status,
      pending: 'Saving…',
      failed: (marked, err) =>
        marked ? 'Nothing was saved: correct the field marked above.' : `Nothing was saved: ${err.message}`,
      send: async () => {
        const changed = {};
        for (const e of editable) {
          const value = form.elements[e.key].value;
          if (value !== valueText(e.value)) changed[e.key] = value;
        }
        const phased = form.elements.phased ? { phased: form.elements.phased.checked } : {};
        try {
          await api(`${path}/${p.id}/revision`, { method: 'POST', body: { elements: changed, ...phased } });
        } catch (err) {
          // The server names `elements.<key>`: the field is the element's.
          for (const issue of err.issues ?? [])
            if (issue.field?.startsWith('elements.')) issue.field = issue.field.slice('elements.'.length);
          throw err;
        }
        await done(`New version of ${packetTitle(p)} saved; someone else must approve it.`);
      },
    });
    return form;
  };

  /** Forthright sends the approved packet to the authority's address and keeps the relay's answer. */
  const sendForm = (p, email, approvedId) => {
    const form = h(
      'form',
      { class: 'obligation-action', id: 'packet-send', 'aria-labelledby': 'packet-send-title' },
      h('h4', { id: 'packet-send-title' }, `Send ${packetTitle(p)} by email`),
      h(
        'p',
        { class: 'hint' },
        `The approved version goes once to ${email}; the message and the mail relay's answer are kept as the proof of filing.`,
      ),
      p.filing?.uncertain
        ? h(
            'label',
            { class: 'checkbox' },
            h('input', { type: 'checkbox', name: 'resend', id: 'packet-send-resend' }),
            ' The last attempt may have arrived (no answer after the relay held it). I checked with the authority: send it again.',
          )
        : null,
      h('button', { type: 'submit', class: 'button button--primary' }, 'Send now'),
    );
    onSubmit(form, {
      names: [],
      prefix: 'packet-send',
      status,
      once: true,
      pending: 'Sending…',
      failed: (_, err) => `Not sent: ${err.message}`,
      send: async () => {
        // A failed email that may have arrived is sent again only once someone checked (resend).
        const resend = form.elements.resend?.checked ?? false;
        await api(`${path}/${approvedId}/send`, { method: 'POST', body: { resend } });
        await done(`${packetTitle(p)} is being sent to ${email}; the proof appears when the relay answers.`);
      },
    });
    return form;
  };

  /** A filing made through a portal, by post or fax: channel, time, reference and the receipt. */
  const recordForm = (p, approvedId) => {
    const prefix = 'packet-filing';
    const names = ['channel', 'filedAt', 'reference', 'receipt'];
    const form = h(
      'form',
      { class: 'form obligation-action', id: prefix, novalidate: true, 'aria-labelledby': `${prefix}-title` },
      h('h4', { id: `${prefix}-title` }, `Record the filing of ${packetTitle(p)}`),
      h(
        'p',
        { class: 'hint' },
        'The obligation is met only with this proof: the reference number the authority gave and its receipt (a confirmation page saved as PDF, a posting slip). The receipt is kept with its SHA-256.',
      ),
      field({
        name: 'channel',
        prefix,
        label: 'Filed through',
        type: 'select',
        options: RECORDED_CHANNELS.map((c) => ({ value: c, label: label(FILING_CHANNEL_LABELS, c) })),
      }),
      field({
        name: 'filedAt',
        prefix,
        label: 'Filed at',
        hint: `Your local time (${timeZone}).`,
        type: 'datetime-local',
      }),
      field({ name: 'reference', prefix, label: 'Reference number', hint: 'As the authority gave it.' }),
      field({
        name: 'receipt',
        prefix,
        label: 'Receipt',
        hint: 'The confirmation the authority gave (PDF, image or email file).',
        type: 'file',
      }),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'button button--primary' }, 'Record filing'),
      ),
    );
    onSubmit(form, {
      names,
      prefix,
      status,
      pending: 'Recording…',
      failed: (marked, err) =>
        marked
          ? 'Nothing was recorded: correct the field marked above.'
          : `Nothing was recorded: ${err.message}`,
      send: async () => {
        const file = form.elements.receipt.files[0];
        if (file && file.size > RECEIPT_MAX_BYTES)
          throw new ApiError(400, {
            message: 'The receipt is too large.',
            issues: [{ field: 'receipt', message: `At most ${RECEIPT_MAX_BYTES / 1024 / 1024} MB.` }],
          });
        const reference = form.elements.reference.value.trim();
        const body = {
          channel: form.elements.channel.value,
          filedAt: instant(form.elements.filedAt.value),
          reference,
          ...(file
            ? {
                receipt: {
                  filename: file.name,
                  contentType: file.type || 'application/octet-stream',
                  base64: await fileBase64(file),
                },
              }
            : {}),
        };
        await api(`${path}/${approvedId}/filing`, { method: 'POST', body });
        await done(`Filing of ${packetTitle(p)} recorded with reference ${reference}.`);
      },
    });
    return form;
  };

  /** A further filing on the same obligation (phased reporting, a correction): a new packet. */
  const supplementForm = (p) => {
    const prefix = 'packet-supplement';
    const form = h(
      'form',
      { class: 'form obligation-action', id: prefix, novalidate: true, 'aria-labelledby': `${prefix}-title` },
      h('h4', { id: `${prefix}-title` }, `Supplement to ${packetTitle(p)}`),
      h(
        'p',
        { class: 'hint' },
        'More information than the first filing had (GDPR Art. 33(4): in phases), or a correction. It is drafted as a new packet on the same obligation, approved and filed like the first.',
      ),
      field({ name: 'reason', prefix, label: 'What the supplement adds or corrects', type: 'textarea' }),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'button button--primary' }, 'Draft supplement'),
      ),
    );
    onSubmit(form, {
      names: ['reason'],
      prefix,
      status,
      pending: 'Drafting…',
      failed: (marked, err) =>
        marked
          ? 'Nothing was drafted: correct the field marked above.'
          : `Nothing was drafted: ${err.message}`,
      send: async () => {
        await api(`/api/incidents/${incidentId}/obligations/${p.obligationId}/supplements`, {
          method: 'POST',
          body: { reason: form.elements.reason.value.trim() },
        });
        await done(`Supplement to ${packetTitle(p)} drafted.`);
      },
    });
    return form;
  };

  const element = h(
    'section',
    { class: 'card', id: 'filings', 'aria-labelledby': 'filings-title' },
    h('h2', { id: 'filings-title' }, 'Filings'),
    h(
      'p',
      { class: 'muted' },
      'What is filed with each authority other than the people affected: a packet per authority with what its law asks for, approved by two people, then sent or filed. An obligation is met only with the proof.',
    ),
    list,
    status,
    panel,
  );
  /** Opens the filing packet of obligation `o` (from the obligations table), or says there is none yet. */
  const focusObligation = (o) => {
    const p = packets.find(
      (x) =>
        (x.sequence ?? 1) === 1 &&
        (x.obligationId === o.id || (x.ruleId === o.ruleId && x.jurisdiction === o.jurisdiction)),
    );
    if (!p) {
      replace(
        status,
        notice('info', `No packet for ${o.jurisdiction} yet: it is drafted after the assessment.`),
      );
      element.scrollIntoView({ block: 'start' });
      return;
    }
    showPacket(p);
    panel.scrollIntoView({ block: 'start' });
    panel.querySelector('h3')?.setAttribute('tabindex', '-1');
    panel.querySelector('h3')?.focus();
  };

  return { element, reload: () => load(true), update: () => load(false), focusObligation };
}
