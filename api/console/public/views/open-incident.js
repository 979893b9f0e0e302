// Open an incident: systems and categories from what the inventory knows, the times, the
// encryption facts. The server validates (one schema, api/schemas/incidents.ts); its 400 names
// the field, and the message is shown beside that field.
import { api, randomKey } from '../api.js';
import { h, notice } from '../dom.js';
import { checkboxGroup, errorParagraph, field, instant, onSubmit } from '../form.js';
import { timeZone } from '../format.js';
import { categoryLabel } from '../labels.js';

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

const EMPTY_INVENTORY = () =>
  notice('info', 'The inventory is empty: import customers and holdings first (POST /api/inventory/…).');

export async function render(main, { navigate }) {
  const summary = await api('/api/inventory/summary');
  const idempotencyKey = randomKey();
  const status = h('div', { id: 'form-status' });

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
    field({
      name: 'title',
      label: 'Title',
      attrs: { maxlength: '200', autocomplete: 'off' },
      hint: 'A short name, e.g. “Billing database exposed”.',
    }),
    field({
      name: 'description',
      label: 'What happened',
      type: 'textarea',
      rows: 4,
      hint: 'At least 10 characters. For the audit trail and the notice draft.',
    }),
    h(
      'div',
      { class: 'row' },
      field({ name: 'discoveredAt', label: 'Discovered at', type: 'datetime-local', hint: when }),
      field({
        name: 'occurredFrom',
        label: 'Exposed from (optional)',
        type: 'datetime-local',
        hint: 'Start of the exposure window.',
      }),
      field({
        name: 'occurredTo',
        label: 'Exposed until (optional)',
        type: 'datetime-local',
        hint: 'End of the exposure window.',
      }),
    ),
    checkboxGroup({
      name: 'systems',
      legend: 'Affected systems',
      values: summary.systems,
      hint: `The systems the inventory knows (${summary.customers} customers).`,
      empty: EMPTY_INVENTORY(),
    }),
    checkboxGroup({
      name: 'dataCategories',
      legend: 'Exposed data categories',
      values: summary.categories,
      labelOf: categoryLabel,
      hint: 'Categories held in the inventory.',
      empty: EMPTY_INVENTORY(),
    }),
    h(
      'fieldset',
      { class: 'field' },
      h('legend', {}, 'Encryption'),
      h('label', { class: 'checkbox', for: 'encrypted' }, encrypted, ' The exposed data was encrypted'),
      errorParagraph('encrypted'),
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
      errorParagraph('keyCompromised'),
    ),
    field({
      name: 'customerExternalIds',
      label: 'Known affected customers (optional)',
      type: 'textarea',
      attrs: { spellcheck: 'false' },
      hint: 'External ids, one per line or comma-separated. Leave empty to find them from the systems, window and categories.',
    }),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'button button--primary' }, 'Open incident'),
      h('a', { href: '#/incidents', class: 'button button--quiet' }, 'Cancel'),
    ),
    status,
  );

  onSubmit(form, {
    names: FIELDS,
    status,
    pending: 'Opening the incident and starting its workflow…',
    failed: (marked, err) =>
      err.status !== 400
        ? `The incident was not opened: ${err.message}`
        : marked === 1
          ? 'The incident was not opened: correct the field marked above.'
          : marked > 1
            ? `The incident was not opened: correct the ${marked} fields marked above.`
            : 'The incident was not opened.',
    send: async () => {
      const incident = await api('/api/incidents', {
        method: 'POST',
        body: bodyOf(form),
        headers: { 'idempotency-key': idempotencyKey },
      });
      navigate(`#/incidents/${incident.id}`);
    },
  });

  main.append(h('h1', {}, 'Open an incident'), form);
}

/** The form as the API's CreateIncidentBody: local times become instants with an offset. */
function bodyOf(form) {
  const value = (name) => form.elements[name].value.trim();
  const checked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((el) => el.value);
  const ids = value('customerExternalIds')
    .split(/[\s,;]+/)
    .filter(Boolean);
  return {
    title: value('title'),
    description: value('description'),
    discoveredAt: instant(value('discoveredAt')),
    occurredFrom: instant(value('occurredFrom')) ?? null,
    occurredTo: instant(value('occurredTo')) ?? null,
    systems: checked('systems'),
    dataCategories: checked('dataCategories'),
    encrypted: form.elements.encrypted.checked,
    keyCompromised: form.elements.keyCompromised.checked,
    customerExternalIds: ids.length ? ids : null,
  };
}
