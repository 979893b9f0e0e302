// The four-eyes decision form every approvable thing shares (a notice, an amendment's notice, a
// follow-up text, a packet, a determination): a comment (required to reject), an Approve and a
// Reject button, "Approving…"/"Rejecting…" while it is sent, the server's refusal said as one, and
// the buttons left disabled once decided. Built on form.js (field, onSubmit); what is sent and what
// is said afterwards stays with each view.
import { ApiError } from '../api.js';
import { h } from '../dom.js';
import { field, onSubmit } from '../form.js';

/** Which button sent the form: 'reject' for the Reject button, otherwise 'approve'. */
export const decisionOf = (event) => (event.submitter?.value === 'reject' ? 'reject' : 'approve');

/**
 * Who proposed, wrote or decided something, as the "by X" of a "proposed by X, approved by Y" line:
 * the name the server gave, else the signed-in `user` when it was them, else `otherwise`.
 */
export const personName = (user, id, name, otherwise = 'another user') =>
  name ?? (id === user.id ? user.displayName : otherwise);

/** Whether the server's answer to a decision says a second approver is still needed. */
export const awaitingQuorum = (result) =>
  result?.outcome === 'awaiting_quorum' || result?.status === 'awaiting_quorum';

/**
 * A refused decision in words: a 403 as "Refused by the server", otherwise "Not decided" — or, with
 * `conflictOnly`, "Not decided" only for a 409 and the server's message alone for anything else.
 * `message` replaces the server's message.
 */
export function decisionFailure(err, { conflictOnly = false, message = err.message } = {}) {
  const api = err instanceof ApiError;
  const lead =
    api && err.status === 403
      ? 'Refused by the server: '
      : !conflictOnly || (api && err.status === 409)
        ? 'Not decided: '
        : '';
  return `${lead}${message}`;
}

/**
 * The decision form. `attrs` are the form's (class defaults to 'decision'); `before` and `after`
 * are shown above the comment and below the buttons; `approve` and `reject` are the buttons'
 * contents; `more` are further buttons (Cancel). `send({ decision, comment, event })` records it
 * (the comment trimmed, undefined when empty); `failed(err)` words a refusal (decisionFailure by
 * default). Ids are `prefix`-ed; `status` is where progress and failure are said.
 */
export function approveOrRejectForm({
  prefix,
  status,
  attrs = {},
  before = [],
  after = [],
  hint = 'Required to reject: say what must change. Recorded in the audit trail.',
  maxlength = '5000',
  approve,
  reject,
  more = [],
  failed = (err) => decisionFailure(err),
  send,
}) {
  const form = h(
    'form',
    { class: 'decision', novalidate: true, ...attrs },
    before,
    field({
      name: 'comment',
      prefix,
      label: 'Comment',
      hint,
      type: 'textarea',
      rows: 2,
      attrs: maxlength ? { maxlength } : {},
    }),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', value: 'approve', class: 'button button--primary' }, approve),
      h('button', { type: 'submit', value: 'reject', class: 'button button--danger' }, reject),
      more,
    ),
    after,
  );
  return onSubmit(form, {
    names: ['comment'],
    prefix,
    status,
    once: true,
    pending: (event) => (decisionOf(event) === 'approve' ? 'Approving…' : 'Rejecting…'),
    failed: (_, err) => failed(err),
    send: (event) =>
      send({ decision: decisionOf(event), comment: form.elements.comment.value.trim() || undefined, event }),
  });
}
