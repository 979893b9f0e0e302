// Withdrawing an incident (issue 17 item 2): a false alarm or a duplicate is withdrawn as a whole by a
// determination of kind `incident_withdrawal` (api/routes/determinations.ts), proposed by one
// compliance user and approved by a second. Approved, every obligation closes as not required with
// the reason, the workflow stops (timers, reminders, the automatic standard notice) and nothing more
// is sent; the trail keeps everything. This module draws the banner under the incident's head — the
// withdrawn state, or a withdrawal waiting for its second approver — and compliance's "Withdraw
// incident" form. The decision itself is taken in the Determinations section.
import { ApiError, api, can } from '../../api.js';
import { h, notice, replace } from '../../dom.js';
import { field, onSubmit } from '../../form.js';
import { timeEl } from '../../format.js';
import { personName } from '../decision.js';

const PREFIX = 'withdraw';

/** Why an incident is withdrawn: said first in the determination's reason. */
const GROUNDS = [
  { value: 'false_alarm', label: 'A false alarm: no personal data was in fact exposed' },
  { value: 'duplicate', label: 'A duplicate of another incident' },
];
const GROUND_WORDS = { false_alarm: 'False alarm', duplicate: 'Duplicate' };

/** Statuses after which there is nothing left to withdraw from (the workflow has ended). */
const ENDED = ['withdrawn'];

/**
 * The banner's element and `update(incident)`: fetches the incident's determinations and says
 * whether it is withdrawn, a withdrawal waits for approval, or offers the withdrawal (compliance).
 * `isWithdrawn()` tells the page whether to hide what no longer applies.
 */
