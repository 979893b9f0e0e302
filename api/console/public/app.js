// The console's shell: sign-in state, the navigation the role may use, and a small hash router.
// Each screen is a module exporting `render(main, context)`, which may return a cleanup function
// (to stop its polling) called when the user navigates away.
import {
  api,
  can,
  currentUser,
  refreshUser,
  rememberReturnPath,
  resumeSession,
  signOut,
  takeReturnPath,
  whenUnauthorised,
} from './api.js';
import { h, notice, replace } from './dom.js';
import { startCountdowns } from './format.js';
import { ROLE_LABELS, label } from './labels.js';
import * as approvals from './views/approvals.js';
import * as incident from './views/incident/index.js';
import * as incidents from './views/incidents.js';
import * as lookup from './views/lookup.js';
import * as openIncident from './views/open-incident.js';
import * as rules from './views/rules.js';
import * as signIn from './views/sign-in.js';
import * as standardNotice from './views/standard-notice.js';
import * as users from './views/users.js';

/** Routes in match order: pattern, screen, and who may see it in the navigation. */
const ROUTES = [
  { path: /^\/sign-in$/, view: signIn, public: true },
  { path: /^\/incidents$/, view: incidents, nav: 'Incidents', href: '#/incidents', allowed: () => true },
  {
    path: /^\/incidents\/new$/,
    view: openIncident,
    nav: 'Open incident',
    href: '#/incidents/new',
    allowed: can.openIncident,
  },
  { path: /^\/incidents\/([0-9a-f-]{36})$/, view: incident, allowed: () => true },
  { path: /^\/approvals$/, view: approvals, nav: 'Approval queue', href: '#/approvals', allowed: can.decide },
  {
    path: /^\/lookup$/,
    view: lookup,
    nav: 'Customer lookup',
    href: '#/lookup',
    allowed: can.lookUpCustomers,
  },
  {
    path: /^\/standard-notice$/,
    view: standardNotice,
    nav: 'Standard notice',
    href: '#/standard-notice',
    allowed: can.readStandardNotice,
  },
  { path: /^\/users$/, view: users, nav: 'Users', href: '#/users', allowed: can.manageUsers },
  { path: /^\/rules$/, view: rules, nav: 'Law rules', href: '#/rules', allowed: () => true },
];

const main = document.getElementById('main');
let cleanup;

export function navigate(hash) {
  if (location.hash === hash) void route();
  else location.hash = hash;
}

async function route() {
  cleanup?.();
  cleanup = undefined;
  const path = location.hash.replace(/^#/, '') || '/incidents';
  const user = currentUser();
  const match = ROUTES.map((r) => ({ r, m: r.path.exec(path) })).find((x) => x.m);
  renderShell(user, match?.r);
  if (!user && !match?.r.public) {
    rememberReturnPath(path);
    return navigate('#/sign-in');
  }
  if (!match) {
    replace(
      main,
      h('h1', { tabindex: '-1' }, 'Not found'),
      h('p', {}, 'There is no such page. ', h('a', { href: '#/incidents' }, 'Go to the incidents.')),
    );
    return focusHeading();
  }
  if (user && match.r.allowed && !match.r.allowed(user)) {
    replace(
      main,
      h('h1', { tabindex: '-1' }, 'Not for your role'),
      notice(
        'info',
        `Signed in as ${label(ROLE_LABELS, user.role)}, you cannot use this page. The server refuses these actions too.`,
      ),
    );
    return focusHeading();
  }
  main.replaceChildren();
  try {
    cleanup = await match.r.view.render(main, { user, params: match.m.slice(1), navigate });
  } catch (err) {
    main.append(notice('error', `This page could not be loaded: ${err.message}`));
  }
  focusHeading();
}

/** After a navigation, focus moves to the page's heading so screen readers announce the new page. */
function focusHeading() {
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
    document.title = `${heading.textContent} · Forthright`;
  }
}

function renderShell(user, current) {
  const nav = document.getElementById('nav');
  const who = document.getElementById('whoami');
  if (!user) {
    nav.replaceChildren();
    who.replaceChildren();
    return;
  }
  replace(
    nav,
    h(
      'ul',
      {},
      ROUTES.filter((r) => r.nav && r.allowed(user)).map((r) =>
        h('li', {}, h('a', { href: r.href, 'aria-current': r === current ? 'page' : null }, r.nav)),
      ),
    ),
  );
  replace(
    who,
    h('span', {}, user.displayName, ' ', h('span', { class: 'role' }, label(ROLE_LABELS, user.role))),
    h(
      'button',
      {
        type: 'button',
        class: 'button button--quiet',
        onclick: async () => {
          await signOut();
          navigate('#/sign-in');
        },
      },
      'Sign out',
    ),
  );
}

whenUnauthorised(async () => {
  await signOut();
  navigate('#/sign-in');
});

window.addEventListener('hashchange', () => void route());
startCountdowns();
showVersion();

/** The running release in the footer (`/api/version`, no sign-in needed): what a support ticket quotes. */
async function showVersion() {
  const footer = document.getElementById('footer');
  try {
    const { version } = await api('/api/version', { token: '' });
    footer.replaceChildren(`Forthright ${version}`);
  } catch {
    footer.replaceChildren('Forthright');
  }
}

// A stored session is re-checked once per page load: the role may have changed, the token may be gone.
// Without one, the server may hold a session cookie: the OIDC provider has just sent us back.
if (currentUser()) {
  try {
    await refreshUser();
  } catch {
    // A 401 has already signed out (whenUnauthorised); a network error keeps the stored session.
  }
} else if (await resumeSession().catch(() => null)) {
  // Back where the person was going before signing in (the sign-in page kept it), else where the URL says.
  const here = location.hash.replace(/^#/, '');
  const to = takeReturnPath(here && here !== '/sign-in' ? here : '/incidents');
  history.replaceState(null, '', `${location.pathname}#${to}`);
}
await route();
