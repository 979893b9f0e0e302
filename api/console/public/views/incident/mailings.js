// The incident page's further mailings (issue 17 items 1 and 3): after the first notice, one approved
// text to a set of the incident's people, each once — a supplement (their exposure grew after an
// amendment), a reminder (not acknowledged after some days), an update (news for everyone notified).
// Each text is written by an officer or compliance (a reminder's standard wording by the system) and
// approved four-eyes bound to its content hash; then its workflow selects the recipients and sends
// (core/use-cases/mailings.ts, workflows/mailing.ts). This section lists the texts with where they
// stand, the mailings with their counts, and the form for a new update or supplement.
import { ApiError, api, can } from '../../api.js';
import { h, notice, replace } from '../../dom.js';
import { field, onSubmit } from '../../form.js';
import { count, timeEl } from '../../format.js';
import {
  MAILING_CRITERION_LABELS,
  MAILING_KIND_LABELS,
  MAILING_STATUS_LABELS,
  NOTICE_STATUS_LABELS,
  label,
} from '../../labels.js';
import { cell, row, table } from '../../table.js';
import { approveOrRejectForm, awaitingQuorum } from '../decision.js';

const PREFIX = 'follow-up';

/** 'kind:key' (core/domain/mailings.ts mailingNoticeSubject) → its parts. */
function subjectOf(n) {
  if (n.kind && n.key) return { kind: n.kind, key: n.key };
  const [kind, ...rest] = String(n.subject ?? '').split(':');
  return { kind, key: rest.join(':') };
}

/** The text a follow-up says, however the server carries it. */
const textOf = (n) => n.content?.followUp?.update ?? n.update ?? n.content?.whatHappened ?? '';

/** A follow-up's key from words: 'Investigation concluded' → 'investigation-concluded'. */
const keyFrom = (words) =>
  words
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);

