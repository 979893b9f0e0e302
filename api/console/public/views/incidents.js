// The incidents list: what is open, who opened it, and what is due when.
import { api, can } from '../api.js';
import { h, notice, replace } from '../dom.js';
import { count, countdown, percent, statusBadge, timeEl } from '../format.js';
import { AUDIENCE_LABELS, label } from '../labels.js';
import { cell, row, table } from '../table.js';

const PAGE = 50;
const REFRESH_MS = 5000;

export function render(main, { user }) {
  let offset = 0;
  const body = h('div', { id: 'incident-list', 'aria-live': 'off' });
  const status = h('div');
  main.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Incidents'),
      can.openIncident(user)
        ? h('a', { class: 'button button--primary', href: '#/incidents/new' }, 'Open an incident')
        : null,
    ),
    status,
    body,
  );

  const load = async () => {
    try {
      const page = await api(`/api/incidents?limit=${PAGE}&offset=${offset}`);
      replace(status);
      replace(body, page.items.length ? incidentsTable(page.items) : empty(user), pager(page));
    } catch (err) {
      replace(status, notice('error', `Could not load the incidents: ${err.message}`));
    }
  };

  const pager = (page) =>
    page.offset > 0 || page.items.length === PAGE
      ? h(
          'nav',
          { class: 'pager', 'aria-label': 'Pages' },
          h(
            'button',
            {
              type: 'button',
              class: 'button',
              disabled: page.offset === 0,
              onclick: () => ((offset = Math.max(0, offset - PAGE)), load()),
            },
            'Newer',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'button',
              disabled: page.items.length < PAGE,
              onclick: () => ((offset += PAGE), load()),
            },
            'Older',
          ),
        )
      : null;

  void load();
  const timer = setInterval(load, REFRESH_MS);
  return () => clearInterval(timer);
}

function empty(user) {
  return h(
    'p',
    { class: 'empty' },
    'No incidents yet. ',
    can.openIncident(user) ? h('a', { href: '#/incidents/new' }, 'Open the first one.') : null,
  );
}

function incidentsTable(items) {
  return table({
    caption: 'Incidents, newest first',
    columns: ['Incident', 'Opened', 'Status', 'Affected', 'Nearest deadline', 'Notified'],
    rows: items.map(incidentRow),
  });
}

function incidentRow(incident) {
  const c = incident.counts;
  const p = percent(c.notified, c.affected);
  return row(
    { dataset: { incidentId: incident.id } },
    cell({ scope: 'row' }, h('a', { href: `#/incidents/${incident.id}` }, incident.title)),
    [timeEl(incident.createdAt), h('br'), h('span', { class: 'muted' }, 'by ', incident.openedByName)],
    statusBadge(incident.status),
    cell({ class: 'num' }, count(c.affected)),
    incident.nextDeadline
      ? [
          countdown(incident.nextDeadline.dueAt),
          h('br'),
          h(
            'span',
            { class: 'muted' },
            incident.nextDeadline.jurisdiction,
            ' · ',
            label(AUDIENCE_LABELS, incident.nextDeadline.audience),
          ),
        ]
      : h('span', { class: 'muted' }, 'none open'),
    cell(
      { class: 'progress-cell' },
      h(
        'div',
        {
          class: 'meter',
          role: 'progressbar',
          'aria-valuemin': 0,
          'aria-valuemax': 100,
          'aria-valuenow': p,
          'aria-label': `Notified: ${p} %`,
        },
        h('div', { class: 'meter__fill', style: `width:${p}%` }),
      ),
      h(
        'span',
        { class: 'muted' },
        `${count(c.notified)} of ${count(c.affected)}`,
        c.failed ? ` · ${count(c.failed)} undeliverable` : '',
        c.manual ? ` · ${count(c.manual)} by hand` : '',
      ),
    ),
  );
}
