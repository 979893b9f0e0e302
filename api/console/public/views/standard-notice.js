// The pre-approved standard notice: what the workflow sends at the deadline cut-off when an
// incident's own notice is still unapproved. One compliance user proposes it and another confirms
// the same text before it is used (four eyes); others may read it.
import { api, can, ifFound } from '../api.js';
import { h, notice, replace } from '../dom.js';
import { field, onSubmit } from '../form.js';
import { timeEl } from '../format.js';

export async function render(main, { user }) {
  const current = h('div', { id: 'standard-current' });
  const proposal = h('div', { id: 'standard-proposal' });
  main.append(
    h('h1', {}, 'Standard notice'),
    h(
      'p',
      { class: 'lead' },
      'If an incident’s own notice is still unapproved at the cut-off before the strictest deadline to individuals, the workflow sends this pre-approved notice instead, so people still hear in time.',
    ),
    current,
    proposal,
  );

  const loadProposal = async () => {
    const pending = await ifFound(api('/api/notice-templates/preapproved/proposal'));
    replace(proposal, pending ? showProposal(pending, user, load) : []);
  };
  const load = async () => {
    await loadProposal();
    const preapproved = await ifFound(api('/api/notice-templates/preapproved'));
    replace(
      current,
      preapproved
        ? show(preapproved)
        : notice('error', 'No standard notice is pre-approved: at the cut-off nothing can be sent in time.'),
    );
    return preapproved;
  };
  const existing = await load();
  if (can.preapprove(user)) main.append(form(existing, load));
  else main.append(h('p', { class: 'muted' }, 'Only compliance staff can pre-approve a standard notice.'));
}

function show(n) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'standard-title' },
    h('h2', { id: 'standard-title' }, n.content.title),
    h(
      'p',
      { class: 'muted' },
      'Pre-approved ',
      timeEl(n.confirmedAt ?? n.approvedAt),
      ` by two compliance users · templates ${n.templateVersion}`,
    ),
    h('h3', {}, 'What happened'),
    h('p', { class: 'prewrap' }, n.content.whatHappened),
    h('h3', {}, 'What we are doing'),
    h('p', { class: 'prewrap' }, n.content.whatWeAreDoing),
  );
}

function showProposal(p, user, reload) {
  const status = h('div');
  const mine = p.approvedBy === user.id;
  const confirm = h(
    'button',
    { type: 'button', class: 'button button--primary' },
    'Confirm as second approver',
  );
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    try {
      await api(`/api/notice-templates/preapproved/${p.id}/confirmation`, {
        method: 'POST',
        body: { contentHash: p.contentHash },
      });
      await reload();
    } catch (err) {
      confirm.disabled = false;
      replace(status, notice('error', `Not confirmed: ${err.message}`));
    }
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'proposal-title' },
    h('h2', { id: 'proposal-title' }, 'Waiting for a second approver'),
    h(
      'p',
      { class: 'muted' },
      'Proposed ',
      timeEl(p.approvedAt),
      ` · not used until another compliance user confirms it`,
    ),
    h('h3', {}, 'What happened'),
    h('p', { class: 'prewrap' }, p.content.whatHappened),
    h('h3', {}, 'What we are doing'),
    h('p', { class: 'prewrap' }, p.content.whatWeAreDoing),
    can.preapprove(user) && !mine
      ? confirm
      : h('p', { class: 'muted' }, mine ? 'You proposed it: another compliance user must confirm it.' : null),
    status,
  );
}

function form(existing, reload) {
  const status = h('div');
  const fields = [
    {
      name: 'whatHappened',
      label: 'What happened',
      hint: 'General words that fit any incident; the customer’s own exposed data is added per person.',
    },
    { name: 'whatWeAreDoing', label: 'What we are doing', hint: 'At least 10 characters.' },
  ];
  const el = h(
    'form',
    { class: 'card form', novalidate: true },
    h('h2', {}, existing ? 'Replace it' : 'Pre-approve one'),
    fields.map((f) =>
      field({ ...f, prefix: 'std', type: 'textarea', rows: 4, value: existing?.content[f.name] }),
    ),
    h('button', { type: 'submit', class: 'button button--primary' }, 'Pre-approve'),
    status,
  );
  return onSubmit(el, {
    names: fields.map((f) => f.name),
    prefix: 'std',
    status,
    failed: (marked, err) =>
      marked ? 'Not pre-approved: correct the marked fields.' : `Not pre-approved: ${err.message}`,
    send: async () => {
      await api('/api/notice-templates/preapproved', {
        method: 'POST',
        body: {
          whatHappened: el.elements.whatHappened.value,
          whatWeAreDoing: el.elements.whatWeAreDoing.value,
        },
      });
      replace(
        status,
        notice(
          'success',
          'Proposed: it becomes the standard notice once another compliance user confirms it.',
        ),
      );
      await reload();
    },
  });
}
