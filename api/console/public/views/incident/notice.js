// The incident page's notice section: every version with its decision, a link to the approval
// queue for compliance, and after a rejection the form for new wording.
import { api, can } from '../../api.js';
import { h, notice, replace } from '../../dom.js';
import { field, onSubmit } from '../../form.js';
import { timeEl } from '../../format.js';
import { NOTICE_STATUS_LABELS, label } from '../../labels.js';

export function renderNotices(body, incident, notices, user, reload) {
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
          label(NOTICE_STATUS_LABELS, n.status),
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
  // A withdrawn incident's pending notice is never sent: nothing to review.
  if (latest.status === 'pending_approval' && can.decide(user) && incident.status !== 'withdrawn') {
    actions.push(
      h('p', {}, h('a', { class: 'button', href: '#/approvals' }, 'Review it in the approval queue')),
    );
  }
  if (latest.status === 'rejected' && incident.status === 'drafting' && can.reviseNotice(user)) {
    actions.push(reviseForm(incident.id, latest, reload));
  }
  replace(body, actions, items);
}

const REVISE_FIELDS = [
  { name: 'whatHappened', label: 'What happened' },
  { name: 'whatWeAreDoing', label: 'What we are doing' },
];

/** After a rejection: new wording, which goes for approval again as a new version. */
function reviseForm(incidentId, latest, reload) {
  const status = h('div');
  const form = h(
    'form',
    { class: 'revise', novalidate: true },
    h('h3', {}, 'Revise the wording'),
    REVISE_FIELDS.map((f) =>
      field({ ...f, prefix: 'revise', type: 'textarea', rows: 4, value: latest.content[f.name] }),
    ),
    h('button', { type: 'submit', class: 'button button--primary' }, 'Send for approval'),
    status,
  );
  return onSubmit(form, {
    names: REVISE_FIELDS.map((f) => f.name),
    prefix: 'revise',
    status,
    // The server's words, as before the fields had their own; the fields show where.
    failed: (_, err) => err.message,
    send: async () => {
      await api(`/api/incidents/${incidentId}/notice`, {
        method: 'PUT',
        body: {
          whatHappened: form.elements.whatHappened.value,
          whatWeAreDoing: form.elements.whatWeAreDoing.value,
        },
      });
      replace(status, notice('success', 'The revised notice is waiting for approval.'));
      reload();
    },
  });
}
