// Open an incident: systems and categories from what the inventory knows, the times, the
// encryption facts. The server validates (one schema, api/schemas/incidents.ts); its 400 names
// the field, and the message is shown beside that field.
import { ApiError, api, randomKey } from '../api.js';
import { h, notice, replace } from '../dom.js';
import { categoryLabel, timeZone } from '../format.js';

/** Form controls by the API field they fill, in the order errors are focused. */
const FIELDS = [
  'title',
  'description',
  'discoveredAt',
  'occurredFrom',
  'occurredTo',
  'systems',
  'dataCategories',
  'encrypted',
  'keyCompromised',
  'customerExternalIds',
];

export async function render(main, { navigate }) {
  const summary = await api('/api/inventory/summary');
  const idempotencyKey = randomKey();
  const status = h('div', { id: 'form-status' });
  const errors = Object.fromEntries(
    FIELDS.map((f) => [f, h('p', { id: `${f}-error`, class: 'field-error', hidden: true })]),
  );

  const field = (name, label, control, hint) => {
    control.id = name;
    control.name = name;
    control.setAttribute(
      'aria-describedby',
      [hint ? `${name}-hint` : null, `${name}-error`].filter(Boolean).join(' '),
    );
    return h(
      'div',
      { class: 'field', dataset: { field: name } },
      h('label', { for: name }, label),
      hint ? h('p', { id: `${name}-hint`, class: 'hint' }, hint) : null,
      control,
      errors[name],
    );
  };
  const checkboxes = (name, legend, values, label, hint) =>
    h(
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
                label(v),
              ),
            ),
          )
        : notice(
            'info',
            'The inventory is empty: import customers and holdings first (POST /api/inventory/…).',
          ),
      errors[name],
    );

  const when = `Your local time (${timeZone}).`;
  const encrypted = h('input', {
    type: 'checkbox',
    id: 'encrypted',
    name: 'encrypted',
    'aria-describedby': 'encrypted-error',
  });
  const keyCompromised = h('input', {
    type: 'checkbox',
    id: 'keyCompromised',
    name: 'keyCompromised',
    disabled: true,
    'aria-describedby': 'keyCompromised-hint keyCompromised-error',
  });
  encrypted.addEventListener('change', () => {
    keyCompromised.disabled = !encrypted.checked;
    if (!encrypted.checked) keyCompromised.checked = false;
  });

  const form = h(
    'form',
    { class: 'card form', novalidate: true },
    field(
      'title',
      'Title',
      h('input', { type: 'text', maxlength: '200', autocomplete: 'off' }),
      'A short name, e.g. “Billing database exposed”.',
    ),
    field(
      'description',
      'What happened',
      h('textarea', { rows: '4' }),
      'At least 10 characters. For the audit trail and the notice draft.',
    ),
    h(
      'div',
      { class: 'row' },
      field('discoveredAt', 'Discovered at', h('input', { type: 'datetime-local', step: '60' }), when),
      field(
        'occurredFrom',
        'Exposed from (optional)',
        h('input', { type: 'datetime-local', step: '60' }),
        'Start of the exposure window.',
      ),
      field(
        'occurredTo',
        'Exposed until (optional)',
        h('input', { type: 'datetime-local', step: '60' }),
        'End of the exposure window.',
      ),
    ),
    checkboxes(
      'systems',
      'Affected systems',
      summary.systems,
      (s) => s,
      `The systems the inventory knows (${summary.customers} customers).`,
    ),
    checkboxes(
      'dataCategories',
      'Exposed data categories',
      summary.categories,
      categoryLabel,
      'Categories held in the inventory.',
    ),
    h(
      'fieldset',
      { class: 'field' },
      h('legend', {}, 'Encryption'),
      h('label', { class: 'checkbox', for: 'encrypted' }, encrypted, ' The exposed data was encrypted'),
      errors.encrypted,
      h(
        'label',
        { class: 'checkbox', for: 'keyCompromised' },
        keyCompromised,
        ' The encryption key was compromised too',
      ),
      h(
        'p',
        { id: 'keyCompromised-hint', class: 'hint' },
        'Encrypted data with a safe key usually needs no notice; a compromised key means it does.',
      ),
      errors.keyCompromised,
    ),
    field(
      'customerExternalIds',
      'Known affected customers (optional)',
      h('textarea', { rows: '3', spellcheck: 'false' }),
      'External ids, one per line or comma-separated. Leave empty to find them from the systems, window and categories.',
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'button button--primary' }, 'Open incident'),
      h('a', { href: '#/incidents', class: 'button button--quiet' }, 'Cancel'),
    ),
    status,
  );

  /** Each issue beside its field; returns the fields marked, in form order. */
  const showErrors = (issues) => {
    const marked = new Set();
    for (const issue of issues) {
      const name = FIELDS.find((f) => issue.field === f || issue.field.startsWith(`${f}.`));
      if (!name) continue;
      const el = errors[name];
      const message = plain(issue.message, form.elements[name]);
      el.hidden = false;
      el.textContent = el.textContent ? `${el.textContent} ${message}` : message;
      form.querySelector(`#${name}`)?.setAttribute('aria-invalid', 'true');
      marked.add(name);
    }
    return FIELDS.filter((f) => marked.has(f));
  };
  const clearErrors = () => {
    for (const el of Object.values(errors)) {
      el.hidden = true;
      el.textContent = '';
    }
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    replace(status);
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    replace(status, notice('info', 'Opening the incident and starting its workflow…'));
    try {
      const incident = await api('/api/incidents', {
        method: 'POST',
        body: bodyOf(form),
        headers: { 'idempotency-key': idempotencyKey },
      });
      navigate(`#/incidents/${incident.id}`);
    } catch (err) {
      button.disabled = false;
      if (err instanceof ApiError && err.status === 400) {
        const marked = showErrors(err.issues);
        const first = marked[0];
        const unplaced = err.issues.filter(
          (i) => !FIELDS.some((f) => i.field === f || i.field.startsWith(`${f}.`)),
        );
        replace(
          status,
          notice(
            'error',
            marked.length === 1
              ? 'The incident was not opened: correct the field marked above.'
              : marked.length > 1
                ? `The incident was not opened: correct the ${marked.length} fields marked above.`
                : 'The incident was not opened.',
            unplaced.length
              ? h(
                  'ul',
                  {},
                  unplaced.map((i) => h('li', {}, `${i.field}: ${i.message}`)),
                )
              : null,
          ),
        );
        if (first) form.querySelector(`#${first}`)?.focus();
      } else {
        replace(status, notice('error', `The incident was not opened: ${err.message}`));
      }
    }
  });

  main.append(h('h1', {}, 'Open an incident'), form);
}

