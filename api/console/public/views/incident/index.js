// The incident page: facts, delivery progress (polled every 2 s while sending), obligations (with
// what compliance records against them), the notice, the affected customers (searchable), the
// timeline from the audit trail and the evidence dossier's export, the filings with each authority
// (packets, approval, proof) and compliance's determinations. This module lays out the sections and polls; each section draws
// itself in its own module here.
import { api, can, consoleConfig, ifFound } from '../../api.js';
import { h, notice, replace } from '../../dom.js';
import { FINAL_INCIDENT_STATUSES } from '../../labels.js';
import { affectedSection } from './affected.js';
import { amendmentsSection } from './amendments.js';
import { codesSection } from './codes.js';
import { renderDelivery } from './delivery.js';
import { determinationsSection } from './determinations.js';
import { dossierSection } from './dossier.js';
import { filingsSection } from './filings.js';
import { heldSection } from './held.js';
import { renderHead } from './head.js';
import { lettersSection } from './letters.js';
import { mailingsSection } from './mailings.js';
import { renderNotices } from './notice.js';
import { actionForm } from './obligation-actions.js';
import { filingNotes, renderHoldStatus, renderObligationTools, renderObligations } from './obligations.js';
import { renderUnplaced } from './unplaced.js';
import { renderTimeline } from './timeline.js';
import { substituteSection } from './substitute-notice.js';
import { withdrawalBar } from './withdrawal.js';

const FAST_MS = 2000; // while delivering
const SLOW_MS = 5000; // while identifying, drafting or awaiting approval

const section = (sectionId, title, ...extra) =>
  h(
    'section',
    { class: 'card', id: sectionId, 'aria-labelledby': `${sectionId}-title` },
    h('h2', { id: `${sectionId}-title` }, title),
    ...extra,
  );

