import { createServer } from 'node:net';
import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app';
import { SignInRefusedError } from '../../core/errors';
import { signInPerson } from '../../core/use-cases/sign-in';
import type { IdentityClaims } from '../../core/use-cases/sign-in';
import { startApiOnly } from '../helpers/app';
import { browserAvailable, launchBrowser, screenshot } from '../helpers/browser';
import { createTestDatabase } from '../helpers/db';
import type { TestDatabase } from '../helpers/db';
import { newUser } from '../helpers/factories';
import { bearer } from '../helpers/system';

/**
 * Staff identity (issue 13 #8) against a real OpenID Connect provider: `oidc-provider`, the
 * certified provider library, started here on a loopback port with one client (Forthright) and a
 * few people whose `groups` claim decides their role. The console signs in through it in real
 * Chromium. The attacks: an expired session, a deactivated user's token, a brute force of tokens
 * (429, audited), a person refused for having no role, and an admin trying to obtain someone
 * else's credential.
 */

const CLIENT_ID = 'forthright-console';
const CLIENT_SECRET = 'test-client-secret-0123456789';
const FAILURE_LIMIT = 5;

/** The provider's people: their login name is their subject. */
const PEOPLE: Record<string, { email: string; name: string; groups: string[] }> = {
  carla: {
    email: 'carla@staff.example.com',
    name: 'Carla Compliance',
    groups: ['everyone', 'grp-compliance'],
  },
  omar: { email: 'omar@staff.example.com', name: 'Omar Officer', groups: ['everyone', 'grp-officers'] },
  nora: { email: 'nora@staff.example.com', name: 'Nora Nobody', groups: ['everyone'] },
  ada: { email: 'ada@staff.example.com', name: 'Ada Admin', groups: ['grp-admins', 'grp-compliance'] },
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A real OIDC provider on loopback, with devInteractions' login form (any password) and no consent screen. */
async function startProvider(issuer: string, redirectUri: string): Promise<Server> {
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    pkce: { required: () => true },
    cookies: { keys: ['staff-identity-test-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx: KoaContextWithOIDC, id: string) => {
      const person = PEOPLE[id];
      if (!person) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          email: person.email,
          email_verified: true,
          name: person.name,
          groups: person.groups,
        }),
      };
    },
    // Forthright is the organisation's own application: no consent screen (the provider's recipe).
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
  });
  const port = Number(new URL(issuer).port);
  const server = provider.listen(port, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return server;
}

