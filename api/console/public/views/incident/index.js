// The incident page: facts, delivery progress (polled every 2 s while sending), obligations (with
// what compliance records against them), the notice, the affected customers (searchable) and the
// timeline from the audit trail.
import { ApiError, api, can, consoleConfig } from '../api.js';
import { h, notice, replace } from '../dom.js';
import {
  AUDIENCE_LABELS,
  FINAL_STATUSES,
  categoryLabel,
  count,
  countdown,
  humanise,
  percent,
  statusBadge,
  timeEl,
} from '../format.js';
import {
  canFile,
  delayForm,
  filingForm,
  holdForm,
  isOpen,
  liftHoldForm,
  obligationLabel,
  reassessForm,
} from './obligation-actions.js';

const FAST_MS = 2000; // while delivering
const SLOW_MS = 5000; // while identifying, drafting or awaiting approval
const AFFECTED_PAGE = 20;

export async function render(main, { user, params: [id] }) {
  const [first, config] = await Promise.all([api(`/api/incidents/${id}`), consoleConfig()]);
  const section = (sectionId, title, ...extra) =>
    h(
      'section',
      { class: 'card', id: sectionId, 'aria-labelledby': `${sectionId}-title` },
      h('h2', { id: `${sectionId}-title` }, title),
      ...extra,
    );

  const head = h('div', { class: 'incident-head' });
  const deliveryBody = h('div');
  const obligationsBody = h('div');
  const holdStatus = h('div', { id: 'hold-status' });
  // Compliance's buttons are redrawn with the table; the open form is not, so polling never wipes it.
  const mayAct = can.actOnObligations(user);
  const obligationTools = h('div', { class: 'actions', id: 'obligation-tools' });
  const obligationPanel = h('div', { id: 'obligation-panel' });
  const noticeBody = h('div');
  const timelineBody = h('div');
  const pollStatus = h('div', { class: 'poll-status' });
  const affected = affectedSection(id);

  main.append(
    head,
    pollStatus,
    h(
      'div',
      { class: 'incident-grid' },
      h(
        'div',
        { class: 'incident-main' },
        section('delivery', 'Delivery', deliveryBody),
        section(
          'obligations',
          'Obligations',
          holdStatus,
          obligationsBody,
          mayAct ? [obligationTools, obligationPanel] : null,
        ),
        affected.element,
      ),
      h(
        'div',
        { class: 'incident-side' },
        can.readNotices(user) ? section('notice', 'Notice', noticeBody) : null,
        section('timeline', 'Timeline', timelineBody),
      ),
    ),
  );

  let stopped = false;
  let timer;
  let lastStatus;
  let noticeSignature;
  let obligationSignature;
  let latest = first;
  const names = new Map([[user.id, user.displayName]]);

  /** One compliance action in the panel below the table; when it is done, the page refreshes. */
  const openAction = (form, ...args) => {
    const close = () => replace(obligationPanel);
    const done = () =>
      void refresh().catch((err) =>
        replace(pollStatus, notice('error', `Could not refresh (${err.message}); trying again.`)),
      );
    const el = form(id, ...args, { done, close });
    replace(obligationPanel, el);
    el.querySelector('textarea, input, button[type=submit]')?.focus();
  };
  const actions = {
    file: (o) => openAction(filingForm, o),
    delay: (o) => openAction(delayForm, o),
    hold: () => openAction(holdForm),
    lift: (held) => openAction(liftHoldForm, held),
    reassess: () => openAction(reassessForm, latest),
  };
  /** Redrawn only when something changed, so a keyboard user's focus stays put between polls. */
  const showObligations = (obligations, events) => {
    const filings = filingNotes(events);
    const signature = JSON.stringify([obligations, [...filings]]);
    if (signature === obligationSignature) return;
    obligationSignature = signature;
    renderHoldStatus(holdStatus, obligations);
    renderObligations(obligationsBody, obligations, filings, mayAct ? actions : null);
    if (mayAct) renderObligationTools(obligationTools, obligations, actions);
  };

  const refresh = async () => {
    const incident = (latest = await api(`/api/incidents/${id}`));
    names.set(incident.openedBy, incident.openedByName);
    const statusChanged = incident.status !== lastStatus;
    const [delivery, obligations, timeline, notices] = await Promise.all([
      api(`/api/incidents/${id}/delivery`),
      api(`/api/incidents/${id}/obligations`).catch((err) =>
        err instanceof ApiError && err.status === 404 ? null : Promise.reject(err),
      ),
      api(`/api/incidents/${id}/timeline`),
      // Notices carry rendered previews: fetched when the status moves, not on every tick.
      can.readNotices(user) && statusChanged ? api(`/api/incidents/${id}/notices`) : undefined,
    ]);
    renderHead(head, incident, config);
    renderDelivery(deliveryBody, incident, delivery);
    showObligations(obligations, timeline.items);
    if (notices) {
      for (const n of notices.items) if (n.decidedBy) names.set(n.decidedBy, n.decidedByName);
      const signature = notices.items.map((n) => `${n.id}:${n.status}`).join(',') + incident.status;
      if (signature !== noticeSignature) {
        noticeSignature = signature;
        renderNotices(noticeBody, incident, notices.items, user, () => ((lastStatus = undefined), refresh()));
      }
    }
    renderTimeline(timelineBody, timeline.items, names);
    if (statusChanged && lastStatus !== undefined) affected.reload();
    lastStatus = incident.status;
    return incident.status;
  };

  const loop = async () => {
    let status = lastStatus;
    try {
      status = await refresh();
      replace(pollStatus);
    } catch (err) {
      replace(pollStatus, notice('error', `Could not refresh (${err.message}); trying again.`));
    }
    if (stopped || FINAL_STATUSES.includes(status)) return;
    timer = setTimeout(loop, status === 'delivering' ? FAST_MS : SLOW_MS);
  };
  lastStatus = undefined;
  renderHead(head, first, config);
  await loop();
  affected.reload();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function renderHead(head, incident, config) {
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
      fact(
        'Nearest deadline',
        incident.nextDeadline
          ? [
              countdown(incident.nextDeadline.dueAt),
              ' ',
              h(
                'span',
                { class: 'muted' },
                `${incident.nextDeadline.jurisdiction} · ${AUDIENCE_LABELS[incident.nextDeadline.audience] ?? incident.nextDeadline.audience}`,
              ),
            ]
          : h('span', { class: 'muted' }, 'none open'),
      ),
      fact('Affected', count(incident.counts.affected)),
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

const fact = (term, value) => h('div', {}, h('dt', {}, term), h('dd', {}, value));

const SEGMENTS = [
  ['sent', 'Sent'],
  ['pending', 'Pending'],
  ['retrying', 'Retrying'],
  ['undeliverable', 'Undeliverable'],
];

/** A stacked bar of the email deliveries; the legend carries the same numbers as text. */
function renderDelivery(body, incident, delivery) {
  const total = SEGMENTS.reduce((sum, [key]) => sum + delivery[key], 0);
  if (total === 0 && delivery.manual === 0) {
    const why = {
      identifying: 'Finding the affected customers…',
      drafting: 'Delivery starts once a notice is approved.',
      awaiting_approval: 'Delivery starts once the notice is approved.',
      closed_no_notice: 'No one needs to be notified.',
    };
    return replace(body, h('p', { class: 'muted' }, why[incident.status] ?? 'Nothing to deliver.'));
  }
  const delivered = percent(delivery.sent, total);
  replace(
    body,
    h(
      'p',
      { class: 'big-number' },
      h('span', { id: 'delivered-percent' }, `${delivered} %`),
      ' delivered ',
      h('span', { class: 'muted' }, `(${count(delivery.sent)} of ${count(total)} emails)`),
    ),
    h(
      'div',
      {
        class: 'stack',
        role: 'progressbar',
        'aria-label': 'Emails delivered',
        'aria-valuemin': 0,
        'aria-valuemax': 100,
        'aria-valuenow': delivered,
      },
      SEGMENTS.filter(([key]) => delivery[key] > 0).map(([key, label]) =>
        h('div', {
          class: `stack__part stack__part--${key}`,
          style: `flex-grow:${delivery[key]}`,
          title: `${label}: ${delivery[key]}`,
        }),
      ),
    ),
    h(
      'ul',
      { class: 'legend' },
      SEGMENTS.map(([key, label]) =>
        h(
          'li',
          { dataset: { segment: key } },
          h('span', { class: `swatch stack__part--${key}`, 'aria-hidden': 'true' }),
          `${label}: `,
          h('strong', {}, count(delivery[key])),
        ),
      ),
      delivery.manual
        ? h(
            'li',
            {},
            h('span', { class: 'swatch swatch--manual', 'aria-hidden': 'true' }),
            'By hand (no email): ',
            h('strong', {}, count(delivery.manual)),
          )
        : null,
    ),
    delivery.undeliverableList.length
      ? h(
          'details',
          {},
          h(
            'summary',
            {},
            `Undeliverable addresses (${delivery.undeliverableList.length}) — send a substitute notice`,
          ),
          h(
            'table',
            { class: 'table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Customer', 'Address', 'Attempts', 'Relay said'].map((t) => h('th', { scope: 'col' }, t)),
              ),
            ),
            h(
              'tbody',
              {},
              delivery.undeliverableList.map((u) =>
                h(
                  'tr',
                  {},
                  h('td', {}, u.externalId),
                  h('td', {}, u.recipient),
                  h('td', { class: 'num' }, u.attempts),
                  h('td', {}, u.reply ?? '—'),
                ),
              ),
            ),
          ),
        )
      : null,
  );
}