export function withdrawalBar(incidentId, user, { changed }) {
  const path = `/api/incidents/${incidentId}/determinations`;
  const element = h('div', { id: 'withdrawal' });
  const status = h('div', { id: 'withdrawal-status', role: 'status' });
  const panel = h('div', { id: 'withdrawal-panel' });
  const banner = h('div', { id: 'withdrawal-banner' });
  element.append(banner, status, panel);
  let signature;
  let withdrawn = false;
  let incident = null;

  const nameOf = (id, name) => personName(user, id, name, 'another compliance user');

  const draw = (approved, proposed) => {
    if (withdrawn) {
      replace(panel);
      return replace(
        banner,
        h(
          'div',
          { class: 'withdrawn-banner', role: 'note', 'aria-labelledby': 'withdrawn-title' },
          h('h2', { id: 'withdrawn-title' }, 'This incident is withdrawn'),
          approved
            ? [
                h('p', { class: 'withdrawn-reason' }, approved.reason),
                h(
                  'p',
                  { class: 'small' },
                  'Proposed by ',
                  nameOf(approved.proposedBy, approved.proposedByName),
                  ', approved by ',
                  nameOf(approved.decidedBy, approved.decidedByName),
                  ' ',
                  timeEl(approved.decidedAt),
                  '.',
                ),
              ]
            : null,
          h(
            'p',
            { class: 'small' },
            'Every obligation is closed as not required with this reason; timers, reminders and the standard notice stopped and nothing more is sent. The record stays. If it was real after all, open a new incident.',
          ),
        ),
      );
    }
    if (proposed) {
      return replace(
        banner,
        notice(
          'warning',
          h('strong', {}, 'Withdrawal proposed: '),
          `“${proposed.reason}” — by ${nameOf(proposed.proposedBy, proposed.proposedByName)} `,
          timeEl(proposed.proposedAt),
          '. A second compliance user approves or rejects it in ',
          h('a', { href: '#determinations' }, 'Determinations'),
          '. Until then the incident goes on as before.',
        ),
      );
    }
    if (!can.decide(user) || ENDED.includes(incident?.status)) return replace(banner);
    replace(
      banner,
      h(
        'div',
        { class: 'actions actions--start' },
        h(
          'button',
          {
            type: 'button',
            class: 'button button--danger',
            id: 'withdraw-open',
            onclick: () => {
              replace(status);
              replace(panel, form());
              panel.querySelector('input, textarea')?.focus();
            },
          },
          'Withdraw incident (false alarm / duplicate)…',
        ),
      ),
    );
  };

  const form = () => {
    const el = h(
      'form',
      {
        class: 'form obligation-action',
        id: `${PREFIX}-form`,
        novalidate: true,
        'aria-labelledby': `${PREFIX}-title`,
      },
      h('h3', { id: `${PREFIX}-title` }, 'Withdraw this incident'),
      h(
        'p',
        { class: 'hint' },
        'For a false alarm or a duplicate. A second compliance user must approve it (never you, nor whoever opened the incident). Once approved, every obligation closes as not required with your reason, the workflow stops and nothing more is sent — it cannot be undone.',
      ),
      h(
        'fieldset',
        { class: 'field', id: `${PREFIX}-ground`, dataset: { field: 'ground' } },
        h('legend', {}, 'Why'),
        GROUNDS.map((g, i) =>
          h(
            'label',
            { class: 'checkbox' },
            h('input', { type: 'radio', name: 'ground', value: g.value, checked: i === 0 }),
            ` ${g.label}`,
          ),
        ),
      ),
      field({
        name: 'reason',
        prefix: PREFIX,
        label: 'Reason',
        hint: 'What showed it: e.g. “the file held test data only”, or the other incident’s title. Shown with every obligation it closes.',
        type: 'textarea',
        rows: 3,
      }),
      field({
        name: 'facts',
        prefix: PREFIX,
        label: 'Facts that support it (optional)',
        hint: 'One a line.',
        type: 'textarea',
        rows: 2,
      }),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'button button--danger' }, 'Propose the withdrawal'),
        h(
          'button',
          { type: 'button', class: 'button button--quiet', onclick: () => replace(panel) },
          'Cancel',
        ),
      ),
    );
    return onSubmit(el, {
      names: ['reason', 'facts'],
      prefix: PREFIX,
      status,
      pending: 'Proposing the withdrawal…',
      failed: (marked, err) =>
        marked ? 'Not proposed: correct the field marked above.' : `Not proposed: ${err.message}`,
      send: async () => {
        const ground = el.querySelector('input[name=ground]:checked')?.value ?? 'false_alarm';
        const text = el.elements.reason.value.trim();
        const facts = el.elements.facts.value
          .split('\n')
          .map((f) => f.trim())
          .filter(Boolean);
        try {
          await api(path, {
            method: 'POST',
            body: {
              kind: 'incident_withdrawal',
              // The reason must say something of its own: an empty one is the server's 400 on it.
              reason: text ? `${GROUND_WORDS[ground]}: ${text}` : '',
              facts,
            },
          });
        } catch (err) {
          if (err instanceof ApiError)
            err.issues = err.issues.map((i) => ({ ...i, field: i.field?.replace(/^facts\.\d+$/, 'facts') }));
          throw err;
        }
        replace(panel);
        replace(
          status,
          notice('success', 'Withdrawal proposed: a second compliance user approves it in Determinations.'),
        );
        await update(incident, true);
        changed();
      },
    });
  };

  /** Fetches the determinations and redraws when the withdrawal's state changed. */
  const update = async (current, force = false) => {
    incident = current;
    let items = [];
    try {
      items = (await api(path)).items ?? [];
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
    }
    const mine = items.filter((d) => d.kind === 'incident_withdrawal');
    const approved = mine.find((d) => d.status === 'approved');
    const proposed = mine.find((d) => d.status === 'proposed');
    withdrawn = current?.status === 'withdrawn' || Boolean(approved);
    const next = JSON.stringify([withdrawn, approved, proposed, current?.status]);
    if (next === signature && !force) return;
    signature = next;
    draw(approved, proposed);
  };

  return { element, update, isWithdrawn: () => withdrawn };
}
