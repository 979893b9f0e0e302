// The incident page's substitute notice: where a statute's conditions hold (cost or number over its
// figures, people without contact details), what the notice consists of and which parts are done;
// the website and media texts with their approval (four eyes: not by whoever opened the incident or
// revised the text; the decision names the text's hash); the public page of the website posting and
// the day it stays up until; and what compliance records (media notice, toll-free line, letter).
// Everything goes through api/routes/substitute-notice.ts; the server decides and refuses.
import { api, can } from '../../api.js';
import { h, notice, replace } from '../../dom.js';
import { field, onSubmit } from '../../form.js';
import { count, timeEl, uncertain } from '../../format.js';
import {
  NOTICE_STATUS_LABELS,
  SUBSTITUTE_ELEMENT_LABELS,
  SUBSTITUTE_REASON_LABELS,
  SUBSTITUTE_STATUS_LABELS,
  label,
} from '../../labels.js';
import { cell, row, table } from '../../table.js';

const RECORDABLE = ['media', 'toll_free', 'alternative', 'regulator_letter'];
const TEXTS = [
  ['website', 'substitute_website', 'Website notice'],
  ['media', 'substitute_media', 'Media notice'],
];
const today = () => new Date().toISOString().slice(0, 10);
const money = (usd) => `$${count(Math.round(usd))}`;