const OBLIGATION_STATUS = {
  pending: 'Pending',
  met: 'Met',
  overdue: 'Overdue',
  not_required: 'Not required',
};

/**
 * Filing notes from the audit trail (the obligation itself records only when), by obligation id and
 * by rule and jurisdiction: a re-assessment's new row for the same rule carries the filing over.
 */
function filingNotes(events) {
  const notes = new Map();
  for (const e of events) {
    if (e.action !== 'filing_recorded' || !e.detail?.obligationId) continue;
    notes.set(e.detail.obligationId, e.detail.note);
    if (e.detail.ruleId) notes.set(ruleKey(e.detail), e.detail.note);
  }
  return notes;
}
const ruleKey = (o) => `${o.ruleId}|${o.jurisdiction}`;

/** Whether any clock is paused, and which: as the server answered, per obligation. */
function renderHoldStatus(body, obligations) {
  const held = obligations?.items.filter((o) => o.heldSince) ?? [];
  if (!held.length) return replace(body);
  const since = held.map((o) => o.heldSince).sort()[0];
  const running = obligations.items.filter((o) => isOpen(o) && !o.heldSince);
  replace(
    body,
    notice(
      'warning',
      h('strong', {}, 'Clocks paused by a law-enforcement hold'),
      ' since ',
      timeEl(since),
      '.',
      h('br'),
      `Paused: ${held.map(obligationLabel).join(', ')}.`,
      running.length ? [h('br'), `Still running: ${running.map(obligationLabel).join(', ')}.`] : null,
    ),
  );
}

