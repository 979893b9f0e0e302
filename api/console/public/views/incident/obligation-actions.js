// What compliance records against an incident's obligations from the incident page: a delay reason,
// a law-enforcement hold and its lifting, a re-assessment. (A filing is made with its packet, in the
// Filings section: filings.js.) Each is one
// audited API call (api/routes/obligations.ts); which deadlines a hold may pause is the server's
// call, and the page shows what it answered. A 400 names the field, shown beside it; on any error
// the form keeps what was typed and nothing was recorded.
//
// The forms differ only in words, fields and where they post, so each is data (ACTIONS) drawn by
// one builder (actionForm).
import { api } from '../../api.js';
import { h, notice } from '../../dom.js';
import { field, onSubmit, valuesOf } from '../../form.js';
import { timeZone, when } from '../../format.js';
import { AUDIENCE_LABELS, label } from '../../labels.js';

export const obligationLabel = (o) => `${o.jurisdiction} · ${label(AUDIENCE_LABELS, o.audience)}`;

/** Notice to individuals is met by the deliveries; any other is met by a filing with proof. */
export const canFile = (o) => o.audience !== 'individuals' && isOpen(o);
export const isOpen = (o) => o.status === 'pending' || o.status === 'overdue';

const reason = (labelText, hint) => ({ name: 'reason', label: labelText, hint, type: 'textarea' });

/**
 * Each form: its id (prefix of its element ids), title and intro (from `o`, the obligation, `held`,
 * the obligations on hold, or `incident`), fields, submit button, where it posts, and what it says
 * when the server has recorded it (from the server's answer).
 */
const ACTIONS = {
  delay: {
    title: ({ o }) => `Record delay reason: ${obligationLabel(o)}`,
    intro: ({ o }) => (o.delayReason ? `Recorded so far: ${o.delayReason}` : null),
    fields: () => [
      reason(
        'Why this obligation is late',
        'Kept in the audit trail and shown with the obligation. The deadline does not move; for a law-enforcement request, use “Law-enforcement hold”.',
      ),
    ],
    submit: 'Record delay reason',
    path: ({ o }) => `obligations/${o.id}/delay`,
    success: ({ o }) => `Delay reason recorded for ${obligationLabel(o)}.`,
  },
  hold: {
    title: () => 'Law-enforcement hold',
    intro: () =>
      'A law-enforcement agency asked you to delay notice. The server pauses the clock of every open obligation whose law permits it; the others keep running. Lift the hold when the agency says so: each paused deadline then moves on by the time held.',
    fields: () => [
      reason(
        'Agency, request and reason',
        'Which agency asked, when, in what form, and for how long, e.g. “FBI field office, letter of 5 March: notice would impede the investigation; 30 days”.',
      ),
      {
        name: 'requestForm',
        label: 'The request was made',
        hint: 'Orally, HIPAA notice may wait no more than 30 days from the statement unless a written one follows (45 CFR 164.412(b)): its clocks then run again by themselves. When the written statement arrives, record the hold again as written.',
        type: 'select',
        options: [
          { value: 'written', label: 'In writing' },
          { value: 'oral', label: 'Orally' },
        ],
      },
    ],
    submit: 'Record hold',
    path: () => 'hold',
    success: (_, list) =>
      `Hold recorded: clock paused for ${list.items
        .filter((o) => o.heldSince)
        .map(obligationLabel)
        .join(', ')}.`,
  },
  lift: {
    title: () => 'Hold lifted',
    intro: ({ held }) =>
      `The agency no longer needs the delay. The clocks of ${held.map(obligationLabel).join(', ')} start again; each deadline moves on by the time it was held.`,
    fields: () => [],
    submit: 'Lift the hold',
    path: () => 'hold-lifted',
    success: () => 'Hold lifted: the clocks are running again.',
  },
  reassess: {
    title: () => 'Re-assess the obligations',
    intro: () =>
      'Under today’s law rules and, if given, corrected facts. The current obligations are superseded (kept in the history); filings, delay reasons and holds carry over.',
    fields: ({ incident }) => [
      reason('Why re-assess', 'E.g. “The logs show we discovered it a day earlier than first reported.”'),
      {
        name: 'discoveredAt',
        label: 'Corrected discovery time (optional)',
        hint: `Leave empty to keep ${when(incident.discoveredAt)}. Your local time (${timeZone}).`,
        type: 'datetime-local',
      },
      {
        name: 'materialityDeterminedAt',
        label: 'Materiality determined at (optional)',
        hint: 'When the incident was determined material, for rules that count from then. Leave empty to keep what is recorded.',
        type: 'datetime-local',
      },
      {
        name: 'extortionPaidAt',
        label: 'Extortion payment made at (optional)',
        hint: 'When a ransom or other extortion payment was made in connection with the incident: NYDFS then requires notice within 24 hours and a written explanation within 30 days (23 NYCRR 500.17(c)). Leave empty to keep what is recorded.',
        type: 'datetime-local',
      },
    ],
    submit: 'Re-assess',
    path: () => 'reassessment',
    success: (_, list) => `Re-assessed under rules ${list.rulesVersion}: ${list.items.length} obligations.`,
  },
};

/**
 * The form for action `id` (a key of ACTIONS) on `incidentId`, with what it is about (`{ o }`,
 * `{ held }` or `{ incident }`). Posts the non-empty values (a datetime-local as an instant with its
 * offset); on success shows what was recorded and calls `done`; Cancel and Close call `close`.
 */
export function actionForm(id, incidentId, about, { done, close }) {
  const spec = ACTIONS[id];
  const fields = spec.fields(about);
  const title = spec.title(about);
  const intro = spec.intro(about);
  const status = h('div', { id: `${id}-status` });
  const form = h(
    'form',
    { class: 'obligation-action', id: `${id}-form`, novalidate: true, 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title` }, title),
    intro ? h('p', { class: 'hint' }, intro) : null,
    fields.map((f) => field({ ...f, prefix: id })),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'button button--primary' }, spec.submit),
      h('button', { type: 'button', class: 'button button--quiet', onclick: close }, 'Cancel'),
    ),
    status,
  );
  return onSubmit(form, {
    names: fields.map((f) => f.name),
    prefix: id,
    status,
    failed: (marked, err) =>
      marked
        ? 'Nothing was recorded: correct the field marked above.'
        : `Nothing was recorded: ${err.message}`,
    send: async () => {
      const result = await api(`/api/incidents/${incidentId}/${spec.path(about)}`, {
        method: 'POST',
        body: fields.length ? valuesOf(form, fields) : undefined,
      });
      form.replaceChildren(
        h('h3', { id: `${id}-title` }, title),
        notice('success', spec.success(about, result)),
        h('button', { type: 'button', class: 'button', onclick: close }, 'Close'),
      );
      done(result);
    },
  });
}
