// The law rules Forthright applies: every jurisdiction and audience, with deadline and citation, and
// the company profile (COMPANY_REGIMES) that decides which sector regimes' rules apply.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { uncertain } from '../format.js';
import { AUDIENCE_LABELS, label } from '../labels.js';
import { cell, row, table } from '../table.js';

export async function render(main) {
  const { rulesVersion, items, profile } = await api('/api/rules');
  const labels = new Map(profile.map((p) => [p.regime, p.label]));
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
    replace(body, rulesTable(rows, labels));
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
    profileSection(profile),
    count,
    body,
  );
  show();
}

/** Which sector regimes apply to this company: set by configuration, read-only here. */
function profileSection(profile) {
  return h(
    'section',
    { class: 'company-profile', 'aria-labelledby': 'company-profile-title' },
    h('h2', { id: 'company-profile-title' }, 'Company profile'),
    h(
      'p',
      { class: 'hint' },
      'Rules marked with a profile apply only where it applies. Set by COMPANY_REGIMES in the configuration; after a change, re-assess open incidents.',
    ),
    h(
      'ul',
      { class: 'company-profile__list' },
      profile.map((p) =>
        h(
          'li',
          { dataset: { regime: p.regime, applies: String(p.applies) } },
          h('strong', {}, p.applies ? 'Applies: ' : 'Does not apply: '),
          p.label,
          h('span', { class: 'muted small' }, ` (${p.token})`),
        ),
      ),
    ),
  );
}

function rulesTable(rows, labels) {
  const small = (text) => h('span', { class: 'muted small' }, text);
  return table({
    compact: true,
    columns: ['Where', 'Whom', 'Company profile', 'Deadline', 'Threshold', 'Safe harbour', 'Citation'],
    rows: rows.map((r) =>
      row(
        {},
        [r.jurisdiction, h('br'), small(r.regime)],
        label(AUDIENCE_LABELS, r.audience),
        cell({ class: 'small' }, r.profile ? (labels.get(r.profile) ?? r.profile) : 'any'),
        [
          r.deadline,
          h('br'),
          small(r.timeZone),
          r.effectiveFrom ? [h('br'), small(`in force from ${r.effectiveFrom}`)] : null,
          r.effectiveUntil ? [h('br'), small(`superseded from ${r.effectiveUntil}`)] : null,
        ],
        cell({ class: 'small' }, r.threshold ?? '—'),
        cell({ class: 'small' }, r.safeHarbour),
        cell({ class: 'small' }, r.citation, uncertain(r.uncertain)),
      ),
    ),
  });
}