/** Incident-wide actions for compliance; what they may change is the server's call. */
function renderObligationTools(body, obligations, actions) {
  if (!obligations) return replace(body);
  const held = obligations.items.filter((o) => o.heldSince);
  replace(
    body,
    obligations.items.some(isOpen)
      ? h('button', { type: 'button', class: 'button', onclick: actions.hold }, 'Law-enforcement hold')
      : null,
    held.length
      ? h('button', { type: 'button', class: 'button', onclick: () => actions.lift(held) }, 'Hold lifted')
      : null,
    h('button', { type: 'button', class: 'button', onclick: actions.reassess }, 'Re-assess'),
  );
}

function renderObligations(body, obligations, filings, actions) {
  if (!obligations)
    return replace(body, h('p', { class: 'muted' }, 'Obligations are not available from this server.'));
  if (!obligations.items.length) return replace(body, h('p', { class: 'muted' }, 'None assessed yet.'));
  const open = (o) => !['met', 'not_required'].includes(o.status);
  const button = (label, o, onclick) =>
    h(
      'button',
      { type: 'button', class: 'button button--small', onclick: () => onclick(o) },
      label,
      h('span', { class: 'visually-hidden' }, ` for ${obligationLabel(o)}`),
    );
  const items = [...obligations.items].sort(
    (a, b) =>
      Number(open(b)) - Number(open(a)) || String(a.dueAt ?? '9').localeCompare(String(b.dueAt ?? '9')),
  );
  replace(
    body,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'table table--compact' },
        h(
          'caption',
          { class: 'visually-hidden' },
          `Obligations under rules version ${obligations.rulesVersion ?? 'unknown'}`,
        ),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Where', 'Whom', 'Due', 'Status', 'People', 'Citation', actions ? 'Actions' : null]
              .filter(Boolean)
              .map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          {},
          items.map((o) =>
            h(
              'tr',
              { dataset: { obligationId: o.id } },
              h('td', {}, o.jurisdiction),
              h('td', {}, AUDIENCE_LABELS[o.audience] ?? o.audience),
              h(
                'td',
                {},
                o.dueAt
                  ? [timeEl(o.dueAt), open(o) && !o.heldSince ? [h('br'), countdown(o.dueAt)] : null]
                  : h('span', { class: 'muted' }, 'no fixed time'),
                h('br'),
                h('span', { class: 'muted small' }, o.deadlineText),
              ),
              h(
                'td',
                {},
                h(
                  'span',
                  { class: `badge badge--ob-${o.status}` },
                  OBLIGATION_STATUS[o.status] ?? humanise(o.status),
                ),
                o.heldSince
                  ? [
                      h('br'),
                      h(
                        'span',
                        { class: 'small' },
                        'Clock paused (law-enforcement hold) since ',
                        timeEl(o.heldSince),
                      ),
                    ]
                  : null,
                o.status === 'met' && o.metAt
                  ? [
                      h('br'),
                      h(
                        'span',
                        { class: 'muted small' },
                        o.audience === 'individuals' ? 'met ' : 'filed ',
                        timeEl(o.metAt),
                      ),
                    ]
                  : null,
                o.status === 'met' && (filings.has(o.id) || filings.has(ruleKey(o)))
                  ? h('p', { class: 'filing-note small' }, filings.get(o.id) ?? filings.get(ruleKey(o)))
                  : null,
                o.delayReason ? h('p', { class: 'muted small' }, `Delay: ${o.delayReason}`) : null,
              ),
              h('td', { class: 'num' }, count(o.affectedCount)),
              h(
                'td',
                { class: 'small' },
                o.citation,
                o.uncertain
                  ? h(
                      'details',
                      { class: 'uncertain' },
                      h('summary', {}, 'Uncertain'),
                      h('p', { class: 'muted' }, o.uncertain),
                    )
                  : null,
              ),
              actions
                ? h(
                    'td',
                    { class: 'row-actions' },
                    canFile(o) ? button('Record filing', o, actions.file) : null,
                    isOpen(o) ? button('Record delay reason', o, actions.delay) : null,
                  )
                : null,
            ),
          ),
        ),
      ),
    ),
  );
}