export async function render(main, { user, params: [id] }) {
  const [first, config] = await Promise.all([api(`/api/incidents/${id}`), consoleConfig()]);

  const head = h('div', { class: 'incident-head' });
  const deliveryBody = h('div');
  const obligationsBody = h('div');
  const holdStatus = h('div', { id: 'hold-status' });
  const unplacedStatus = h('div', { id: 'unplaced-status' });
  // Compliance's buttons are redrawn with the table; the open form is not, so polling never wipes it.
  const mayAct = can.actOnObligations(user);
  const obligationTools = h('div', { class: 'actions', id: 'obligation-tools' });
  const obligationPanel = h('div', { id: 'obligation-panel' });
  const noticeBody = h('div');
  const timelineBody = h('div');
  const pollStatus = h('div', { class: 'poll-status' });
  // Support look up one case at a time (audited); the bulk list is not theirs (issue 13).
  const affected = can.listAffected(user) ? affectedSection(id) : null;
  const letters = can.listLetters(user) ? lettersSection(id, user) : null;
  const substitute = can.readNotices(user) ? substituteSection(id, user) : null;
  // Packets quote the incident and its counts; determinations are compliance's reasoning.
  const filings = can.readNotices(user) ? filingsSection(id, user) : null;
  const determinations = can.readNotices(user) ? determinationsSection(id, user) : null;
  // Issue 17: amendments of the facts, further mailings, remediation codes, and the withdrawal.
  const amendments = can.readNotices(user) ? amendmentsSection(id, user) : null;
  const mailings = can.readNotices(user) ? mailingsSection(id, user) : null;
  const codes = can.readNotices(user) ? codesSection(id, user) : null;
  // Issue 21: notices held after a restore from a backup (drawn only while some are held).
  const held = can.readNotices(user) ? heldSection(id, user) : null;
  const withdrawal = withdrawalBar(id, user, { changed: () => void determinations?.reload() });

  main.append(
    head,
    withdrawal.element,
    pollStatus,
    h(
      'div',
      { class: 'incident-grid' },
      h(
        'div',
        { class: 'incident-main' },
        section('delivery', 'Delivery', deliveryBody),
        held?.element ?? null,
        section(
          'obligations',
          'Obligations',
          holdStatus,
          unplacedStatus,
          obligationsBody,
          mayAct ? [obligationTools, obligationPanel] : null,
        ),
        amendments?.element ?? null,
        mailings?.element ?? null,
        filings?.element ?? null,
        determinations?.element ?? null,
        codes?.element ?? null,
        affected?.element ?? null,
        letters?.element ?? null,
        substitute?.element ?? null,
      ),
      h(
        'div',
        { class: 'incident-side' },
        can.readNotices(user) ? section('notice', 'Notice', noticeBody) : null,
        section('timeline', 'Timeline', timelineBody),
        can.exportDossier(user) ? section('dossier', 'Evidence dossier', dossierSection(id)) : null,
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
  const openAction = (action, about) => {
    const close = () => replace(obligationPanel);
    const done = () =>
      void refresh().catch((err) =>
        replace(pollStatus, notice('error', `Could not refresh (${err.message}); trying again.`)),
      );
    const el = actionForm(action, id, about, { done, close });
    replace(obligationPanel, el);
    el.querySelector('textarea, input, button[type=submit]')?.focus();
  };
  const actions = {
    // A filing is made with its packet: the Filings section shows it.
    file: (o) => filings?.focusObligation(o),
    delay: (o) => openAction('delay', { o }),
    hold: () => openAction('hold', {}),
    lift: (held) => openAction('lift', { held }),
    reassess: () => openAction('reassess', { incident: latest }),
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
  /** A withdrawn incident's obligations are closed: compliance's tools for them no longer apply. */
  const hideWhenWithdrawn = (withdrawn) => {
    obligationTools.hidden = withdrawn;
    obligationPanel.hidden = withdrawn;
    // The sections' own actions that no longer apply (console.css: .incident--withdrawn).
    main.classList.toggle('incident--withdrawn', withdrawn);
  };

  /** Fetches everything and redraws; `known` is an incident just fetched (the first one), not fetched again. */
  const refresh = async (known) => {
    const incident = (latest = known ?? (await api(`/api/incidents/${id}`)));
    names.set(incident.openedBy, incident.openedByName);
    const statusChanged = incident.status !== lastStatus;
    const [delivery, obligations, timeline, notices] = await Promise.all([
      api(`/api/incidents/${id}/delivery`),
      ifFound(api(`/api/incidents/${id}/obligations`)),
      api(`/api/incidents/${id}/timeline`),
      // Notices carry rendered previews: fetched when the status moves, not on every tick.
      can.readNotices(user) && statusChanged ? api(`/api/incidents/${id}/notices`) : undefined,
    ]);
    renderHead(head, incident, config);
    await withdrawal.update(incident);
    hideWhenWithdrawn(withdrawal.isWithdrawn());
    renderDelivery(deliveryBody, incident, delivery);
    showObligations(obligations, timeline.items);
    determinations?.setObligations(obligations, names);
    // Each redraws only when what the server answered changed.
    await Promise.all([
      filings?.update(),
      determinations?.update(),
      amendments?.update(incident),
      mailings?.update(withdrawal.isWithdrawn()),
      codes?.update(withdrawal.isWithdrawn()),
    ]);
    mailings?.setAmendments(amendments?.items());
    // Who is affected changes only as the status moves (identification), so this is not polled.
    if (statusChanged) renderUnplaced(unplacedStatus, await ifFound(api(`/api/incidents/${id}/unplaced`)));
    if (notices) {
      for (const n of notices.items) if (n.decidedBy) names.set(n.decidedBy, n.decidedByName);
      const signature = notices.items.map((n) => `${n.id}:${n.status}`).join(',') + incident.status;
      if (signature !== noticeSignature) {
        noticeSignature = signature;
        renderNotices(noticeBody, incident, notices.items, user, () => ((lastStatus = undefined), refresh()));
      }
    }
    renderTimeline(timelineBody, timeline.items, names);
    if (statusChanged && lastStatus !== undefined) {
      affected?.reload();
      void letters?.reload();
      void substitute?.reload();
    }
    lastStatus = incident.status;
    return incident.status;
  };

  const loop = async (known) => {
    let status = lastStatus;
    try {
      status = await refresh(known);
      replace(pollStatus);
    } catch (err) {
      replace(pollStatus, notice('error', `Could not refresh (${err.message}); trying again.`));
    }
    // An ended incident is still watched while an amendment is applied or a mailing is under way.
    const busy = amendments?.busy() || mailings?.busy();
    if (stopped || (FINAL_INCIDENT_STATUSES.includes(status) && !busy)) return;
    timer = setTimeout(() => loop(), status === 'delivering' ? FAST_MS : SLOW_MS);
  };
  lastStatus = undefined;
  renderHead(head, first, config);
  await loop(first);
  affected?.reload();
  void letters?.reload();
  void substitute?.reload();
  void held?.reload();
  return () => {
    stopped = true;
    clearTimeout(timer);
    main.classList.remove('incident--withdrawn');
  };
}