/**
 * The server's words, kept, except zod's generic ones, which are said the way a person would.
 * A date field left empty is "required", whatever format the schema would have wanted.
 */
function plain(message, control) {
  if (control?.type === 'datetime-local' && !control.value) return 'Enter a date and time.';
  const min = /^Too small: expected string to have >=(\d+) characters?$/.exec(message);
  if (min) return `Write at least ${min[1]} characters.`;
  if (/^Too small: expected array to have >=1 items?$/.test(message)) return 'Choose at least one.';
  if (/^Invalid input: expected \w+, received undefined$/.test(message)) return 'Required.';
  return message;
}

/** The form as the API's CreateIncidentBody: local times become instants with an offset. */
function bodyOf(form) {
  const value = (name) => form.elements[name].value.trim();
  const instant = (name) => {
    const v = value(name);
    if (!v) return undefined;
    const date = new Date(v);
    return Number.isNaN(date.getTime()) ? v : date.toISOString();
  };
  const checked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((el) => el.value);
  const ids = value('customerExternalIds')
    .split(/[\s,;]+/)
    .filter(Boolean);
  return {
    title: value('title'),
    description: value('description'),
    discoveredAt: instant('discoveredAt'),
    occurredFrom: instant('occurredFrom') ?? null,
    occurredTo: instant('occurredTo') ?? null,
    systems: checked('systems'),
    dataCategories: checked('dataCategories'),
    encrypted: form.elements.encrypted.checked,
    keyCompromised: form.elements.keyCompromised.checked,
    customerExternalIds: ids.length ? ids : null,
  };
}