const NOTICE_STATUS = {
  pending_approval: 'Waiting for approval',
  approved: 'Approved',
  rejected: 'Rejected',
  superseded: 'Superseded',
};

function renderNotices(body, incident, notices, user, reload) {
  if (!notices.length)
    return replace(
      body,
      h(
        'p',
        { class: 'muted' },
        incident.status === 'closed_no_notice' ? 'No notice is needed.' : 'Not drafted yet.',
      ),
    );
  const latest = notices.at(-1);
  const items = [...notices]
    .reverse()
    .map((n) =>
      h(
        'div',
        { class: 'notice-version' },
        h(
          'p',
          {},
          h('strong', {}, `Version ${n.version}`),
          ' · ',
          NOTICE_STATUS[n.status] ?? n.status,
          ' · drafted ',
          timeEl(n.draftedAt),
        ),
        n.decidedAt
          ? h(
              'p',
              { class: 'muted' },
              `${n.status === 'rejected' ? 'Rejected' : 'Decided'} by ${n.decidedByName ?? 'someone'} `,
              timeEl(n.decidedAt),
            )
          : null,
        n.decisionComment ? h('blockquote', {}, n.decisionComment) : null,
      ),
    );
  const actions = [];
  if (latest.status === 'pending_approval' && can.decide(user)) {
    actions.push(
      h('p', {}, h('a', { class: 'button', href: '#/approvals' }, 'Review it in the approval queue')),
    );
  }
  if (latest.status === 'rejected' && incident.status === 'drafting' && can.reviseNotice(user)) {
    actions.push(reviseForm(incident.id, latest, reload));
  }
  replace(body, actions, items);
}

/** After a rejection: new wording, which goes for approval again as a new version. */
function reviseForm(incidentId, latest, reload) {
  const status = h('div');
  const area = (name, label, value) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: `revise-${name}` }, label),
      h('textarea', { id: `revise-${name}`, name, rows: '4' }, value),
    );
  const form = h(
    'form',
    { class: 'revise', novalidate: true },
    h('h3', {}, 'Revise the wording'),
    area('whatHappened', 'What happened', latest.content.whatHappened),
    area('whatWeAreDoing', 'What we are doing', latest.content.whatWeAreDoing),
    h('button', { type: 'submit', class: 'button button--primary' }, 'Send for approval'),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api(`/api/incidents/${incidentId}/notice`, {
        method: 'PUT',
        body: {
          whatHappened: form.elements.whatHappened.value,
          whatWeAreDoing: form.elements.whatWeAreDoing.value,
        },
      });
      replace(status, notice('success', 'The revised notice is waiting for approval.'));
      reload();
    } catch (err) {
      replace(status, notice('error', err.message));
    }
  });
  return form;
}

