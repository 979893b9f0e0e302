// Users (admin): who may use Forthright, with their role. People sign in through the organisation's
// OIDC provider: the admin invites them, can end their sessions (they sign in again) or deactivate
// them, and never sees a credential of theirs. Service accounts (scripts, integrations) get an
// expiring token here, shown once; their email again rotates it.
import { api } from '../api.js';
import { h, notice, replace } from '../dom.js';
import { field, onSubmit } from '../form.js';
import { timeEl } from '../format.js';
import { ROLE_LABELS, label } from '../labels.js';
import { row, table } from '../table.js';

/** The form's fields, in the order errors are focused. */
const FIELDS = [
  { name: 'email', label: 'Email', type: 'email', attrs: { autocomplete: 'off' } },
  { name: 'displayName', label: 'Name', type: 'text', attrs: { autocomplete: 'off' } },
  {
    name: 'role',
    label: 'Role',
    type: 'select',
    options: Object.entries(ROLE_LABELS).map(([value, text]) => ({ value, label: text })),
  },
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
      'People sign in through your organisation’s sign-in provider, which decides their role: invite them. ',
      'A service account (a script, an integration) gets an expiring token here; add its email again to rotate the token.',
    ),
    inviteOpener(load, status),
    form(load),
    status,
    list,
  );
  await load();
}

function usersTable(items, me, status, reload) {
  /** One row action: the request, what to say when it worked, and the word for when it did not. */
  const act = (request, done, failed) => async () => {
    try {
      await request();
      replace(status, notice('success', done));
      await reload();
    } catch (err) {
      replace(status, notice('error', `${failed}: ${err.message}`));
    }
  };
  const deactivate = (u) =>
    act(
      () => api(`/api/users/${u.id}`, { method: 'DELETE' }),
      `${u.email} is deactivated: the token no longer works, and any session has ended.`,
      'Not deactivated',
    );
  const endSessions = (u) =>
    act(
      () => api(`/api/users/${u.id}/sign-out`, { method: 'POST' }),
      `${u.email} must sign in again.`,
      'Sessions not ended',
    );
  const quiet = (label, onclick) =>
    h('button', { type: 'button', class: 'button button--quiet', onclick }, label);
  return table({
    columns: ['Name', 'Email', 'Role', 'Kind', 'Status', 'Added', ''],
    wrap: false,
    rows: items.map((u) =>
      row(
        { dataset: { userId: u.id } },
        u.displayName,
        u.email,
        label(ROLE_LABELS, u.role),
        u.kind === 'person' ? 'Person' : 'Service account',
        u.active ? 'Active' : 'Deactivated',
        timeEl(u.createdAt),
        u.active && u.id !== me.id
          ? h(
              'span',
              {},
              u.kind === 'person' ? quiet(`Sign ${u.email} out everywhere`, endSessions(u)) : null,
              quiet(`Deactivate ${u.email}`, deactivate(u)),
            )
          : null,
      ),
    ),
  });
}

/**
 * Inviting a person: a button that opens the form (its fields would otherwise sit beside the
 * service-account form's). No credential is made; the person signs in through the provider.
 */
function inviteOpener(reload, status) {
  const slot = h('div', { id: 'invite' });
  const open = h('button', { type: 'button', class: 'button' }, 'Invite a person');
  open.onclick = () => {
    const fields = FIELDS.map((f) => ({ ...f, label: `Invitee: ${f.label.toLowerCase()}` }));
    const el = h(
      'form',
      { class: 'card form', novalidate: true },
      h('h2', {}, 'Invite a person'),
      fields.map((f) => field({ ...f, prefix: 'invite' })),
      h('button', { type: 'submit', class: 'button button--primary' }, 'Record the invitation'),
    );
    replace(slot, el);
    onSubmit(el, {
      names: fields.map((f) => f.name),
      prefix: 'invite',
      status,
      failed: (marked, err) =>
        marked ? 'Not invited: correct the marked fields.' : `Not invited: ${err.message}`,
      send: async () => {
        const invited = await post(el, '/api/users/invitations');
        replace(
          status,
          notice('success', `${invited.email} is invited: they sign in through your provider.`),
        );
        replace(slot, open);
        await reload();
      },
    });
    el.elements.email.focus();
  };
  slot.append(open);
  return slot;
}

/** Both forms send the same three fields. */
const post = (form, path) =>
  api(path, {
    method: 'POST',
    body: Object.fromEntries(FIELDS.map((f) => [f.name, form.elements[f.name].value])),
  });

function form(reload) {
  const result = h('div', { id: 'user-created' });
  const el = h(
    'form',
    { class: 'card form', novalidate: true },
    h('h2', {}, 'Add a service account'),
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
      const { user, token } = await post(el, '/api/users');
      replace(
        result,
        notice(
          'success',
          h(
            'p',
            {},
            `Token for ${user.email} (${label(ROLE_LABELS, user.role)}). It is shown only this once: hand it over securely.`,
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
