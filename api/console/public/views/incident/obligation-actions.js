// What compliance records against an incident's obligations from the incident page: a filing with
// an authority, a delay reason, a law-enforcement hold and its lifting, a re-assessment. Each is one
// audited API call (api/routes/obligations.ts); which deadlines a hold may pause is the server's
// call, and the page shows what it answered. A 400 names the field, shown beside it; on any error
// the form keeps what was typed and nothing was recorded.
import { ApiError, api } from '../api.js';
import { h, notice, replace } from '../dom.js';
import { AUDIENCE_LABELS, timeZone, when } from '../format.js';

export const obligationLabel = (o) => `${o.jurisdiction} · ${AUDIENCE_LABELS[o.audience] ?? o.audience}`;

/** Notice to individuals is met by the deliveries; the API refuses a filing for it (409). */
export const canFile = (o) => o.audience !== 'individuals' && isOpen(o);
export const isOpen = (o) => o.status === 'pending' || o.status === 'overdue';

const base = (incidentId) => `/api/incidents/${incidentId}`;

export function filingForm(incidentId, obligation, { done, close }) {
  return actionForm({
    id: 'filing',
    title: `Record filing: ${obligationLabel(obligation)}`,
    intro: obligation.citation,
    fields: [
      {
        name: 'note',
        label: 'Filing note',
        hint: 'How and when the authority was told, and its reference, e.g. “Filed through the ICO portal on 5 March, ref 12345”. The obligation is marked met as of now.',
        control: h('textarea', { rows: '3' }),
      },
    ],
    submit: 'Record filing',
    send: (body) => api(`${base(incidentId)}/obligations/${obligation.id}/filing`, { method: 'POST', body }),
    success: () => `Filing recorded: ${obligationLabel(obligation)} is met.`,
    done,
    close,
  });
}

export function delayForm(incidentId, obligation, { done, close }) {
  return actionForm({
    id: 'delay',
    title: `Record delay reason: ${obligationLabel(obligation)}`,
    intro: obligation.delayReason ? `Recorded so far: ${obligation.delayReason}` : null,
    fields: [
      {
        name: 'reason',
        label: 'Why this obligation is late',
        hint: 'Kept in the audit trail and shown with the obligation. The deadline does not move; for a law-enforcement request, use “Law-enforcement hold”.',
        control: h('textarea', { rows: '3' }),
      },
    ],
    submit: 'Record delay reason',
    send: (body) => api(`${base(incidentId)}/obligations/${obligation.id}/delay`, { method: 'POST', body }),
    success: () => `Delay reason recorded for ${obligationLabel(obligation)}.`,
    done,
    close,
  });
}

export function holdForm(incidentId, { done, close }) {
  return actionForm({
    id: 'hold',
    title: 'Law-enforcement hold',
    intro:
      'A law-enforcement agency asked you to delay notice. The server pauses the clock of every open obligation whose law permits it; the others keep running. Lift the hold when the agency says so: each paused deadline then moves on by the time held.',
    fields: [
      {
        name: 'reason',
        label: 'Agency, request and reason',
        hint: 'Which agency asked, when, in what form, and for how long, e.g. “FBI field office, letter of 5 March: notice would impede the investigation; 30 days”.',
        control: h('textarea', { rows: '3' }),
      },
    ],
    submit: 'Record hold',
    send: (body) => api(`${base(incidentId)}/hold`, { method: 'POST', body }),
    success: (list) =>
      `Hold recorded: clock paused for ${list.items
        .filter((o) => o.heldSince)
        .map(obligationLabel)
        .join(', ')}.`,
    done,
    close,
  });
}

export function liftHoldForm(incidentId, held, { done, close }) {
  return actionForm({
    id: 'lift',
    title: 'Hold lifted',
    intro: `The agency no longer needs the delay. The clocks of ${held.map(obligationLabel).join(', ')} start again; each deadline moves on by the time it was held.`,
    fields: [],
    submit: 'Lift the hold',
    send: () => api(`${base(incidentId)}/hold-lifted`, { method: 'POST' }),
    success: () => 'Hold lifted: the clocks are running again.',
    done,
    close,
  });
}

