// Users (admin): who may use the API, with their role. Adding a user (or an existing email again)
// issues a token, shown once; deactivating stops the token working.
import { ApiError, api } from '../api.js';
import { h, notice, replace } from '../dom.js';
import { timeEl } from '../format.js';

const ROLES = ['officer', 'compliance', 'support', 'admin'];
const FIELDS = ['email', 'displayName', 'role'];

export async function render(main, { user }) {
  const list = h('div', { id: 'users-list' });
  const status = h('div', { id: 'users-status' });
  const load = async () => {
    const { items } = await api('/api/users');
    replace(list, table(items, user, status, load));
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

function table(items, me, status, reload) {
  return h(
    'table',
    { class: 'table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Name', 'Email', 'Role', 'Status', 'Added', ''].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      items.map((u) =>
        h(
          'tr',
          { dataset: { userId: u.id } },
          h('td', {}, u.displayName),
          h('td', {}, u.email),
          h('td', {}, u.role),
          h('td', {}, u.active ? 'Active' : 'Deactivated'),
          h('td', {}, timeEl(u.createdAt)),
          h(
            'td',
            {},
            u.active && u.id !== me.id
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'button button--quiet',
                    onclick: async () => {
                      try {
                        await api(`/api/users/${u.id}`, { method: 'DELETE' });
                        replace(
                          status,
                          notice('success', `${u.email} is deactivated: the token no longer works.`),
                        );
                        await reload();
                      } catch (err) {
                        replace(status, notice('error', `Not deactivated: ${err.message}`));
                      }
                    },
                  },
                  `Deactivate ${u.email}`,
                )
              : null,
          ),
        ),
      ),
    ),
  );
}

function form(reload) {
  const result = h('div', { id: 'user-created' });
  const field = (name, label, control) => {
    control.id = `user-${name}`;
    control.name = name;
    control.setAttribute('aria-describedby', `user-${name}-error`);
    return h(
      'div',
      { class: 'field' },
      h('label', { for: `user-${name}` }, label),
      control,
      h('p', { id: `user-${name}-error`, class: 'field-error', hidden: true }),
    );
  };
  const el = h(
    'form',
    { class: 'card form', novalidate: true },
    h('h2', {}, 'Add a user'),
    field('email', 'Email', h('input', { type: 'email', autocomplete: 'off' })),
    field('displayName', 'Name', h('input', { type: 'text', autocomplete: 'off' })),
    field(
      'role',
      'Role',
      h(
        'select',
        {},
        ROLES.map((r) => h('option', { value: r }, r)),
      ),
    ),
    h('button', { type: 'submit', class: 'button button--primary' }, 'Add and issue a token'),
    result,
  );
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const p of el.querySelectorAll('.field-error')) p.hidden = true;
    for (const t of el.querySelectorAll('[aria-invalid]')) t.removeAttribute('aria-invalid');
    try {
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
    } catch (err) {
      const placed = err instanceof ApiError ? err.issues.filter((i) => FIELDS.includes(i.field)) : [];
      for (const i of placed) {
        const p = el.querySelector(`#user-${i.field}-error`);
        p.textContent = i.message;
        p.hidden = false;
        el.elements[i.field].setAttribute('aria-invalid', 'true');
      }
      replace(
        result,
        notice(
          'error',
          placed.length ? 'Not added: correct the marked fields.' : `Not added: ${err.message}`,
        ),
      );
      if (placed[0]) el.elements[placed[0].field].focus();
    }
  });
  return el;
}
