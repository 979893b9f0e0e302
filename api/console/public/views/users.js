// Users (admin): who may use the API, with their role. Adding a user (or an existing email again)
// issues a token, shown once; deactivating stops the token working.
import { api } from '../api.js';
import { h, notice, replace } from '../dom.js';
import { field, onSubmit } from '../form.js';
import { timeEl } from '../format.js';
import { row, table } from '../table.js';

const ROLES = ['officer', 'compliance', 'support', 'admin'];

/** The form's fields, in the order errors are focused. */
const FIELDS = [
  { name: 'email', label: 'Email', type: 'email', attrs: { autocomplete: 'off' } },
  { name: 'displayName', label: 'Name', type: 'text', attrs: { autocomplete: 'off' } },
  { name: 'role', label: 'Role', type: 'select', options: ROLES },
];

export async function render(main, { user }) {
  const list = h('div', { id: 'users-list' });
  const status = h('div', { id: 'users-status' });
  const load = async () => {
    const { items } = await api('/api/users');
    replace(list, usersTable(items, user, status, load));
  };
  main.append(
    h('h1', {}, 'Users'),
    h(
      'p',
      { class: 'lead' },
      'Add a user to issue a token; add an existing email again to replace a lost token.',
    ),
    form(load),
    status,
    list,
  );
  await load();
}

function usersTable(items, me, status, reload) {
  const deactivate = async (u) => {
    try {
      await api(`/api/users/${u.id}`, { method: 'DELETE' });
      replace(status, notice('success', `${u.email} is deactivated: the token no longer works.`));
      await reload();
    } catch (err) {
      replace(status, notice('error', `Not deactivated: ${err.message}`));
    }
  };
  return table({
    columns: ['Name', 'Email', 'Role', 'Status', 'Added', ''],
    wrap: false,
    rows: items.map((u) =>
      row(
        { dataset: { userId: u.id } },
        u.displayName,
        u.email,
        u.role,
        u.active ? 'Active' : 'Deactivated',
        timeEl(u.createdAt),
        u.active && u.id !== me.id
          ? h(
              'button',
              { type: 'button', class: 'button button--quiet', onclick: () => deactivate(u) },
              `Deactivate ${u.email}`,
            )
          : null,
      ),
    ),
  });
}

function form(reload) {
  const result = h('div', { id: 'user-created' });
  const el = h(
    'form',
    { class: 'card form', novalidate: true },
    h('h2', {}, 'Add a user'),
    FIELDS.map((f) => field({ ...f, prefix: 'user' })),
    h('button', { type: 'submit', class: 'button button--primary' }, 'Add and issue a token'),
    result,
  );
  return onSubmit(el, {
    names: FIELDS.map((f) => f.name),
    prefix: 'user',
    status: result,
    failed: (marked, err) => (marked ? 'Not added: correct the marked fields.' : `Not added: ${err.message}`),
    send: async () => {
      const { user, token } = await api('/api/users', {
        method: 'POST',
        body: {
          email: el.elements.email.value,
          displayName: el.elements.displayName.value,
          role: el.elements.role.value,
        },
      });
      replace(
        result,
        notice(
          'success',
          h(
            'p',
            {},
            `Token for ${user.email} (${user.role}). It is shown only this once: hand it over securely.`,
          ),
          h('code', { id: 'user-token' }, token),
        ),
      );
      el.elements.email.value = '';
      el.elements.displayName.value = '';
      await reload();
    },
  });
}
