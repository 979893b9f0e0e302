// Support lookup: a customer quotes their reference code (or writes from their address); staff see
// each of their cases — what was exposed, where and when the notice went, and the notice itself.
import { ApiError, api, ifFound } from '../api.js';
import { h, notice, replace } from '../dom.js';
import { errorParagraph } from '../form.js';
import { statusBadge, timeEl } from '../format.js';
import {
  CASE_STATUS_LABELS,
  CUSTOMER_STATUS_LABELS,
  DELIVERY_STATUS_LABELS,
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
      replace(
        results,
        items.length ? items.map(caseCard) : h('p', { class: 'empty' }, `No case for “${q}”.`),
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
  main.append(h('h1', {}, 'Customer lookup'), form, results);
}

/** GET /api/support/cases by reference code or by email address; no case is an empty list. */
async function findCases(q) {
  const param = q.includes('@') ? 'email' : 'reference';
  return (await ifFound(api(`/api/support/cases?${new URLSearchParams({ [param]: q })}`)))?.items ?? [];
}

function caseCard(c) {
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
  );
}
