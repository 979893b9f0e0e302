// What every console form shares: labelled fields with a hint and an error paragraph beside them,
// the API's 400 issues placed beside their fields (aria-invalid, aria-describedby, the first one
// focused), zod's generic messages said the way a person would, and one submit handler. The server
// validates (one zod schema per payload); the console only shows what it answered.
import { ApiError } from './api.js';
import { h, notice, replace } from './dom.js';

/** A control's id: the field name, or `<prefix>-<name>` where a page has several forms. */
const idOf = (prefix, name) => (prefix ? `${prefix}-${name}` : name);

/**
 * A control built from a field's `type`: 'textarea' (with `rows`, default 3), 'select' (with
 * `options`: values, or { value, label }), or any <input> type. `attrs` are added as they are.
 */
function controlOf({ type = 'text', rows = 3, options = [], value, attrs = {} }) {
  if (type === 'textarea') return h('textarea', { rows: String(rows), ...attrs }, value ?? '');
  if (type === 'select') {
    return h(
      'select',
      attrs,
      options
        .map((o) => (typeof o === 'string' ? { value: o, label: o } : o))
        .map((o) => h('option', { value: o.value }, o.label)),
    );
  }
  return h('input', { type, ...(type === 'datetime-local' ? { step: '60' } : {}), ...attrs });
}

/**
 * One labelled field: `div.field[data-field=name]` holding the label, the hint, the control and
 * its (hidden) error paragraph, which the control names in aria-describedby. The control is
 * described by `type`, `rows`, `options`, `value` and `attrs` (see controlOf).
 */
export function field({ name, label, hint, prefix, ...control }) {
  const id = idOf(prefix, name);
  const el = controlOf(control);
  el.id = id;
  el.name = name;
  el.setAttribute('aria-describedby', [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' '));
  return h(
    'div',
    { class: 'field', dataset: { field: name } },
    h('label', { for: id }, label),
    hint ? h('p', { id: `${id}-hint`, class: 'hint' }, hint) : null,
    el,
    errorParagraph(id),
  );
}

/** The paragraph a field's error goes into, hidden while there is none. */
export const errorParagraph = (id) => h('p', { id: `${id}-error`, class: 'field-error', hidden: true });

/**
 * A group of checkboxes as one field: the fieldset carries the id (focusable, so the first error
 * can be focused), the hint and the error. `empty` is shown instead when there is nothing to check.
 */
export function checkboxGroup({ name, legend, hint, values, labelOf = (v) => v, empty }) {
  return h(
    'fieldset',
    {
      class: 'field checkboxes',
      id: name,
      tabindex: '-1',
      'aria-describedby': `${name}-hint ${name}-error`,
      dataset: { field: name },
    },
    h('legend', {}, legend),
    h('p', { id: `${name}-hint`, class: 'hint' }, hint),
    values.length
      ? h(
          'div',
          { class: 'checkbox-grid' },
          values.map((v) =>
            h(
              'label',
              { class: 'checkbox' },
              h('input', { type: 'checkbox', name, value: v }),
              ' ',
              labelOf(v),
            ),
          ),
        )
      : empty,
    errorParagraph(name),
  );
}

/**
 * The server's words, kept, except zod's generic ones, which are said the way a person would.
 * A date field left empty is "required", whatever format the schema would have wanted.
 */
function plain(message, control) {
  if (control?.type === 'datetime-local' && !control.value) return 'Enter a date and time.';
  const min = /^Too small: expected string to have >=(\d+) characters?$/.exec(message);
  if (min) return min[1] === '1' ? 'Required.' : `Write at least ${min[1]} characters.`;
  if (/^Too small: expected array to have >=1 items?$/.test(message)) return 'Choose at least one.';
  if (/^Invalid input: expected \w+, received undefined$/.test(message)) return 'Required.';
  return message;
}

/**
 * Places issues beside the fields `names` (in the order errors are focused) of `form`; an issue
 * about `systems.0` belongs to `systems`. Returns the fields marked, in that order, and the issues
 * no field took.
 */
function showIssues(form, names, prefix, issues) {
  const marked = new Set();
  const unplaced = [];
  for (const issue of issues) {
    const name = names.find((f) => issue.field === f || issue.field?.startsWith(`${f}.`));
    const error = name && form.querySelector(`#${idOf(prefix, name)}-error`);
    if (!error) {
      unplaced.push(issue);
      continue;
    }
    const message = plain(issue.message, form.elements[name]);
    error.hidden = false;
    error.textContent = error.textContent ? `${error.textContent} ${message}` : message;
    form.querySelector(`#${idOf(prefix, name)}`)?.setAttribute('aria-invalid', 'true');
    marked.add(name);
  }
  return { marked: names.filter((f) => marked.has(f)), unplaced };
}

function clearIssues(form) {
  for (const el of form.querySelectorAll('.field-error'))
    Object.assign(el, { hidden: true, textContent: '' });
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

/** Issues no field took, as `field: message` lines. */
const issueList = (issues) =>
  issues.length
    ? h(
        'ul',
        {},
        issues.map((i) => h('li', {}, `${i.field}: ${i.message}`)),
      )
    : null;

/**
 * The one submit handler: clears the old errors, says `pending` (a string, or a function of the
 * submit event), disables the submit buttons while `send(event)` runs, and on failure places a
 * 400's issues beside the fields `names` and says in `status` what `failed(markedCount, err)`
 * words (with the issues no field took listed under it); the first field at fault is focused.
 * What was typed stays, so the person can correct and send again. With `once`, the buttons stay
 * disabled after a success (a decision is taken once).
 */
export function onSubmit(form, { names, prefix, status, pending, send, failed, once = false }) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearIssues(form);
    const saying = typeof pending === 'function' ? pending(event) : pending;
    replace(status, saying ? notice('info', saying) : null);
    const buttons = [...form.querySelectorAll('button[type=submit]')];
    for (const b of buttons) b.disabled = true;
    let sent = false;
    try {
      await send(event);
      sent = true;
    } catch (err) {
      const issues = err instanceof ApiError && err.status === 400 ? err.issues : [];
      const { marked, unplaced } = showIssues(form, names, prefix, issues);
      replace(status, notice('error', failed(marked.length, err), issueList(unplaced)));
      if (marked[0]) form.querySelector(`#${idOf(prefix, marked[0])}`)?.focus();
    } finally {
      if (!(sent && once)) for (const b of buttons) b.disabled = false;
    }
  });
  return form;
}

/** A datetime-local's value as an instant with its offset; '' as undefined; nonsense as typed. */
export function instant(value) {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/**
 * The non-empty values of the fields described by `fields` (as given to `field`), trimmed; a
 * datetime-local's as an instant.
 */
export function valuesOf(form, fields) {
  const body = {};
  for (const f of fields) {
    const value = form.elements[f.name].value.trim();
    if (!value) continue;
    body[f.name] = f.type === 'datetime-local' ? instant(value) : value;
  }
  return body;
}
