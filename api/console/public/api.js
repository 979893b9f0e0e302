// The one fetch helper every screen uses, and who is signed in. Two ways in: a person signs in
// through the organisation's OIDC provider and the server keeps the session in an HttpOnly cookie
// (this page never sees it); a service or development token is pasted and kept in sessionStorage.
// Either way the user is kept in sessionStorage: closing the tab forgets them.

const TOKEN = 'forthright.token';
const USER = 'forthright.user';
const AFTER = 'forthright.after';

/** An answer other than 2xx; `field` and `issues` come from the API's 400s and name the fields at fault. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `The server answered ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.field = body?.field;
    this.issues =
      body?.issues ??
      (body?.field ? [{ field: body.field, message: stripField(body.message, body.field) }] : []);
  }
}

const stripField = (message, field) =>
  message?.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;

let onUnauthorised = () => undefined;
/** Called when the session or stored token stops working (expired, revoked, or the database was reset). */
export function whenUnauthorised(handler) {
  onUnauthorised = handler;
}

/**
 * fetch with the bearer token or the session cookie, JSON in and out. Every request carries the
 * CSRF header the server requires of cookie-authenticated writes (a cross-site page cannot add it).
 * Throws ApiError for any non-2xx answer and TypeError when the server cannot be reached.
 */
export async function api(path, { method = 'GET', body, headers = {}, token, signal } = {}) {
  const bearer = token ?? sessionStorage.getItem(TOKEN);
  const response = await fetch(path, {
    method,
    signal,
    credentials: 'same-origin',
    headers: {
      accept: 'application/json',
      'x-forthright-csrf': '1',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (response.headers.get('content-type') ?? '').includes('json') ? await response.json() : null;
  if (!response.ok) {
    if (response.status === 401 && token === undefined && sessionStorage.getItem(USER)) onUnauthorised();
    throw new ApiError(response.status, data);
  }
  return data;
}

/**
 * Downloads a file the API serves (not JSON) with the same credentials as `api`, and saves it under
 * `name` through a temporary link. Throws ApiError for a non-2xx answer.
 */
export async function download(path, name) {
  const bearer = sessionStorage.getItem(TOKEN);
  const response = await fetch(path, {
    credentials: 'same-origin',
    headers: { 'x-forthright-csrf': '1', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
  });
  if (!response.ok) {
    const data = (response.headers.get('content-type') ?? '').includes('json') ? await response.json() : null;
    throw new ApiError(response.status, data);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Checks the token with the server and keeps it for this tab. Throws ApiError 401 for a bad token. */
export async function signIn(token) {
  const user = await api('/console/session', { token });
  sessionStorage.setItem(TOKEN, token);
  sessionStorage.setItem(USER, JSON.stringify(user));
  return user;
}

/**
 * After the OIDC provider sent the browser back: asks the server whose session the cookie holds.
 * Resolves to the user, or null when there is no session.
 */
export async function resumeSession() {
  try {
    const user = await api('/console/session', { token: '' });
    sessionStorage.setItem(USER, JSON.stringify(user));
    return user;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

/** Forgets the user here; a cookie session is also ended on the server (`/auth/sign-out`). */
export async function signOut() {
  const cookieSession = sessionStorage.getItem(USER) !== null && sessionStorage.getItem(TOKEN) === null;
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(USER);
  if (cookieSession) await api('/auth/sign-out', { method: 'POST', token: '' }).catch(() => undefined);
}

/** Remembers where a signed-out visitor was going, for after the sign-in. */
export function rememberReturnPath(path) {
  sessionStorage.setItem(AFTER, path);
}

/** Where to go after signing in (once: it is forgotten), or `fallback`; never back to the sign-in page. */
export function takeReturnPath(fallback) {
  const after = sessionStorage.getItem(AFTER);
  sessionStorage.removeItem(AFTER);
  return after && after !== '/sign-in' ? after : fallback;
}

/** The signed-in user as last confirmed by the server, or null. */
export function currentUser() {
  try {
    return JSON.parse(sessionStorage.getItem(USER) ?? 'null');
  } catch {
    return null;
  }
}

/** Asks the server again who the token belongs to (a role may have changed since sign-in). */
export async function refreshUser() {
  const user = await api('/console/session');
  sessionStorage.setItem(USER, JSON.stringify(user));
  return user;
}

/**
 * What each role may do: the same rules as the API's role checks (api/routes/*.ts), used only to
 * decide what to show. The server refuses anything else whatever the page shows.
 */
export const can = {
  openIncident: (user) => ['officer', 'compliance', 'admin'].includes(user.role),
  readNotices: (user) => ['officer', 'compliance', 'admin'].includes(user.role),
  decide: (user) => user.role === 'compliance',
  reviseNotice: (user) => ['officer', 'compliance'].includes(user.role),
  listAffected: (user) => ['officer', 'compliance', 'admin'].includes(user.role),
  lookUpCustomers: (user) => ['support', 'compliance', 'admin'].includes(user.role),
  readStandardNotice: (user) => ['compliance', 'admin'].includes(user.role),
  preapprove: (user) => user.role === 'compliance',
  // Filings, delay reasons, holds and re-assessments. The API also lets officers record delays and
  // holds; the console leaves them to compliance, who answer to the regulators for them.
  actOnObligations: (user) => user.role === 'compliance',
  manageUsers: (user) => user.role === 'admin',
  exportDossier: (user) => ['compliance', 'admin'].includes(user.role),
  listLetters: (user) => ['officer', 'compliance', 'admin'].includes(user.role),
  // The files hold names and addresses; the mail house's answers are recorded by the same people.
  handleLetters: (user) => ['officer', 'compliance'].includes(user.role),
};

/** A request's answer, or `missing` when the server answered 404 (nothing there yet); other errors pass. */
export function ifFound(request, missing = null) {
  return request.catch((err) =>
    err instanceof ApiError && err.status === 404 ? missing : Promise.reject(err),
  );
}

/** `/console/sign-in.json`: how people sign in here (the OIDC button, the token form, or both). */
export function signInMethods() {
  return api('/console/sign-in.json', { token: '' }).catch(() => ({ oidcProvider: null, token: true }));
}

let configPromise;
/** `/console/config.json`, fetched once. */
export function consoleConfig() {
  configPromise ??= api('/console/config.json').catch(() => ({ mailCatcherUrl: null }));
  return configPromise;
}

/** A random key for Idempotency-Key: a double-submitted form opens one incident. */
export function randomKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}