export function reassessForm(incidentId, incident, { done, close }) {
  const at = () => h('input', { type: 'datetime-local', step: '60' });
  return actionForm({
    id: 'reassess',
    title: 'Re-assess the obligations',
    intro:
      'Under today’s law rules and, if given, corrected facts. The current obligations are superseded (kept in the history); filings, delay reasons and holds carry over.',
    fields: [
      {
        name: 'reason',
        label: 'Why re-assess',
        hint: 'E.g. “The logs show we discovered it a day earlier than first reported.”',
        control: h('textarea', { rows: '3' }),
      },
      {
        name: 'discoveredAt',
        label: 'Corrected discovery time (optional)',
        hint: `Leave empty to keep ${when(incident.discoveredAt)}. Your local time (${timeZone}).`,
        control: at(),
      },
      {
        name: 'materialityDeterminedAt',
        label: 'Materiality determined at (optional)',
        hint: 'When the incident was determined material, for rules that count from then. Leave empty to keep what is recorded.',
        control: at(),
      },
    ],
    submit: 'Re-assess',
    send: (body) => api(`${base(incidentId)}/reassessment`, { method: 'POST', body }),
    success: (list) => `Re-assessed under rules ${list.rulesVersion}: ${list.items.length} obligations.`,
    done,
    close,
  });
}

/**
 * A form of a few fields, posted as one request. `send(body)` gets the non-empty values (a
 * datetime-local as an instant with its offset); its result goes to `done` and `success`.
 */
function actionForm({ id, title, intro, fields, submit, send, success, done, close }) {
  const status = h('div', { id: `${id}-status` });
  const errors = Object.fromEntries(
    fields.map((f) => [f.name, h('p', { id: `${id}-${f.name}-error`, class: 'field-error', hidden: true })]),
  );
  const form = h(
    'form',
    { class: 'obligation-action', id: `${id}-form`, novalidate: true, 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title` }, title),
    intro ? h('p', { class: 'hint' }, intro) : null,
    fields.map((f) => {
      const fieldId = `${id}-${f.name}`;
      Object.assign(f.control, { id: fieldId, name: f.name });
      f.control.setAttribute('aria-describedby', `${fieldId}-hint ${fieldId}-error`);
      return h(
        'div',
        { class: 'field', dataset: { field: f.name } },
        h('label', { for: fieldId }, f.label),
        h('p', { id: `${fieldId}-hint`, class: 'hint' }, f.hint),
        f.control,
        errors[f.name],
      );
    }),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'button button--primary' }, submit),
      h('button', { type: 'button', class: 'button button--quiet', onclick: close }, 'Cancel'),
    ),
    status,
  );

  const clearErrors = () => {
    for (const el of Object.values(errors)) Object.assign(el, { hidden: true, textContent: '' });
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    replace(status);
  };
  /** Each issue beside its field; the rest, and anything that is not a 400, in the status line. */
  const showError = (err) => {
    const issues = err instanceof ApiError && err.status === 400 ? err.issues : [];
    const placed = issues.filter((i) => errors[i.field]);
    for (const i of placed) {
      const el = errors[i.field];
      el.textContent = plain(i.message, form.elements[i.field]);
      el.hidden = false;
      form.elements[i.field].setAttribute('aria-invalid', 'true');
    }
    const rest = issues.filter((i) => !errors[i.field]);
    replace(
      status,
      notice(
        'error',
        placed.length
          ? 'Nothing was recorded: correct the field marked above.'
          : `Nothing was recorded: ${err.message}`,
        rest.length
          ? h(
              'ul',
              {},
              rest.map((i) => h('li', {}, `${i.field}: ${i.message}`)),
            )
          : null,
      ),
    );
    if (placed[0]) form.elements[placed[0].field].focus();
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const result = await send(fields.length ? bodyOf(form, fields) : undefined);
      form.replaceChildren(
        h('h3', { id: `${id}-title` }, title),
        notice('success', success(result)),
        h('button', { type: 'button', class: 'button', onclick: close }, 'Close'),
      );
      done(result);
    } catch (err) {
      button.disabled = false;
      showError(err);
    }
  });
  return form;
}

function bodyOf(form, fields) {
  const body = {};
  for (const { name, control } of fields) {
    const value = form.elements[name].value.trim();
    if (!value) continue;
    const date = control.type === 'datetime-local' ? new Date(value) : null;
    body[name] = date && !Number.isNaN(date.getTime()) ? date.toISOString() : value;
  }
  return body;
}

/** zod's generic words said the way a person would; the server's own messages are kept. */
function plain(message, control) {
  const min = /^Too small: expected string to have >=(\d+) characters?$/.exec(message);
  if (min) return `Write at least ${min[1]} characters.`;
  if (/^Invalid input: expected \w+, received undefined$/.test(message)) {
    return control?.type === 'datetime-local' ? 'Enter a date and time.' : 'Required.';
  }
  return message;
}
