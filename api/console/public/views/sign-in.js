// Sign-in. People sign in through the organisation's OIDC provider (the server keeps the session in
// an HttpOnly cookie); a service or development token may be pasted where the deployment allows it
// (/console/sign-in.json). A pasted token stays in this tab only.
import { ApiError, signIn, signInMethods, takeReturnPath } from '../api.js';
import { h, notice, replace } from '../dom.js';

/** What the server's `?sign-in-error=` codes mean (api/routes/sign-in.ts); never text from the URL. */
const SIGN_IN_ERRORS = {
  refused:
    'Your sign-in was refused: your account may be deactivated, or none of your groups gives you a role in Forthright. Ask your administrator.',
  expired: 'The sign-in took too long or was started in another tab. Please try again.',
  failed: 'The sign-in did not complete. Please try again.',
};

export async function render(main, { navigate }) {
  const ways = await signInMethods();
  const error = new URLSearchParams(location.search).get('sign-in-error');
  const card = h('section', { class: 'card narrow' }, h('h1', {}, 'Sign in'));
  if (error) card.append(notice('error', SIGN_IN_ERRORS[error] ?? SIGN_IN_ERRORS.failed));
  if (ways.oidcProvider) {
    card.append(
      h(
        'p',
        {},
        h(
          'a',
          { class: 'button button--primary', href: '/auth/oidc/login' },
          `Sign in with ${ways.oidcProvider}`,
        ),
      ),
    );
  }
  if (ways.token) card.append(tokenForm(navigate, Boolean(ways.oidcProvider)));
  if (!ways.oidcProvider && !ways.token) {
    card.append(notice('error', 'No way to sign in is configured. Ask your administrator.'));
  }
  // Replaces rather than appends: a lapsed session re-routes here while the first render may still
  // be waiting for the configuration, and the page must show one form.
  replace(main, card);
}

/** The token form: for service accounts and the demo users of a development start. */
function tokenForm(navigate, besideOidc) {
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
      navigate(`#${takeReturnPath('/incidents')}`);
    } catch (err) {
      const message =
        err instanceof ApiError && err.status === 401
          ? 'This token is not valid. Check that you copied all of it.'
          : err instanceof ApiError && err.status === 429
            ? 'Too many failed sign-ins from here. Wait a few minutes, then try again.'
            : `Could not sign in: ${err.message}`;
      replace(status, notice('error', message));
      input.focus();
    }
  };
  return h(
    'form',
    { onsubmit: submit, novalidate: true },
    besideOidc ? h('h2', {}, 'Service or development token') : null,
    h('div', { class: 'field' }, h('label', { for: 'token' }, 'Access token'), input),
    h(
      'p',
      { id: 'token-help', class: 'hint' },
      'Paste a service or development token. With the default development set-up, ',
      h('code', {}, 'npm start'),
      ' prints one per role and writes them to ',
      h('code', {}, '.data/demo-tokens.json'),
      '. The token is kept in this browser tab only.',
    ),
    h('button', { type: 'submit', class: 'button button--primary' }, 'Sign in'),
    status,
  );
}
