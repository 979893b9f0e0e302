// The incident page's head: title and status, the facts, links to the workflow and the mail catcher.
import { h, notice, replace } from '../../dom.js';
import { count, countdown, statusBadge, timeEl } from '../../format.js';
import { AUDIENCE_LABELS, categoryLabel, label } from '../../labels.js';

const fact = (term, value) => h('div', {}, h('dt', {}, term), h('dd', {}, value));

/**
 * How the affected people were found (core/db/affected.ts `identify`: the union of the systems'
 * holdings and the incident's list of customers), when a list was given or anyone came from one.
 */
function foundBy(incident) {
  const f = incident.foundBy;
  if (!f || (incident.customerExternalIds === null && f.list + f.both === 0)) return null;
  return h(
    'span',
    { class: 'muted', id: 'affected-found-by' },
    ` — ${count(f.system)} through the systems, ${count(f.list)} named on the list only, ${count(f.both)} both`,
  );
}

export function renderHead(head, incident, config) {
  const window =
    incident.occurredFrom || incident.occurredTo
      ? [timeEl(incident.occurredFrom), ' – ', timeEl(incident.occurredTo)]
      : h('span', { class: 'muted' }, 'not given');
  replace(
    head,
    h('p', { class: 'crumbs' }, h('a', { href: '#/incidents' }, 'Incidents')),
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, incident.title),
      h('span', { id: 'incident-status' }, statusBadge(incident.status)),
    ),
    (incident.workflowTampering ?? []).map((t) =>
      notice(
        'error',
        `The workflow was ${t.kind === 'reset' ? 'reset' : 'terminated'} outside Forthright `,
        timeEl(t.happenedAt ?? t.detectedAt),
        `${t.identity ? ` by ${t.identity}` : ''}${t.reason ? ` (“${t.reason}”)` : ''}: `,
        'its deadline timers and approval may have stopped. Tell compliance; see the timeline.',
      ),
    ),
    h('p', { class: 'description' }, incident.description),
    h(
      'dl',
      { class: 'facts' },
      fact('Opened', [timeEl(incident.createdAt), ' by ', incident.openedByName]),
      fact('Discovered', timeEl(incident.discoveredAt)),
      fact('Exposure window', window),
      fact('Systems', incident.systems.join(', ')),
      fact('Data', incident.dataCategories.map(categoryLabel).join(', ')),
      fact(
        'Encryption',
        incident.encrypted
          ? incident.keyCompromised
            ? 'Encrypted, key compromised'
            : 'Encrypted, key safe'
          : 'Not encrypted',
      ),
      incident.extortionPaidAt ? fact('Extortion payment', timeEl(incident.extortionPaidAt)) : null,
      fact(
        'Nearest deadline',
        incident.nextDeadline
          ? [
              countdown(incident.nextDeadline.dueAt),
              ' ',
              h(
                'span',
                { class: 'muted' },
                `${incident.nextDeadline.jurisdiction} · ${label(AUDIENCE_LABELS, incident.nextDeadline.audience)}`,
              ),
            ]
          : h('span', { class: 'muted' }, 'none open'),
      ),
      fact('Affected', [count(incident.counts.affected), foundBy(incident)]),
    ),
    h(
      'p',
      { class: 'links' },
      h(
        'a',
        { href: incident.links.temporalUi, target: '_blank', rel: 'noopener noreferrer' },
        'Workflow in the Temporal UI',
      ),
      config.mailCatcherUrl
        ? [
            ' · ',
            h(
              'a',
              { href: config.mailCatcherUrl, target: '_blank', rel: 'noopener noreferrer' },
              'Sent mail in the mail catcher',
            ),
          ]
        : null,
    ),
  );
}