/** The section element, and `reload()` to fetch everything again. */
export function substituteSection(incidentId, user) {
  const body = h('div', { id: 'substitute-body' });
  const status = h('div', { id: 'substitute-status', role: 'status' });
  const panel = h('div', { id: 'substitute-panel' });
  const path = `/api/incidents/${incidentId}/substitute-notices`;

  const load = async () => {
    try {
      draw(await api(path));
    } catch (err) {
      replace(body, notice('error', `Could not load the substitute notice: ${err.message}`));
    }
  };
  const done = (message) => {
    replace(status, notice('success', message));
    replace(panel);
    return load();
  };

  /** One substitute notice: why, the counts, and each element with what was recorded. */
  const noticeCard = (s) =>
    h(
      'div',
      { class: 'substitute', dataset: { substitute: s.id } },
      h(
        'h3',
        {},
        `${s.jurisdiction} · ${s.citation} · `,
        h('span', { class: `badge badge--${s.status}` }, label(SUBSTITUTE_STATUS_LABELS, s.status)),
      ),
      h(
        'p',
        {},
        `Due because of ${s.reasons.map((r) => label(SUBSTITUTE_REASON_LABELS, r)).join(', ')}: `,
        `${count(s.residents)} people, ${count(s.unreachable)} without a lawful channel, `,
        `individual notice estimated at ${money(s.estimatedCostUsd)}.`,
      ),
      uncertain(s.uncertain),
      table({
        caption: `What the substitute notice for ${s.jurisdiction} consists of`,
        compact: true,
        columns: ['Element', 'What the statute asks', 'Done', 'Period', 'How', 'Recorded by'],
        rows: s.elements.map((e) =>
          row(
            {},
            cell(
              {},
              label(SUBSTITUTE_ELEMENT_LABELS, e.kind),
              e.choice !== null ? h('span', { class: 'muted' }, ' (or its alternative)') : null,
            ),
            e.wording,
            e.recordedAt ? timeEl(e.recordedAt) : h('span', { class: 'muted' }, 'Not yet'),
            e.startsAt && e.endsAt
              ? h('span', {}, timeEl(e.startsAt), ' – ', timeEl(e.endsAt))
              : e.minDays
                ? `${e.minDays} days`
                : '',
            [e.channel ?? '', e.evidence ? h('div', { class: 'muted' }, e.evidence) : null],
            e.recordedAt ? (e.recordedByName ?? 'Forthright') : '',
          ),
        ),
      }),
    );

  /** A decision on a text, naming the hash of the version shown. */
  const send = (n, decision, comment) =>
    api(`${path}/texts/${n.id}/decision`, {
      method: 'POST',
      body: { decision, contentHash: n.contentHash, ...(comment ? { comment } : {}) },
    });
  const approve = (n) => async () => {
    replace(status, notice('info', 'Recording the approval…'));
    try {
      const answer = await send(n, 'approve');
      await done(
        answer.outcome === 'awaiting_quorum'
          ? `Approval recorded: ${answer.approvals} of ${answer.quorum}.`
          : 'Text approved.',
      );
    } catch (err) {
      replace(status, notice('error', `Could not record the decision: ${err.message}`));
    }
  };
  const rejectForm = (n) => {
    const form = h(
      'form',
      { id: `substitute-reject-${n.id}`, class: 'form' },
      h('h3', {}, 'Reject the text'),
      field({ name: 'comment', prefix: 'reject', label: 'What should change', type: 'textarea' }),
      h('button', { type: 'submit', class: 'button' }, 'Reject'),
    );
    onSubmit(form, {
      names: ['comment'],
      prefix: 'reject',
      status,
      pending: 'Recording…',
      send: async () => {
        await send(n, 'reject', form.elements.comment.value);
        await done('Text rejected; revise it for a new version.');
      },
      failed: () => 'Could not record the decision.',
    });
    return form;
  };

  const reviseForm = (audience, text) => {
    const form = h(
      'form',
      { id: `substitute-revise-${audience}`, class: 'form' },
      h('h3', {}, 'Revise the text'),
      field({
        name: 'whatHappened',
        prefix: `revise-${audience}`,
        label: 'What happened',
        type: 'textarea',
        value: text.notice.content.whatHappened,
      }),
      field({
        name: 'whatWeAreDoing',
        prefix: `revise-${audience}`,
        label: 'What we are doing',
        type: 'textarea',
        value: text.notice.content.whatWeAreDoing,
      }),
      h('button', { type: 'submit', class: 'button' }, 'Save as a new version for approval'),
    );
    onSubmit(form, {
      names: ['whatHappened', 'whatWeAreDoing'],
      prefix: `revise-${audience}`,
      status,
      pending: 'Saving…',
      send: async () => {
        await api(`${path}/texts`, {
          method: 'POST',
          body: {
            audience,
            whatHappened: form.elements.whatHappened.value,
            whatWeAreDoing: form.elements.whatWeAreDoing.value,
          },
        });
        await done('New version saved; someone else must approve it.');
      },
      failed: () => 'Could not save the text.',
    });
    return form;
  };

  const textBlock = ([key, audience, title], text, posting) => {
    if (!text) return null;
    const n = text.notice;
    const pending = n.status === 'pending_approval';
    return h(
      'div',
      { class: 'substitute', id: `substitute-text-${key}` },
      h(
        'h3',
        {},
        `${title}, version ${n.version} · `,
        h('span', { class: `badge badge--${n.status}` }, label(NOTICE_STATUS_LABELS, n.status)),
      ),
      key === 'website' && posting
        ? h(
            'p',
            {},
            posting.live
              ? ['Posted at ', h('a', { href: posting.url, rel: 'noreferrer' }, posting.url), ' until ']
              : 'Not posted yet: it goes up when approved, at ',
            posting.live ? timeEl(posting.endsAt) : h('code', {}, posting.url),
            '.',
          )
        : null,
      n.decidedAt
        ? h('p', { class: 'muted' }, `Decided by ${n.decidedByName ?? 'someone'} `, timeEl(n.decidedAt))
        : null,
      h('pre', { class: 'preview' }, text.rendered.text),
      h('p', { class: 'muted' }, `Content hash ${n.contentHash.slice(0, 12)}…`),
      h(
        'div',
        { class: 'actions' },
        pending && can.decide(user)
          ? [
              h('button', { type: 'button', class: 'button', onclick: approve(n) }, 'Approve this text'),
              h(
                'button',
                {
                  type: 'button',
                  class: 'button button--secondary',
                  onclick: () => replace(panel, rejectForm(n)),
                },
                'Reject…',
              ),
            ]
          : null,
        can.reviseNotice(user)
          ? h(
              'button',
              {
                type: 'button',
                class: 'button button--small',
                onclick: () => replace(panel, reviseForm(audience, text)),
              },
              'Revise',
            )
          : null,
      ),
    );
  };

  const recordForm = (items) => {
    const open = items.flatMap((s) =>
      s.elements
        .filter((e) => RECORDABLE.includes(e.kind) && !e.recordedAt && s.status === 'open')
        .map((e) => ({ s, e })),
    );
    if (open.length === 0) return null;
    const form = h(
      'form',
      { id: 'substitute-record-form', class: 'form' },
      h('h3', {}, 'Record what was done'),
      field({
        name: 'element',
        prefix: 'substitute',
        label: 'Element',
        type: 'select',
        options: open.map(({ s, e }) => ({
          value: `${s.id}:${e.kind}`,
          label: `${s.jurisdiction} · ${label(SUBSTITUTE_ELEMENT_LABELS, e.kind)}`,
        })),
      }),
      field({
        name: 'on',
        prefix: 'substitute',
        label: 'On',
        type: 'date',
        value: today(),
        attrs: { value: today() },
      }),
      field({
        name: 'channel',
        prefix: 'substitute',
        label: 'Outlet, number or method',
        hint: 'E.g. the newspapers and broadcasters, the toll-free number, how the alternative notice went.',
      }),
      field({
        name: 'evidence',
        prefix: 'substitute',
        label: 'Evidence',
        hint: 'What shows it: a tear sheet reference, a confirmation number, a file name.',
        type: 'textarea',
      }),
      h('button', { type: 'submit', class: 'button' }, 'Record'),
    );
    onSubmit(form, {
      names: ['element', 'on', 'channel', 'evidence'],
      prefix: 'substitute',
      status,
      pending: 'Recording…',
      send: async () => {
        const [substituteId, kind] = form.elements.element.value.split(':');
        await api(`${path}/${substituteId}/elements`, {
          method: 'POST',
          body: {
            kind,
            on: new Date(`${form.elements.on.value}T12:00:00Z`).toISOString(),
            channel: form.elements.channel.value,
            evidence: form.elements.evidence.value,
          },
        });
        await done(`${label(SUBSTITUTE_ELEMENT_LABELS, kind)} recorded.`);
      },
      failed: () => 'Could not record it.',
    });
    return form;
  };

  const draw = ({ items, website, media, posting }) => {
    const live = items.filter((s) => s.status !== 'withdrawn');
    replace(
      body,
      live.length === 0
        ? h('p', { class: 'muted' }, 'No statute’s substitute-notice conditions hold for this incident.')
        : [
            ...live.map(noticeCard),
            textBlock(TEXTS[0], website, posting),
            textBlock(TEXTS[1], media, posting),
            can.decide(user) ? recordForm(live) : null,
          ],
    );
  };

  const review = async () => {
    try {
      const answer = await api(`${path}/review`, { method: 'POST' });
      await done(`Reviewed: ${count(answer.open)} open, ${count(answer.carriedOut)} carried out.`);
    } catch (err) {
      replace(status, notice('error', `Could not review: ${err.message}`));
    }
  };

  const element = h(
    'section',
    { class: 'card', id: 'substitute-notice', 'aria-labelledby': 'substitute-notice-title' },
    h('h2', { id: 'substitute-notice-title' }, 'Substitute notice'),
    h(
      'p',
      { class: 'muted' },
      'Where the cost or number of notices passes a statute’s figure, or people cannot be reached, ' +
        'the law asks for a public website notice, notice to the media and more. Everyone reachable ' +
        'is still notified individually.',
    ),
    body,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'button button--small', onclick: () => void load() }, 'Refresh'),
      can.reviseNotice(user)
        ? h(
            'button',
            { type: 'button', class: 'button button--small', onclick: () => void review() },
            'Review again',
          )
        : null,
    ),
    status,
    panel,
  );
  return { element, reload: load };
}