describe('staff identity (OIDC sign-in, sessions, service tokens, throttling)', () => {
  let db: TestDatabase;
  let api: Awaited<ReturnType<typeof startApiOnly>>;
  let app: App;
  let base: string;
  let providerServer: Server;
  let admin: string;

  const asAdmin = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: bearer(admin), ...(payload ? { payload } : {}) });
  /** A sign-in as the callback makes it, with claims the provider vouched for (no browser needed). */
  const signInDirectly = (claims: IdentityClaims) =>
    signInPerson(
      { pool: db.pool },
      {
        issuer: 'https://idp.test.example',
        claims,
        roleGroups: { compliance: 'grp-compliance', officer: 'grp-officers' },
        groupsClaim: 'groups',
        source: '192.0.2.1',
        sessionMaxMs: 3_600_000,
      },
    );
  const audit = async (action: string) =>
    (
      await db.pool.query<{ actor: string; detail: Record<string, unknown> }>(
        `SELECT actor, detail FROM audit_events WHERE action = $1 ORDER BY id`,
        [action],
      )
    ).rows;
  const userByEmail = async (email: string) =>
    (
      await db.pool.query<{
        id: string;
        role: string;
        kind: string;
        token_hash: string | null;
        active: boolean;
      }>(`SELECT id, role, kind, token_hash, active FROM users WHERE email = $1`, [email])
    ).rows[0];

  beforeAll(async () => {
    const [apiPort, providerPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${apiPort}`;
    const issuer = `http://127.0.0.1:${providerPort}`;
    providerServer = await startProvider(issuer, `${base}/auth/oidc/callback`);
    db = await createTestDatabase();
    api = await startApiOnly(db, {
      PUBLIC_BASE_URL: base,
      OIDC_ISSUER_URL: issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_ROLE_GROUPS: 'admin=grp-admins,compliance=grp-compliance,officer=grp-officers',
      OIDC_SCOPES: 'openid email profile groups',
      OIDC_PROVIDER_NAME: 'Example Identity',
      SIGN_IN_FAILURE_LIMIT: String(FAILURE_LIMIT),
    });
    app = api.app;
    await app.listen({ port: apiPort, host: '127.0.0.1' });
    admin = (await newUser(db.pool, { role: 'admin', email: 'admin-service@staff.example.com' })).token;
  });

  afterAll(async () => {
    await api?.close();
    await new Promise((resolve) => (providerServer ? providerServer.close(resolve) : resolve(undefined)));
    await db?.drop();
  });

  describe.skipIf(!browserAvailable())('in the console (Chromium)', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
    });

    /** A fresh browser, through the console's sign-in button and the provider's login form. */
    async function signInThroughProvider(login: string): Promise<Page> {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('pageerror', (err) => console.error(`browser error: ${err.message}`));
      await page.goto(`${base}/console/`);
      await page.getByRole('link', { name: 'Sign in with Example Identity' }).click();
      await page.waitForURL((url) => !url.href.startsWith(base));
      await page.locator('input[name="login"]').fill(login);
      await page.locator('input[name="password"]').fill('any password');
      await page.locator('button[type="submit"]').click();
      await page.waitForURL((url) => url.href.startsWith(`${base}/console/`));
      return page;
    }

    it('signs a person in through the provider, with the role from the group claim', async () => {
      const page = await signInThroughProvider('carla');
      await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();
      const who = page.locator('#whoami');
      await expect.poll(() => who.textContent()).toContain('Carla Compliance');
      expect(await who.locator('.role').textContent()).toBe('Compliance');
      // What only compliance sees.
      await page.getByRole('link', { name: 'Approval queue' }).waitFor();
      await screenshot(page, 'staff-identity-signed-in');

      // No token form beside OIDC (only service and development tokens use it), and no token anywhere.
      const carla = await userByEmail('carla@staff.example.com');
      expect(carla).toMatchObject({ role: 'compliance', kind: 'person', token_hash: null, active: true });
      const [cookie] = (await page.context().cookies()).filter((c) => c.name === 'forthright_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      expect(await page.evaluate('JSON.stringify(sessionStorage)')).not.toContain(cookie!.value);
      expect(await audit('staff_signed_in')).toEqual([
        expect.objectContaining({
          actor: carla!.id,
          detail: expect.objectContaining({ role: 'compliance' }),
        }),
      ]);

      // Signing out ends the session on the server.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      const after = await fetch(`${base}/api/me`, {
        headers: { cookie: `forthright_session=${cookie!.value}` },
      });
      expect(after.status).toBe(401);
      await page.context().close();
    });

    it('refuses a person none of whose groups grants a role, and audits it', async () => {
      const page = await signInThroughProvider('nora');
      await page.getByText('Your sign-in was refused').waitFor();
      expect(page.url()).toContain('sign-in-error=refused');
      expect(await userByEmail('nora@staff.example.com')).toBeUndefined();
      expect(await audit('sign_in_failed')).toContainEqual(
        expect.objectContaining({
          actor: 'anonymous',
          detail: expect.objectContaining({ method: 'oidc', subject: 'nora' }),
        }),
      );
      await page.context().close();
    });

    it('refuses a deactivated person at the provider’s door, and ends their sessions', async () => {
      const page = await signInThroughProvider('omar');
      await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();
      expect(await page.locator('#whoami .role').textContent()).toBe('Security officer');
      const omar = await userByEmail('omar@staff.example.com');
      const removed = await asAdmin('DELETE', `/api/users/${omar!.id}`);
      expect(removed.statusCode).toBe(204);
      // The open console loses its session at the next request.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      await page.context().close();
      const again = await signInThroughProvider('omar');
      await again.getByText('Your sign-in was refused').waitFor();
      await again.context().close();
    });

    it('lets an admin invite a person and sign someone out everywhere, showing no credential', async () => {
      const page = await signInThroughProvider('ada');
      expect(await page.locator('#whoami .role').textContent()).toBe('Administrator');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
      await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
      await page.getByRole('button', { name: 'Invite a person' }).click();
      await page.getByLabel('Invitee: email').fill('new.person@staff.example.com');
      await page.getByLabel('Invitee: name').fill('New Person');
      await page.getByLabel('Invitee: role').selectOption('officer');
      await page.getByRole('button', { name: 'Record the invitation' }).click();
      await page.getByText('new.person@staff.example.com is invited').waitFor();
      expect(await userByEmail('new.person@staff.example.com')).toMatchObject({
        kind: 'person',
        token_hash: null,
      });
      await page.getByRole('button', { name: 'Sign carla@staff.example.com out everywhere' }).click();
      await page.getByText('carla@staff.example.com must sign in again').waitFor();
      await screenshot(page, 'staff-identity-users');
      await page.context().close();
    });
  });

  describe('sessions', () => {
    const claims = (sub: string) => ({ sub, ...PEOPLE[sub], email_verified: true });
    const sessionFor = async (sub: string) =>
      (
        await signInDirectly({
          ...claims(sub),
          sub: `direct-${sub}`,
          email: `direct-${sub}@staff.example.com`,
        })
      ).sessionId;
    const me = (sessionId: string, extra: Record<string, string> = {}) =>
      app.inject({
        method: 'GET',
        url: '/api/me',
        headers: { cookie: `forthright_session=${sessionId}`, ...extra },
      });

    it('expires after the idle timeout and at the absolute expiry', async () => {
      const idle = await sessionFor('carla');
      expect((await me(idle)).json()).toMatchObject({ role: 'compliance' });
      await db.pool.query(`UPDATE staff_sessions SET last_seen_at = now() - interval '31 minutes'`);
      expect((await me(idle)).statusCode).toBe(401);

      const old = await sessionFor('carla');
      expect((await me(old)).statusCode).toBe(200);
      await db.pool.query(`UPDATE staff_sessions SET expires_at = now() - interval '1 second'`);
      expect((await me(old)).statusCode).toBe(401);
    });

    it('refuses a cookie-authenticated write without the CSRF header, or from another origin', async () => {
      const sessionId = await sessionFor('carla');
      const cookie = `forthright_session=${sessionId}`;
      const post = (headers: Record<string, string>) =>
        app.inject({ method: 'POST', url: '/auth/sign-out', headers: { cookie, ...headers } });
      expect((await post({})).statusCode).toBe(403);
      expect((await post({ 'x-forthright-csrf': '1', origin: 'https://evil.example' })).statusCode).toBe(403);
      expect((await me(sessionId)).statusCode).toBe(200);
      expect((await post({ 'x-forthright-csrf': '1', origin: base })).statusCode).toBe(204);
      expect((await me(sessionId)).statusCode).toBe(401);
    });

    it('links an invitation to the person’s first sign-in (verified email), with the role from the groups', async () => {
      const invited = await asAdmin('POST', '/api/users/invitations', {
        email: 'ivy@staff.example.com',
        displayName: 'Ivy',
        role: 'support',
      });
      expect(invited.statusCode, invited.body).toBe(201);
      expect(invited.json()).not.toHaveProperty('token');
      await signInDirectly({
        sub: 'ivy-sub',
        email: 'ivy@staff.example.com',
        email_verified: true,
        name: 'Ivy I.',
        groups: ['grp-officers'],
      });
      expect(await userByEmail('ivy@staff.example.com')).toMatchObject({
        id: invited.json().id,
        role: 'officer',
        kind: 'person',
      });
      // Another identity with the same email cannot take the account over.
      await expect(
        signInDirectly({
          sub: 'mallory',
          email: 'ivy@staff.example.com',
          email_verified: true,
          groups: ['grp-compliance'],
        }),
      ).rejects.toBeInstanceOf(SignInRefusedError);
    });
  });

  describe('service tokens', () => {
    it('refuses a deactivated user’s token and an expired one, auditing each', async () => {
      const created = await asAdmin('POST', '/api/users', {
        email: 'export-job@service.example.com',
        displayName: 'Nightly export',
        role: 'support',
      });
      expect(created.statusCode, created.body).toBe(201);
      const { user, token, expiresAt } = created.json();
      expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 80 * 86_400_000);
      expect(
        (await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).json(),
      ).toMatchObject({
        kind: 'service',
      });
      expect(
        (await app.inject({ method: 'DELETE', url: `/api/users/${user.id}`, headers: bearer(admin) }))
          .statusCode,
      ).toBe(204);
      expect((await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) })).statusCode).toBe(
        401,
      );
      expect(await audit('sign_in_failed')).toContainEqual(
        expect.objectContaining({
          actor: user.id,
          detail: expect.objectContaining({ reason: 'token deactivated' }),
        }),
      );

      const expiring = await newUser(db.pool, { role: 'officer', email: 'expiring@service.example.com' });
      await db.pool.query(`UPDATE users SET token_expires_at = now() - interval '1 second' WHERE id = $1`, [
        expiring.user.id,
      ]);
      expect(
        (await app.inject({ method: 'GET', url: '/api/me', headers: bearer(expiring.token) })).statusCode,
      ).toBe(401);

      const revoked = await newUser(db.pool, { role: 'officer', email: 'revoked@service.example.com' });
      expect((await asAdmin('DELETE', `/api/users/${revoked.user.id}/token`)).statusCode).toBe(204);
      expect(
        (await app.inject({ method: 'GET', url: '/api/me', headers: bearer(revoked.token) })).statusCode,
      ).toBe(401);
    });

    it('throttles a brute force of tokens from one source (429) and audits it', async () => {
      const from = (remoteAddress: string, token: string) =>
        app.inject({ method: 'GET', url: '/api/me', remoteAddress, headers: bearer(token) });
      const statuses = [];
      for (let i = 0; i < FAILURE_LIMIT + 3; i++)
        statuses.push((await from('203.0.113.9', `guess-${i}`)).statusCode);
      expect(statuses).toEqual([...Array.from({ length: FAILURE_LIMIT - 1 }, () => 401), 429, 429, 429, 429]);
      // Blocked is blocked: even a good token from there waits; another source is not affected.
      const blocked = await from('203.0.113.9', admin);
      expect(blocked.statusCode).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect((await from('198.51.100.7', admin)).statusCode).toBe(200);

      const failures = (await audit('sign_in_failed')).filter((e) => e.detail.source === '203.0.113.9');
      expect(failures).toHaveLength(FAILURE_LIMIT);
      expect(failures[0]!.detail).toMatchObject({ method: 'token', reason: 'unknown token' });
      expect(await audit('sign_in_throttled')).toEqual([
        expect.objectContaining({
          detail: expect.objectContaining({ source: '203.0.113.9', failures: FAILURE_LIMIT }),
        }),
      ]);
    });
  });

  describe('what an admin can do to a person', () => {
    it('invites, ends sessions and deactivates, but never obtains a credential that acts as them', async () => {
      const person = await signInDirectly({
        sub: 'paula',
        email: 'paula@staff.example.com',
        email_verified: true,
        groups: ['grp-compliance'],
      });
      // "Issue a token" for the person's email: refused, and nothing changed.
      const minted = await asAdmin('POST', '/api/users', {
        email: 'paula@staff.example.com',
        displayName: 'Paula',
        role: 'admin',
      });
      expect(minted.statusCode).toBe(409);
      expect(minted.json()).not.toHaveProperty('token');
      expect(await userByEmail('paula@staff.example.com')).toMatchObject({
        role: 'compliance',
        token_hash: null,
      });
      // Not even the database lets a person's row hold a token.
      await expect(
        db.pool.query(`UPDATE users SET token_hash = 'x' WHERE id = $1`, [person.user.id]),
      ).rejects.toThrow(/users_person_no_token_check/);
      // A reset ends the sessions and hands back no credential.
      const reset = await asAdmin('POST', `/api/users/${person.user.id}/sign-out`);
      expect(reset.statusCode).toBe(200);
      expect(reset.json()).toEqual({ ended: 1 });
      expect(
        (
          await app.inject({
            method: 'GET',
            url: '/api/me',
            headers: { cookie: `forthright_session=${person.sessionId}` },
          })
        ).statusCode,
      ).toBe(401);
      // Invitations make no credential either.
      const invited = await asAdmin('POST', '/api/users/invitations', {
        email: 'paula@staff.example.com',
        displayName: 'Paula',
        role: 'admin',
      });
      expect(invited.statusCode).toBe(409);
      expect((await audit('user_sessions_ended')).at(-1)?.detail).toMatchObject({ userId: person.user.id });
    });
  });
});
