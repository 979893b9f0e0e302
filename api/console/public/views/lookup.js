// Support lookup: a customer quotes their reference code (or writes from their address); staff see
// each of their cases — what was exposed, where and when the notice went, and the notice itself.
import { ApiError, api, ifFound } from '../api.js';
import { h, notice, replace } from '../dom.js';
import { errorParagraph, field, onSubmit } from '../form.js';
import { statusBadge, timeEl } from '../format.js';
import {
  ACTION_LABELS,
  CASE_STATUS_LABELS,
  CUSTOMER_STATUS_LABELS,
  DELIVERY_STATUS_LABELS,
  ANSWER_CHANNEL_LABELS,
  QUESTION_STATUS_LABELS,
  categoryLabel,
  label,
} from '../labels.js';

export function render(main) {
  const results = h('div', { id: 'lookup-results', 'aria-live': 'polite' });
  const error = errorParagraph('lookup');
  const input = h('input', {
    type: 'search',
    id: 'lookup',
    name: 'lookup',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'lookup-hint lookup-error',
  });
  const form = h(
    'form',
    { class: 'card search search--wide', role: 'search', novalidate: true },
    h('label', { for: 'lookup' }, 'Reference code or email address'),
    h(
      'p',
      { id: 'lookup-hint', class: 'hint' },
      'The code is in the notice, e.g. FR-2026-0042. Every lookup is recorded in the audit trail.',
    ),
    h(
      'div',
      { class: 'search__row' },
      input,
      h('button', { type: 'submit', class: 'button button--primary' }, 'Look up'),
    ),
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const q = input.value.trim();
    error.hidden = true;
    input.removeAttribute('aria-invalid');
    if (!q) return showError('Type a reference code or an email address.');
    replace(results, h('p', { class: 'muted' }, 'Looking up…'));
    try {
      const items = await findCases(q);
      // After an answer is sent, the cases are looked up again: the question's new state and history.
      const again = () => form.requestSubmit();
      replace(
        results,
        items.length
          ? items.map((c) => caseCard(c, again))
          : h('p', { class: 'empty' }, `No case for “${q}”.`),
      );
    } catch (err) {
      replace(results);
      showError(
        err instanceof ApiError && err.issues.length
          ? err.issues.map((i) => i.message).join('; ')
          : err.message,
      );
    }
  });
  const showError = (message) => {
    error.textContent = message;
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  };
  const waiting = h('section', { class: 'card waiting-questions', 'aria-labelledby': 'waiting-heading' });
  const showWaiting = () =>
    loadWaiting(waiting, (reference) => {
      input.value = reference;
      form.requestSubmit();
    });
  form.addEventListener('submit', () => void showWaiting());
  main.append(h('h1', {}, 'Customer lookup'), form, waiting, results);
  void showWaiting();
}

/**
 * Support's queue: questions customers asked on their pages that wait for an answer, oldest first.
 * It names the case (reference code, incident), not the person or the words: those come through the
 * lookup, which is audited. Hidden for a role that may not answer (admin).
 */
