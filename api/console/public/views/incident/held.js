// The incident page's notices held after a restore (issue 21 item 5; README "Backup and restore"):
// after the database was restored from a backup, every notice that was not final in it may have
// gone out after it, so none of them is sent until compliance decides. Listed by external id and
// Message-ID (what the relay's log shows for a message it accepted); compliance confirms sent those
// the relay's log shows, and releases the rest to be sent again, with a reason. Everything through
// core/use-cases/restores.ts behind its routes. The section is drawn only while something is held.
import { ApiError, api } from '../../api.js';
import { h, notice, replace } from '../../dom.js';
import { field, onSubmit } from '../../form.js';
import { count } from '../../format.js';
import { row, table } from '../../table.js';

/** The most rows the table shows; the report file and the API list them all. */
const SHOWN = 200;

const HELD_FROM = {
  claimed: 'Claimed (maybe on the wire)',
  retrying: 'Waiting for a retry',
  selected: 'Selected, not yet claimed',
};

/** The section element (hidden while nothing is held) and `reload()`. */
export function heldSection(incidentId, user) {
  const path = `/api/incidents/${incidentId}/held-notices`;
  const body = h('div', { id: 'held-list' });
  const status = h('div', { id: 'held-status', role: 'status' });
  const forms = h('div', { id: 'held-forms' });
  const element = h(
    'section',
    { class: 'card', id: 'held', 'aria-labelledby': 'held-title', hidden: true },
    h('h2', { id: 'held-title' }, 'Held after a restore'),
    body,
    status,
    forms,
  );
  const mayDecide = user.role === 'compliance';
  let signature;

  const load = async () => {
    let answer;
    try {
      answer = await api(`${path}?limit=10000`);
    } catch (err) {
      // 404: an API without the restore fence; 403: a role that does not see the list.
      if (err instanceof ApiError && (err.status === 404 || err.status === 403)) return;
      element.hidden = false;
      return replace(body, notice('error', `Could not load the held notices: ${err.message}`));
    }
    const items = answer.items ?? [];
    const next = JSON.stringify(items.map((i) => `${i.mailingId ?? 'notice'}:${i.deliveryId}`));
    if (next === signature) return;
    signature = next;
    element.hidden = items.length === 0;
    if (items.length === 0) return replace(forms);
    draw(items);
  };

  const draw = (items) => {
    replace(
      body,
      notice(
        'warning',
        h('strong', {}, `${count(items.length)} ${items.length === 1 ? 'notice is' : 'notices are'} held. `),
        'The database was restored from a backup; these were not final in it and may have gone out after it. ',
        'None is sent until compliance confirms it sent (from the relay’s log of Message-IDs) or releases it to be sent again.',
      ),
      table({
        caption: 'Held notices',
        compact: true,
        columns: ['Customer', 'Message', 'Message-ID', 'In the backup'],
        rows: items.slice(0, SHOWN).map((i) =>
          row(
            { dataset: { customer: String(i.customerId) } },
            i.externalId,
            // A further mailing's message (reminder, supplement, update) or the notice itself.
            i.mailingId ? 'Further mailing' : 'Notice',
            h('code', {}, i.messageId),
            HELD_FROM[i.heldFrom] ?? 'Not yet claimed',
          ),
        ),
      }),
      items.length > SHOWN
        ? h('p', { class: 'muted' }, `The first ${SHOWN} are shown; the restore report lists them all.`)
        : null,
    );
    if (!mayDecide) return replace(forms, h('p', { class: 'muted' }, 'Compliance decides on held notices.'));
    replace(forms, confirmForm(), releaseForm(items.length));
  };

  const confirmForm = () => {
    const form = h(
      'form',
      { id: 'held-confirm', novalidate: true },
      h('h3', {}, 'Confirm sent from the relay’s log'),
      field({
        prefix: 'held-confirm',
        name: 'messageIds',
        label: 'Message-IDs the relay accepted',
        hint: 'One per line, as the relay’s log shows them. Those that match a held notice are recorded sent and never sent again.',
        type: 'textarea',
        rows: 5,
      }),
      field({
        prefix: 'held-confirm',
        name: 'reason',
        label: 'Where the evidence comes from',
        attrs: { required: true },
      }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Confirm sent')),
    );
    return onSubmit(form, {
      names: ['messageIds', 'reason'],
      prefix: 'held-confirm',
      status,
      pending: 'Recording…',
      failed: () => 'Nothing was recorded.',
      send: async () => {
        const messageIds = form.elements.messageIds.value
          .split(/\s+/)
          .map((m) => m.trim())
          .filter(Boolean);
        const result = await api(`${path}/confirm-sent`, {
          method: 'POST',
          body: { messageIds, reason: form.elements.reason.value },
        });
        replace(
          status,
          notice(
            'success',
            `${count(result.confirmed)} recorded sent.`,
            result.unmatched.length ? ` ${count(result.unmatched.length)} matched no held notice.` : '',
          ),
        );
        signature = undefined;
        await load();
      },
    });
  };

  const releaseForm = (held) => {
    const form = h(
      'form',
      { id: 'held-release', novalidate: true },
      h('h3', {}, 'Release to be sent again'),
      h(
        'p',
        { class: 'hint' },
        `Sends every notice still held (${count(held)}) once more. Whoever already received theirs after the backup gets a second one: release only what the relay’s log does not show.`,
      ),
      field({
        prefix: 'held-release',
        name: 'reason',
        label: 'Why these may be sent again',
        attrs: { required: true },
      }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Release and send')),
    );
    return onSubmit(form, {
      names: ['reason'],
      prefix: 'held-release',
      status,
      pending: 'Releasing…',
      failed: () => 'Nothing was released.',
      send: async () => {
        const result = await api(`${path}/release`, {
          method: 'POST',
          body: { reason: form.elements.reason.value },
        });
        replace(
          status,
          notice('success', `${count(result.released)} released; a delivery pass is sending them.`),
        );
        signature = undefined;
        await load();
      },
    });
  };

  return { element, reload: load };
}
