// Sign-in: paste a bearer token. The server says whose it is; the token stays in this tab only.
import { ApiError, signIn } from '../api.js';
import { h, notice, replace } from '../dom.js';

export function render(main, { navigate }) {
  const status = h('div', { id: 'sign-in-status' });
  const input = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'token-help',
  });
  const submit = async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) {
      replace(status, notice('error', 'Paste your access token first.'));
      return input.focus();
    }
    replace(status, notice('info', 'Checking the token…'));
    try {
      await signIn(token);
      const after = sessionStorage.getItem('forthright.after');
      sessionStorage.removeItem('forthright.after');
      navigate(after && after !== '/sign-in' ? `#${after}` : '#/incidents');
    } catch (err) {
      const message =
        err instanceof ApiError && err.status === 401
          ? 'This token is not valid. Check that you copied all of it.'
          : `Could not sign in: ${err.message}`;
      replace(status, notice('error', message));
      input.focus();
    }
  };
  main.append(
    h(
      'section',
      { class: 'card narrow' },
      h('h1', {}, 'Sign in'),
      h(
        'form',
        { onsubmit: submit, novalidate: true },
        h('div', { class: 'field' }, h('label', { for: 'token' }, 'Access token'), input),
        h(
          'p',
          { id: 'token-help', class: 'hint' },
          'Paste the bearer token your administrator gave you. With the default set-up, ',
          h('code', {}, 'npm start'),
          ' prints one per role and writes them to ',
          h('code', {}, '.data/demo-tokens.json'),
          '. The token is kept in this browser tab only.',
        ),
        h('button', { type: 'submit', class: 'button button--primary' }, 'Sign in'),
        status,
      ),
    ),
  );
}
