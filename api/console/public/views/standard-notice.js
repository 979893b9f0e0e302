// The pre-approved standard notice: what the workflow sends at the deadline cut-off when an
// incident's own notice is still unapproved. Compliance pre-approves it; others may read it.
import { ApiError, api, can } from '../api.js';
import { h, notice, replace } from '../dom.js';
import { timeEl } from '../format.js';

export async function render(main, { user }) {
  const current = h('div', { id: 'standard-current' });
  main.append(
    h('h1', {}, 'Standard notice'),
    h(
      'p',
      { class: 'lead' },
      'If an incident’s own notice is still unapproved at the cut-off before the strictest deadline to individuals, the workflow sends this pre-approved notice instead, so people still hear in time.',
    ),
    current,
  );

  const load = async () => {
    try {
      const notice_ = await api('/api/notice-templates/preapproved');
      replace(current, show(notice_));
      return notice_;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        replace(
          current,
          notice('error', 'No standard notice is pre-approved: at the cut-off nothing can be sent in time.'),
        );
        return null;
      }
      throw err;
    }
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
    h('p', { class: 'muted' }, 'Pre-approved ', timeEl(n.approvedAt), ` · templates ${n.templateVersion}`),
    h('h3', {}, 'What happened'),
    h('p', { class: 'prewrap' }, n.content.whatHappened),
    h('h3', {}, 'What we are doing'),
    h('p', { class: 'prewrap' }, n.content.whatWeAreDoing),
  );
}

function form(existing, reload) {
  const status = h('div');
  const area = (name, label, hint) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: `std-${name}` }, label),
      h('p', { id: `std-${name}-hint`, class: 'hint' }, hint),
      h(
        'textarea',
        { id: `std-${name}`, name, rows: '4', 'aria-describedby': `std-${name}-hint std-${name}-error` },
        existing?.content[name] ?? '',
      ),
      h('p', { id: `std-${name}-error`, class: 'field-error', hidden: true }),
    );
  const el = h(
    'form',
    { class: 'card form', novalidate: true },
    h('h2', {}, existing ? 'Replace it' : 'Pre-approve one'),
    area(
      'whatHappened',
      'What happened',
      'General words that fit any incident; the customer’s own exposed data is added per person.',
    ),
    area('whatWeAreDoing', 'What we are doing', 'At least 10 characters.'),
    h('button', { type: 'submit', class: 'button button--primary' }, 'Pre-approve'),
    status,
  );
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const p of el.querySelectorAll('.field-error')) p.hidden = true;
    for (const t of el.querySelectorAll('[aria-invalid]')) t.removeAttribute('aria-invalid');
    try {
      await api('/api/notice-templates/preapproved', {
        method: 'POST',
        body: {
          whatHappened: el.elements.whatHappened.value,
          whatWeAreDoing: el.elements.whatWeAreDoing.value,
        },
      });
      replace(status, notice('success', 'Pre-approved: this is the standard notice from now on.'));
      await reload();
    } catch (err) {
      const placed = err instanceof ApiError ? err.issues.filter((i) => el.elements[i.field]) : [];
      for (const i of placed) {
        const p = el.querySelector(`#std-${i.field}-error`);
        p.textContent = i.message;
        p.hidden = false;
        el.elements[i.field].setAttribute('aria-invalid', 'true');
      }
      replace(
        status,
        notice(
          'error',
          placed.length ? 'Not pre-approved: correct the marked fields.' : `Not pre-approved: ${err.message}`,
        ),
      );
      if (placed[0]) el.elements[placed[0].field].focus();
    }
  });
  return el;
}
