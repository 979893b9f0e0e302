// The incident page's affected customers: searchable by name, email, external id or reference
// code, 20 at a time; optionally only those not yet reached, with how their notice goes and what
// happens to them next.
import { api } from '../../api.js';
import { h, notice, replace } from '../../dom.js';
import { timeEl } from '../../format.js';
import {
  AFFECTED_STATUS_LABELS,
  LETTER_STATUS_LABELS,
  NOTICE_CHANNEL_LABELS,
  NOTICE_CHANNEL_REASON_LABELS,
  categoryLabel,
  label,
} from '../../labels.js';
import { cell, row, table } from '../../table.js';

const PAGE = 20;

/** The section element, and `reload()` to fetch the first page again (after a status change). */
export function affectedSection(incidentId) {
  const results = h('div', { id: 'affected-results' });
  const input = h('input', {
    type: 'search',
    id: 'affected-search',
    name: 'search',
    autocomplete: 'off',
    'aria-describedby': 'affected-search-hint',
  });
  const unreachedBox = h('input', {
    type: 'checkbox',
    id: 'affected-unreached',
    name: 'unreached',
    onchange: () => void load(false),
  });
  let search = '';
  let next = 0;
  let rows = [];

  const load = async (append) => {
    const q = new URLSearchParams({ limit: String(PAGE), after: String(append ? next : 0) });
    if (search) q.set('search', search);
    if (unreachedBox.checked) q.set('unreached', 'true');
    try {
      const page = await api(`/api/incidents/${incidentId}/affected?${q}`);
      rows = append ? rows.concat(page.items) : page.items;
      next = page.next;
      replace(
        results,
        rows.length
          ? customersTable(rows)
          : h(
              'p',
              { class: 'muted' },
              search
                ? `No affected customer matches “${search}”.`
                : unreachedBox.checked
                  ? 'Everyone is reached.'
                  : 'None identified yet.',
            ),
      );
      if (next !== null)
        results.append(
          h('button', { type: 'button', class: 'button', onclick: () => load(true) }, 'Show more'),
        );
      results.append(h('p', { class: 'visually-hidden', role: 'status' }, `${rows.length} customers shown`));
    } catch (err) {
      replace(results, notice('error', `Could not load the affected customers: ${err.message}`));
    }
  };

  const element = h(
    'section',
    { class: 'card', id: 'affected', 'aria-labelledby': 'affected-title' },
    h('h2', { id: 'affected-title' }, 'Affected customers'),
    h(
      'form',
      {
        class: 'search',
        role: 'search',
        onsubmit: (event) => {
          event.preventDefault();
          search = input.value.trim();
          void load(false);
        },
      },
      h('label', { for: 'affected-search' }, 'Search'),
      input,
      h('button', { type: 'submit', class: 'button' }, 'Search'),
      h('p', { id: 'affected-search-hint', class: 'hint' }, 'Name, email, external id or reference code.'),
      h(
        'p',
        { class: 'checkbox' },
        unreachedBox,
        h('label', { for: 'affected-unreached' }, 'Only people not yet reached'),
      ),
    ),
    results,
  );
  return { element, reload: () => void load(false) };
}

function customersTable(rows) {
  return table({
    compact: true,
    columns: ['Customer', 'Email', 'Where', 'Exposed', 'Reference', 'Channel', 'Notice', 'Sent'],
    rows: rows.map((r) =>
      row(
        {},
        [r.fullName, h('br'), h('span', { class: 'muted small' }, r.externalId)],
        r.email ?? h('span', { class: 'muted' }, 'none'),
        r.jurisdiction,
        cell({ class: 'small' }, r.categories.map(categoryLabel).join(', ')),
        h('code', {}, r.referenceCode),
        r.channel
          ? [
              label(NOTICE_CHANNEL_LABELS, r.channel),
              h('br'),
              h('span', { class: 'muted small' }, label(NOTICE_CHANNEL_REASON_LABELS, r.channelReason)),
            ]
          : h('span', { class: 'muted' }, '—'),
        [
          label(AFFECTED_STATUS_LABELS, r.status),
          r.acknowledgedAt ? [h('br'), h('span', { class: 'muted small' }, 'acknowledged')] : null,
          r.letterStatus
            ? [
                h('br'),
                h(
                  'span',
                  { class: 'muted small' },
                  `Letter: ${label(LETTER_STATUS_LABELS, r.letterStatus)}${r.postedOn ? ` ${r.postedOn}` : ''}`,
                ),
              ]
            : null,
        ],
        r.sentAt ? timeEl(r.sentAt) : '—',
      ),
    ),
  });
}
