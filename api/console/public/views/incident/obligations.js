// The incident page's obligations section: a paused-clock banner, the table (due times, citations,
// filing notes from the audit trail) and, for compliance, the actions recorded against them.
import { h, notice, replace } from '../../dom.js';
import { count, countdown, timeEl, uncertain } from '../../format.js';
import {
  AUDIENCE_LABELS,
  FILING_CHANNEL_LABELS,
  OBLIGATION_STATUS_LABELS,
  REACH_NEXT_STEPS,
  REACH_STATE_LABELS,
  label,
} from '../../labels.js';
import { cell, row, table } from '../../table.js';
import { canFile, isOpen, obligationLabel } from './obligation-actions.js';

/**
 * What proves each filing, from the audit trail (the obligation itself records only when): by
 * obligation id and by rule and jurisdiction, since a re-assessment's new row for the same rule
 * carries the filing over. Only the filing itself (sequence 1) meets an obligation.
 */
export function filingNotes(events) {
  const notes = new Map();
  for (const e of events) {
    const d = e.detail ?? {};
    if ((d.sequence ?? 1) !== 1) continue;
    const note =
      e.action === 'filing_recorded'
        ? (d.note ?? `${label(FILING_CHANNEL_LABELS, d.channel)}, reference ${d.reference}`)
        : e.action === 'filing_sent'
          ? `${label(FILING_CHANNEL_LABELS, 'email')}${d.recipient ? ` to ${d.recipient}` : ''}`
          : null;
    if (!note) continue;
    if (d.obligationId) notes.set(d.obligationId, note);
    if (d.ruleId) notes.set(ruleKey(d), note);
  }
  return notes;
}
const ruleKey = (o) => `${o.ruleId}|${o.jurisdiction}`;

/** Whether any clock is paused, and which: as the server answered, per obligation. */
export function renderHoldStatus(body, obligations) {
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
export function renderObligationTools(body, obligations, actions) {
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

/** The reach states in the order people move through them, the unreached last (as labels.js lists them). */
const REACH_ORDER = Object.keys(REACH_STATE_LABELS);

/**
 * An individuals' obligation's people by reach state (from the server: core/use-cases/reach.ts):
 * an open one with some notified is "partly met", and each count still unreached says what happens
 * to those people next. Nothing for other audiences, or before anyone is counted.
 */
export function reachSummary(o) {
  const r = o.reach;
  if (!r || !r.total) return null;
  const partly = o.status !== 'met' && r.notified + r.covered > 0;
  return h(
    'div',
    { class: 'reach small', dataset: { reach: o.id } },
    partly
      ? h('strong', {}, `Partly met: ${count(r.notified + r.covered)} of ${count(r.total)} reached`)
      : null,
    h(
      'ul',
      { class: 'reach__states' },
      REACH_ORDER.filter((state) => r[state] > 0).map((state) =>
        h(
          'li',
          { dataset: { state } },
          `${label(REACH_STATE_LABELS, state)}: `,
          h('strong', {}, count(r[state])),
          state !== 'notified' && REACH_NEXT_STEPS[state]
            ? [' — ', h('span', { class: 'muted' }, REACH_NEXT_STEPS[state])]
            : null,
        ),
      ),
      r.covered
        ? h(
            'li',
            { dataset: { state: 'covered' } },
            'Covered by the substitute notice: ',
            h('strong', {}, count(r.covered)),
          )
        : null,
    ),
  );
}

/** The obligations, open ones first by due time; `actions` (compliance only) adds a column. */
export function renderObligations(body, obligations, filings, actions) {
  if (!obligations)
    return replace(body, h('p', { class: 'muted' }, 'Obligations are not available from this server.'));
  if (!obligations.items.length) return replace(body, h('p', { class: 'muted' }, 'None assessed yet.'));
  const open = (o) => !['met', 'not_required'].includes(o.status);
  const button = (text, o, onclick) =>
    h(
      'button',
      { type: 'button', class: 'button button--small', onclick: () => onclick(o) },
      text,
      h('span', { class: 'visually-hidden' }, ` for ${obligationLabel(o)}`),
    );
  const items = [...obligations.items].sort(
    (a, b) =>
      Number(open(b)) - Number(open(a)) || String(a.dueAt ?? '9').localeCompare(String(b.dueAt ?? '9')),
  );
  const filing = (o) => filings.get(o.id) ?? filings.get(ruleKey(o));
  replace(
    body,
    table({
      compact: true,
      caption: `Obligations under rules version ${obligations.rulesVersion ?? 'unknown'}`,
      columns: ['Where', 'Whom', 'Due', 'Status', 'People', 'Citation', actions ? 'Actions' : false],
      rows: items.map((o) =>
        row(
          { dataset: { obligationId: o.id } },
          o.jurisdiction,
          label(AUDIENCE_LABELS, o.audience),
          [
            o.dueAt
              ? [timeEl(o.dueAt), open(o) && !o.heldSince ? [h('br'), countdown(o.dueAt)] : null]
              : h('span', { class: 'muted' }, 'no fixed time'),
            h('br'),
            h('span', { class: 'muted small' }, o.deadlineText),
          ],
          [
            h('span', { class: `badge badge--ob-${o.status}` }, label(OBLIGATION_STATUS_LABELS, o.status)),
            o.heldSince
              ? [
                  h('br'),
                  h(
                    'span',
                    { class: 'small' },
                    'Clock paused (law-enforcement hold) since ',
                    timeEl(o.heldSince),
                    // An oral request's time limit (HIPAA: 30 days, 45 CFR 164.412(b)).
                    o.heldUntil
                      ? [', until ', timeEl(o.heldUntil), ' (oral request, unless a written one is recorded)']
                      : null,
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
            o.status === 'met' && filing(o) ? h('p', { class: 'filing-note small' }, filing(o)) : null,
            o.delayReason ? h('p', { class: 'muted small' }, `Delay: ${o.delayReason}`) : null,
            // Why it is not required: the law's threshold, or a determination with its reason (issue 15).
            o.status === 'not_required' && o.reason
              ? h('p', { class: 'muted small not-required-reason' }, o.reason)
              : null,
            reachSummary(o),
          ],
          cell({ class: 'num' }, count(o.affectedCount)),
          cell({ class: 'small' }, o.citation, uncertain(o.uncertain)),
          actions
            ? cell(
                { class: 'row-actions' },
                canFile(o) ? button('File with its packet', o, actions.file) : null,
                isOpen(o) ? button('Record delay reason', o, actions.delay) : null,
              )
            : false,
        ),
      ),
    }),
  );
}