/** The section element and `update(incident, withdrawn)`, called on each of the page's polls. */
export function mailingsSection(incidentId, user) {
  const base = `/api/incidents/${incidentId}`;
  const texts = h('div', { id: 'follow-up-texts' });
  const list = h('div', { id: 'mailings-list' });
  const status = h('div', { id: 'mailings-status', role: 'status' });
  const panel = h('div', { id: 'mailings-panel' });
  const tools = h('div', { class: 'actions', id: 'mailings-tools' });
  let signature;
  let toolsSignature;
  let withdrawn = false;
  let available = true;
  let followUps = [];
  let mailings = [];
  /** Applied amendments that found people whose exposure grew: each waits for its supplement's text. */
  let grownBy = [];
  const wanting = h('div', { id: 'supplements-wanted' });
  const mayWrite = can.reviseNotice(user);

  const load = async (force = false) => {
    let answers;
    try {
      answers = await Promise.all([api(`${base}/mailings`), api(`${base}/follow-ups`)]);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        available = false;
        return replace(list, h('p', { class: 'muted' }, 'Further mailings are not available here yet.'));
      }
      return replace(list, notice('error', `Could not load the mailings: ${err.message}`));
    }
    available = true;
    mailings = answers[0].items ?? [];
    followUps = answers[1].items ?? [];
    const next = JSON.stringify([mailings, followUps.map((n) => [n.id, n.status]), withdrawn]);
    if (next === signature && !force) return;
    signature = next;
    drawTexts();
    drawMailings();
    drawWanting();
  };

  /** An amendment's supplement (key `amendment-<version>`) with no text yet: its mailing waits for one. */
  const drawWanting = () => {
    const written = new Set(followUps.map((n) => `${subjectOf(n).kind}:${subjectOf(n).key}`));
    const missing = grownBy.filter((v) => !written.has(`supplement:amendment-${v.version}`));
    if (!missing.length || withdrawn || !available) return replace(wanting);
    replace(
      wanting,
      missing.map((v) =>
        notice(
          'warning',
          h('strong', {}, `Amendment ${v.version}: `),
          `${count(v.grown)} ${v.grown === 1 ? 'person' : 'people'} already told now have more exposed than their notice said. `,
          'Their supplement says what changed; it is sent once its text is written and approved.',
          mayWrite
            ? [
                ' ',
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'button button--small',
                    onclick: () => openForm({ kind: 'supplement', key: `amendment-${v.version}`, text: '' }),
                  },
                  `Write the supplement for amendment ${v.version}…`,
                ),
              ]
            : null,
        ),
      ),
    );
  };

  /** The newest version of each text (kind and key), newest first. */
  const latestTexts = () => {
    const newest = new Map();
    for (const n of followUps) {
      const { kind, key } = subjectOf(n);
      const k = `${kind}:${key}`;
      if (!newest.has(k) || newest.get(k).version < n.version) newest.set(k, n);
    }
    return [...newest.values()].sort((a, b) => String(b.draftedAt).localeCompare(String(a.draftedAt)));
  };

  const drawTexts = () => {
    const items = latestTexts();
    if (!items.length) return replace(texts, h('p', { class: 'muted' }, 'No follow-up text written yet.'));
    replace(
      texts,
      items.map((n) => {
        const { kind, key } = subjectOf(n);
        const heading = `follow-up-${kind}-${key}`;
        const mailing = mailings.find((m) => m.kind === kind && m.key === key);
        return h(
          'article',
          {
            class: 'follow-up',
            'aria-labelledby': heading,
            dataset: { kind, key, noticeId: n.id, status: n.status },
          },
          h('h3', { id: heading }, `${label(MAILING_KIND_LABELS, kind)} · ${key}`),
          h(
            'p',
            { class: 'small' },
            h('span', { class: `badge badge--notice-${n.status}` }, label(NOTICE_STATUS_LABELS, n.status)),
            ` · version ${n.version} · written `,
            timeEl(n.draftedAt),
            n.decidedAt
              ? [
                  ` · ${n.status === 'rejected' ? 'rejected' : 'decided'} by ${n.decidedByName ?? 'someone'} `,
                  timeEl(n.decidedAt),
                ]
              : null,
          ),
          n.decisionComment ? h('blockquote', {}, n.decisionComment) : null,
          h(
            'div',
            { class: 'mail-text prewrap', tabindex: '0', 'aria-label': `Text of ${kind} ${key}` },
            textOf(n),
          ),
          n.contentHash ? h('p', { class: 'hash small muted' }, `Content hash ${n.contentHash}`) : null,
          mailing ? h('p', { class: 'small' }, 'Mailing: ', mailingSummary(mailing)) : null,
          n.status === 'pending_approval' && can.decide(user) && !withdrawn
            ? decisionForm(n, kind, key)
            : null,
          n.status !== 'approved' && mayWrite && !withdrawn
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'button button--small',
                  onclick: () => openForm({ kind, key, text: textOf(n) }),
                },
                'Revise this text',
                h('span', { class: 'visually-hidden' }, ` (${kind} ${key})`),
              )
            : null,
        );
      }),
    );
  };

  const mailingSummary = (m) =>
    `${label(MAILING_STATUS_LABELS, m.status)} — ${count(m.recipients)} recipients` +
    (m.sent !== null && m.sent !== undefined ? `, ${count(m.sent)} sent` : '') +
    (m.undeliverable ? `, ${count(m.undeliverable)} undeliverable` : '');

  const drawMailings = () => {
    if (!mailings.length)
      return replace(
        list,
        h(
          'p',
          { class: 'muted' },
          'Nothing sent after the first notice. A mailing starts once its text is approved.',
        ),
      );
    replace(
      list,
      table({
        caption: 'Further mailings of this incident',
        compact: true,
        columns: [
          'Mailing',
          'To whom',
          'Status',
          'Recipients',
          'Sent',
          'Undeliverable',
          'Started',
          'Finished',
        ],
        rows: mailings.map((m) =>
          row(
            { dataset: { mailingId: m.id, kind: m.kind, status: m.status } },
            cell(
              { scope: 'row' },
              label(MAILING_KIND_LABELS, m.kind),
              h('div', { class: 'small muted' }, m.key),
            ),
            cell({ class: 'small' }, label(MAILING_CRITERION_LABELS, m.criterion)),
            h('span', { class: `badge badge--mailing-${m.status}` }, label(MAILING_STATUS_LABELS, m.status)),
            cell({ class: 'num' }, count(m.recipients)),
            cell({ class: 'num' }, m.sent === null || m.sent === undefined ? '—' : count(m.sent)),
            cell(
              { class: 'num' },
              m.undeliverable === null || m.undeliverable === undefined ? '—' : count(m.undeliverable),
            ),
            timeEl(m.createdAt),
            timeEl(m.finishedAt),
          ),
        ),
      }),
    );
  };

  /** Compliance's decision on a text as shown (its content hash); the writer's own is refused. */
  const decisionForm = (n, kind, key) => {
    const prefix = `follow-up-decision-${keyFrom(`${kind}-${key}`)}`;
    return approveOrRejectForm({
      prefix,
      status,
      attrs: { id: prefix },
      hint: 'Required to reject: say what must change.',
      approve: 'Approve this text',
      reject: 'Reject this text',
      send: async ({ decision, comment }) => {
        const result = await api(`${base}/follow-ups/${n.id}/decision`, {
          method: 'POST',
          body: { decision, contentHash: n.contentHash, ...(comment ? { comment } : {}) },
        });
        replace(
          status,
          notice(
            'success',
            awaitingQuorum(result)
              ? 'Your approval is recorded: a second compliance approver is needed.'
              : decision === 'approve'
                ? 'Text approved: its mailing goes out.'
                : 'Text rejected: it goes back for revision.',
          ),
        );
        await load(true);
      },
    });
  };

  /** A new update or supplement, or a new version of one not yet approved. */
  const openForm = (given = {}) => {
    replace(status);
    const form = h(
      'form',
      {
        class: 'form obligation-action',
        id: `${PREFIX}-form`,
        novalidate: true,
        'aria-labelledby': `${PREFIX}-title`,
      },
      h(
        'h3',
        { id: `${PREFIX}-title` },
        given.text
          ? 'Revise the text'
          : given.kind === 'supplement'
            ? `Write the supplement (${given.key})`
            : 'Write an update to everyone notified',
      ),
      h(
        'p',
        { class: 'hint' },
        'Plain words, a blank line between paragraphs. The message around it says who writes and links each person’s page. Someone else in compliance approves it; you cannot approve your own text. Each person gets it once.',
      ),
      field({
        name: 'kind',
        prefix: PREFIX,
        label: 'Kind',
        type: 'select',
        // A new text is an update; a supplement's or reminder's is written for the mailing waiting on it.
        options: [given.kind ?? 'update'].map((k) => ({
          value: k,
          label: label(MAILING_KIND_LABELS, k),
        })),
        attrs: given.kind ? { disabled: true } : {},
      }),
      field({
        name: 'key',
        prefix: PREFIX,
        label: 'Name',
        hint: 'Names this mailing within the incident, e.g. investigation-concluded: letters, digits, dots, dashes.',
        attrs: {
          maxlength: '64',
          autocomplete: 'off',
          spellcheck: 'false',
          ...(given.key ? { readonly: true } : {}),
        },
      }),
      field({
        name: 'update',
        prefix: PREFIX,
        label: 'Text',
        type: 'textarea',
        rows: 8,
        value: given.text ?? '',
      }),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'button button--primary' }, 'Send for approval'),
        h('button', { type: 'button', class: 'button button--quiet', onclick: () => close() }, 'Cancel'),
      ),
    );
    if (given.kind) form.elements.kind.value = given.kind;
    if (given.key) form.elements.key.value = given.key;
    onSubmit(form, {
      names: ['kind', 'key', 'update'],
      prefix: PREFIX,
      status,
      pending: 'Sending the text for approval…',
      failed: (marked, err) =>
        marked
          ? 'Not sent for approval: correct the field marked above.'
          : `Not sent for approval: ${err.message}`,
      send: async () => {
        const kind = form.elements.kind.value;
        const key = form.elements.key.value.trim();
        await api(`${base}/follow-ups`, {
          method: 'POST',
          body: { kind, key, update: form.elements.update.value.trim() },
        });
        close();
        replace(
          status,
          notice(
            'success',
            `The ${label(MAILING_KIND_LABELS, kind).toLowerCase()} text is waiting for approval.`,
          ),
        );
        await load(true);
      },
    });
    replace(panel, form);
    toolsSignature = undefined;
    drawTools();
    (given.key ? form.elements.update : form.elements.kind).focus();
  };

  const close = () => {
    replace(panel);
    toolsSignature = undefined;
    drawTools();
  };

  const drawTools = () => {
    const next = JSON.stringify([mayWrite, withdrawn, available, panel.childElementCount > 0]);
    if (next === toolsSignature) return;
    toolsSignature = next;
    if (withdrawn) replace(panel);
    replace(
      tools,
      !mayWrite || !available
        ? null
        : withdrawn
          ? h('p', { class: 'muted' }, 'The incident is withdrawn: nothing more is sent.')
          : panel.childElementCount > 0
            ? null
            : h(
                'button',
                { type: 'button', class: 'button', id: 'follow-up-open', onclick: () => openForm() },
                'Write an update…',
              ),
    );
  };

  const element = h(
    'section',
    { class: 'card', id: 'mailings', 'aria-labelledby': 'mailings-title' },
    h('h2', { id: 'mailings-title' }, 'Further mailings'),
    h(
      'p',
      { class: 'muted' },
      'Supplements, reminders and updates after the first notice: each text approved by a second person, each person sent it once.',
    ),
    wanting,
    tools,
    status,
    panel,
    texts,
    h('h3', {}, 'Mailings'),
    list,
  );

  return {
    element,
    reload: () => load(true),
    /** Whether a mailing is sending or a text awaits its decision. */
    busy: () =>
      mailings.some((m) => m.status === 'sending') ||
      latestTexts().some((n) => n.status === 'pending_approval'),
    /** The incident's amendments (newest first), for the supplements they wait on. */
    setAmendments(items) {
      const next = (items ?? []).filter((v) => v.appliedAt && (v.grown ?? 0) > 0);
      if (JSON.stringify(next) === JSON.stringify(grownBy)) return;
      grownBy = next;
      drawWanting();
    },
    async update(isWithdrawn) {
      withdrawn = Boolean(isWithdrawn);
      await load(false);
      drawTools();
    },
  };
}