const ACTION_LABELS = {
  incident_opened: 'Incident opened',
  affected_identified: 'Affected customers identified',
  obligations_assessed: 'Obligations assessed',
  notice_drafted: 'Notice drafted',
  notice_approved: 'Notice approved',
  notice_rejected: 'Notice rejected',
  status_changed: 'Status changed',
  delivery_finished: 'Delivery finished',
  individuals_obligations_met: 'Notice to individuals met',
  deadline_reminder_sent: 'Deadline reminder sent',
  deadline_escalated: 'Deadline escalated',
  obligation_overdue: 'Obligation overdue',
  standard_notice_used: 'Pre-approved standard notice sent',
  standard_notice_unavailable: 'No pre-approved standard notice to send',
  filing_recorded: 'Filing recorded',
  delay_reason_recorded: 'Delay reason recorded',
  obligation_held: 'Obligation put on hold',
  obligation_hold_lifted: 'Hold on an obligation lifted',
  law_enforcement_hold_recorded: 'Law-enforcement hold: clocks paused',
  law_enforcement_hold_lifted: 'Law-enforcement hold lifted',
  reassessment_requested: 'Re-assessment requested',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-/i;

/** Fields of an event's detail worth reading; ids, hashes and nested objects are left to the API. */
function detailText(detail) {
  const lines = [];
  for (const [key, value] of Object.entries(detail ?? {})) {
    if (/(Id|Ids|Hash)$/.test(key) || value === null || value === '') continue;
    if (
      Array.isArray(value) &&
      (value.length > 12 || value.some((v) => typeof v === 'object' || UUID.test(String(v))))
    )
      continue;
    if (UUID.test(String(value))) continue;
    if (!Array.isArray(value) && typeof value === 'object') continue;
    const label = humanise(key.replace(/([A-Z])/g, ' $1').toLowerCase());
    lines.push(`${label}: ${Array.isArray(value) ? value.join(', ') : value}`);
  }
  return lines.slice(0, 6);
}

function renderTimeline(body, events, names) {
  if (!events.length) return replace(body, h('p', { class: 'muted' }, 'Nothing yet.'));
  replace(
    body,
    h(
      'ol',
      { class: 'timeline' },
      [...events].reverse().map((e) =>
        h(
          'li',
          { dataset: { action: e.action } },
          h('div', { class: 'timeline__when' }, timeEl(e.at)),
          h(
            'div',
            { class: 'timeline__what' },
            h('strong', {}, ACTION_LABELS[e.action] ?? humanise(e.action)),
            ' ',
            h(
              'span',
              { class: 'muted' },
              'by ',
              e.actor === 'system' ? 'the workflow' : (names.get(e.actor) ?? 'a staff member'),
            ),
          ),
          detailText(e.detail).map((line) => h('div', { class: 'timeline__detail' }, line)),
        ),
      ),
    ),
  );
}

/** The affected customers, searchable by name, email, external id or reference code, page by page. */
function affectedSection(incidentId) {
  const results = h('div', { id: 'affected-results' });
  const input = h('input', {
    type: 'search',
    id: 'affected-search',
    name: 'search',
    autocomplete: 'off',
    'aria-describedby': 'affected-search-hint',
  });
  let search = '';
  let next = 0;
  let rows = [];

  const load = async (append) => {
    const q = new URLSearchParams({ limit: String(AFFECTED_PAGE), after: String(append ? next : 0) });
    if (search) q.set('search', search);
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
              search ? `No affected customer matches “${search}”.` : 'None identified yet.',
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
    ),
    results,
  );
  return { element, reload: () => void load(false) };
}

const AFFECTED_STATUS = {
  pending: 'Pending',
  notified: 'Notified',
  undeliverable: 'Undeliverable',
  manual: 'By hand',
};

function customersTable(rows) {
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
          ['Customer', 'Email', 'Where', 'Exposed', 'Reference', 'Notice', 'Sent'].map((t) =>
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
            h('td', {}, r.fullName, h('br'), h('span', { class: 'muted small' }, r.externalId)),
            h('td', {}, r.email),
            h('td', {}, r.jurisdiction),
            h('td', { class: 'small' }, r.categories.map(categoryLabel).join(', ')),
            h('td', {}, h('code', {}, r.referenceCode)),
            h(
              'td',
              {},
              AFFECTED_STATUS[r.status] ?? r.status,
              r.acknowledgedAt ? [h('br'), h('span', { class: 'muted small' }, 'acknowledged')] : null,
            ),
            h('td', {}, r.sentAt ? timeEl(r.sentAt) : '—'),
          ),
        ),
      ),
    ),
  );
}