async function loadWaiting(section, lookUp) {
  let items;
  try {
    items = (await api('/api/support/questions')).items;
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) {
      section.hidden = true;
      return;
    }
    return replace(section, notice('error', `Questions waiting: ${err.message}`));
  }
  replace(
    section,
    h('h2', { id: 'waiting-heading' }, `Questions waiting for an answer (${items.length})`),
    items.length
      ? h(
          'ul',
          { class: 'waiting-list' },
          items.map((q) =>
            h(
              'li',
              {},
              h(
                'button',
                { type: 'button', class: 'button', onclick: () => lookUp(q.referenceCode) },
                `Look up ${q.referenceCode}`,
              ),
              ' ',
              q.incident.title,
              ' · asked ',
              timeEl(q.askedAt),
              q.status === 'failed'
                ? h(
                    'span',
                    { class: 'badge badge--q-failed' },
                    q.uncertain ? 'Answer unconfirmed' : label(QUESTION_STATUS_LABELS, q.status),
                  )
                : null,
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'None: every question asked on a page has its answer.'),
  );
}

/** GET /api/support/cases by reference code or by email address; no case is an empty list. */
async function findCases(q) {
  const param = q.includes('@') ? 'email' : 'reference';
  return (await ifFound(api(`/api/support/cases?${new URLSearchParams({ [param]: q })}`)))?.items ?? [];
}

function caseCard(c, again) {
  const row = (term, ...value) => h('div', {}, h('dt', {}, term), h('dd', {}, ...value));
  return h(
    'article',
    { class: 'card case', 'aria-label': `Case ${c.referenceCode}` },
    h(
      'h2',
      {},
      h('code', {}, c.referenceCode),
      ' · ',
      h('a', { href: `#/incidents/${c.incident.id}` }, c.incident.title),
      ' ',
      statusBadge(c.incident.status),
    ),
    h(
      'dl',
      { class: 'facts' },
      row('Customer', c.customer.fullName, ' ', h('span', { class: 'muted' }, `(${c.customer.externalId})`)),
      row('Email', c.customer.email ?? 'none'),
      c.customer.status !== 'active'
        ? row('Customer status', label(CUSTOMER_STATUS_LABELS, c.customer.status).toLowerCase())
        : null,
      c.customer.representativeName
        ? row(
            'Representative',
            c.customer.representativeName,
            c.customer.representativeEmail ? ` <${c.customer.representativeEmail}>` : '',
          )
        : null,
      row('Jurisdiction', c.jurisdiction),
      row('Exposed', c.categories.map(categoryLabel).join(', ')),
      row('Notice', label(CASE_STATUS_LABELS, c.status)),
      c.delivery
        ? row(
            'Delivery',
            // In a sentence: "sent to …".
            `${label(DELIVERY_STATUS_LABELS, c.delivery.status).toLowerCase()} to ${c.delivery.recipient}`,
            c.delivery.sentAt ? [' on ', timeEl(c.delivery.sentAt)] : null,
            c.delivery.attempts ? ` · ${c.delivery.attempts} attempt(s)` : '',
            c.delivery.lastReply
              ? [h('br'), h('span', { class: 'muted small' }, `Relay said: ${c.delivery.lastReply}`)]
              : null,
          )
        : null,
      row('Acknowledged', c.acknowledgedAt ? timeEl(c.acknowledgedAt) : 'not yet'),
    ),
    c.notice
      ? h(
          'details',
          {},
          h(
            'summary',
            {},
            `The notice as sent (version ${c.notice.version}, ${c.notice.language}): ${c.notice.subject}`,
          ),
          h('pre', { class: 'mail-text', tabindex: '0' }, c.notice.text),
        )
      : null,
    c.questions.length ? questionsSection(c, again) : null,
  );
}

/**
 * What the customer asked on their page: each question in their words, where its answer stands,
 * its history (the audit events), and for one waiting (or whose answer failed) the answer form.
 */
function questionsSection(c, again) {
  return h(
    'section',
    { class: 'questions', 'aria-label': `Questions from ${c.referenceCode}` },
    h('h3', {}, `Questions asked on the personal page (${c.questions.length})`),
    c.questions.map((q) => questionItem(c, q, again)),
  );
}

const ACTOR_WORDS = { customer: 'the customer', system: 'Forthright' };

function questionItem(c, q, again) {
  const dt = (term, ...value) => h('div', {}, h('dt', {}, term), h('dd', {}, ...value));
  return h(
    'article',
    { class: 'question', 'aria-label': `Question asked ${new Date(q.askedAt).toLocaleString()}` },
    h(
      'p',
      {},
      'Asked ',
      timeEl(q.askedAt),
      ' · ',
      h('span', { class: `badge badge--q-${q.status}` }, label(QUESTION_STATUS_LABELS, q.status)),
    ),
    h('blockquote', { class: 'question-body' }, q.body),
    q.answer ? h('p', { class: 'muted small' }, 'Answer') : null,
    q.answer ? h('blockquote', { class: 'question-body question-answer' }, q.answer) : null,
    q.answer
      ? h(
          'dl',
          { class: 'facts' },
          dt('Answered by', q.answeredBy?.name ?? '—'),
          dt('How', label(ANSWER_CHANNEL_LABELS, q.channel)),
          q.channel === 'email' ? dt('Sent to', q.recipient ?? '—') : null,
          q.relayResponse ? dt('Relay said', q.relayResponse) : null,
          q.uncertain
            ? dt('Uncertain', 'It may have reached the customer: ask them before sending it again.')
            : null,
        )
      : null,
    h(
      'details',
      {},
      h('summary', {}, `History (${q.history.length})`),
      h(
        'ol',
        { class: 'history' },
        q.history.map((e) =>
          h(
            'li',
            {},
            timeEl(e.at),
            ' ',
            label(ACTION_LABELS, e.action),
            ` — ${e.actorName ?? ACTOR_WORDS[e.actor] ?? e.actor}`,
            e.relayResponse ? h('span', { class: 'muted small' }, ` (${e.relayResponse})`) : null,
          ),
        ),
      ),
    ),
    q.status === 'open' || q.status === 'failed' ? answerForm(q, again) : null,
    q.status === 'sending' ? restartForm(q, again) : null,
  );
}

/**
 * POST /api/support/questions/:id/answer: by email (sent once, to the address the notice went to),
 * or an answer given by phone or post recorded (a person without an email address, or one who called).
 */
function answerForm(q, again) {
  const prefix = `answer-${q.id}`;
  const status = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'answer-form', novalidate: true },
    field({
      name: 'answer',
      prefix,
      label: q.status === 'failed' ? 'Answer (send again)' : 'Answer',
      hint: 'By email it goes to the address the notice went to, with the question quoted and the reference code. By phone or post: what you told them, recorded.',
      type: 'textarea',
      rows: 5,
      value: q.answer ?? '',
    }),
    field({
      name: 'channel',
      prefix,
      label: 'How',
      type: 'select',
      options: Object.entries(ANSWER_CHANNEL_LABELS).map(([value, text]) => ({ value, label: text })),
    }),
    q.uncertain
      ? h(
          'label',
          { class: 'check' },
          h('input', { type: 'checkbox', name: 'resend' }),
          ' The customer did not get it: send it again',
        )
      : null,
    h('button', { type: 'submit', class: 'button button--primary' }, 'Answer'),
    status,
  );
  return onSubmit(form, {
    names: ['answer', 'channel'],
    prefix,
    status,
    pending: 'Answering…',
    once: true,
    send: async () => {
      const channel = form.elements.channel.value;
      const body = { answer: form.elements.answer.value, channel };
      if (q.uncertain && channel === 'email') body.resend = form.elements.resend.checked;
      await api(`/api/support/questions/${q.id}/answer`, { method: 'POST', body });
      replace(
        status,
        notice(
          'success',
          channel === 'email' ? 'Answer queued: it is sent by email once.' : 'Answer recorded.',
        ),
      );
      setTimeout(again, 1500);
    },
    failed: (marked, err) => (marked ? 'Check the answer.' : err.message),
  });
}

/**
 * An answer stuck in `sending` (the request that claimed it could not start its workflow): asking
 * again starts the same workflow, or finds it running. It never sends a second message: the send
 * is keyed by the question and its commit point (core/use-cases/questions.ts).
 */
function restartForm(q, again) {
  const status = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'answer-form' },
    h(
      'p',
      { class: 'hint' },
      'Being sent. If it stays so for long, start the sending again: it is never sent twice.',
    ),
    h('button', { type: 'submit', class: 'button' }, 'Start sending again'),
    status,
  );
  return onSubmit(form, {
    names: [],
    status,
    pending: 'Starting…',
    once: true,
    send: async () => {
      await api(`/api/support/questions/${q.id}/answer`, {
        method: 'POST',
        body: { answer: q.answer, channel: 'email' },
      });
      replace(status, notice('success', 'Sending started.'));
      setTimeout(again, 1500);
    },
    failed: (_marked, err) => err.message,
  });
}
