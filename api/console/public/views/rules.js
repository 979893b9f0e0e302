// The law rules Forthright applies: every jurisdiction and audience, with deadline and citation.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { AUDIENCE_LABELS } from '../format.js';

export async function render(main) {
  const { rulesVersion, items } = await api('/api/rules');
  const body = h('div');
  const count = h('p', { class: 'muted', role: 'status' });
  const input = h('input', {
    type: 'search',
    id: 'rules-filter',
    autocomplete: 'off',
    'aria-describedby': 'rules-filter-hint',
  });
  const show = () => {
    const q = input.value.trim().toLowerCase();
    const rows = q
      ? items.filter((r) =>
          [r.jurisdiction, r.audience, r.regime, r.deadline, r.citation].join(' ').toLowerCase().includes(q),
        )
      : items;
    count.textContent = `${rows.length} of ${items.length} rules`;
    replace(body, table(rows));
  };
  input.addEventListener('input', show);
  main.append(
    h('h1', {}, 'Law rules'),
    h(
      'p',
      { class: 'lead' },
      `Rules version ${rulesVersion}. An incident keeps the version it was assessed under. Not legal advice: have counsel review them.`,
    ),
    h(
      'div',
      { class: 'search' },
      h('label', { for: 'rules-filter' }, 'Filter'),
      input,
      h(
        'p',
        { id: 'rules-filter-hint', class: 'hint' },
        'Jurisdiction (DE, US-CA), audience, regime or citation.',
      ),
    ),
    count,
    body,
  );
  show();
}

function table(rows) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'table table--compact' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Where', 'Whom', 'Deadline', 'Threshold', 'Safe harbour', 'Citation'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            h('td', {}, r.jurisdiction, h('br'), h('span', { class: 'muted small' }, r.regime)),
            h('td', {}, AUDIENCE_LABELS[r.audience] ?? r.audience),
            h(
              'td',
              {},
              r.deadline,
              h('br'),
              h('span', { class: 'muted small' }, r.timeZone),
              r.effectiveFrom
                ? [h('br'), h('span', { class: 'muted small' }, `in force from ${r.effectiveFrom}`)]
                : null,
              r.effectiveUntil
                ? [h('br'), h('span', { class: 'muted small' }, `superseded from ${r.effectiveUntil}`)]
                : null,
            ),
            h('td', { class: 'small' }, r.threshold ?? '—'),
            h('td', { class: 'small' }, r.safeHarbour),
            h(
              'td',
              { class: 'small' },
              r.citation,
              r.uncertain
                ? h(
                    'details',
                    { class: 'uncertain' },
                    h('summary', {}, 'Uncertain'),
                    h('p', { class: 'muted' }, r.uncertain),
                  )
                : null,
            ),
          ),
        ),
      ),
    ),
  );
}
