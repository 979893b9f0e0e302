import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import * as sessions from '../../core/db/sessions';
import { sha256Hex } from '../../core/hash';
import { SignInRefusedError } from '../../core/errors';
import { signInPerson, signOut } from '../../core/use-cases/sign-in';
import type { App, AppDeps } from '../types';
import { SESSION_COOKIE, cookie, setCookie } from '../auth';
import type { SignInGuard } from '../auth';
import { OidcRelyingParty } from '../oidc';

/** The browser's handle on a sign-in under way (Lax: it must come back with the provider's redirect). */
const PENDING_COOKIE = 'forthright_oidc';
const PENDING_PATH = '/auth/oidc';
const PENDING_SECONDS = 600;
const CONSOLE = '/console/';

/**
 * Staff sign-in through the organisation's OpenID Connect provider (README "Staff sign-in"):
 * `/auth/oidc/login` sends the browser to the provider with state, nonce and a PKCE challenge;
 * `/auth/oidc/callback` verifies the answer, provisions the account (role from the group claim)
 * and sets the session cookie; `/auth/sign-out` ends the session. Without OIDC_ISSUER_URL the two
 * OIDC routes answer 404. A refused or failed sign-in goes back to the console's sign-in page with
 * an error code (never text from the request), is audited, and counts against its source.
 */
export async function signInRoutes(app: App, deps: AppDeps & { signInGuard: SignInGuard }) {
  const { config, pool, signInGuard } = deps;
  const oidc = config.auth.oidc;
  const party = oidc ? new OidcRelyingParty(oidc, `${config.http.publicBaseUrl}/auth/oidc/callback`) : null;
  const back = (error: string) => `${CONSOLE}?sign-in-error=${error}#/sign-in`;

  app.get('/auth/oidc/login', { schema: { hide: true } }, async (request, reply) => {
    if (!party)
      return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: 'OIDC sign-in is off' });
    if (signInGuard.refuseIfBlocked(request, reply)) return reply;
    const { url, checks } = await party.start();
    const pendingId = randomBytes(32).toString('base64url');
    await sessions.savePendingSignIn(
      pool,
      sha256Hex(pendingId),
      { ...checks, returnTo: CONSOLE },
      new Date(Date.now() + PENDING_SECONDS * 1000),
    );
    return reply
      .header(
        'set-cookie',
        setCookie(config, PENDING_COOKIE, pendingId, {
          maxAgeSeconds: PENDING_SECONDS,
          sameSite: 'Lax',
          path: PENDING_PATH,
        }),
      )
      .redirect(url.href, 303);
  });

  app.get(
    '/auth/oidc/callback',
    { schema: { hide: true, querystring: z.record(z.string(), z.string()) } },
    async (request, reply) => {
      if (!party)
        return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: 'OIDC sign-in is off' });
      if (signInGuard.refuseIfBlocked(request, reply)) return reply;
      const clearPending = setCookie(config, PENDING_COOKIE, '', {
        maxAgeSeconds: 0,
        sameSite: 'Lax',
        path: PENDING_PATH,
      });
      reply.header('set-cookie', clearPending);
      const pendingId = cookie(request, PENDING_COOKIE);
      const pending = pendingId ? await sessions.takePendingSignIn(pool, sha256Hex(pendingId)) : null;
      if (!pending) {
        // No sign-in of this browser's is under way (expired, replayed, or started elsewhere).
        await signInGuard.failed(request, { method: 'oidc', reason: 'no sign-in under way', counts: true });
        return reply.redirect(back('expired'), 303);
      }
      let identity;
      try {
        identity = await party.finish(new URL(request.url, config.http.publicBaseUrl), pending);
      } catch (err) {
        // The provider said no (the person cancelled), or the answer failed a check.
        const reason = `provider answer rejected: ${(err as Error).message}`.slice(0, 300);
        await signInGuard.failed(request, { method: 'oidc', reason, counts: true });
        return reply.redirect(back('failed'), 303);
      }
      try {
        const { sessionId } = await signInPerson(
          { pool },
          {
            issuer: identity.issuer,
            claims: identity.claims,
            roleGroups: oidc!.roleGroups,
            groupsClaim: oidc!.groupsClaim,
            source: request.ip,
            sessionMaxMs: config.auth.sessionMaxMs,
          },
        );
        const session = setCookie(config, SESSION_COOKIE, sessionId, {
          maxAgeSeconds: config.auth.sessionMaxMs / 1000,
          sameSite: 'Strict',
        });
        return reply.header('set-cookie', [clearPending, session]).redirect(pending.returnTo, 303);
      } catch (err) {
        if (!(err instanceof SignInRefusedError)) throw err;
        await signInGuard.failed(request, {
          method: 'oidc',
          reason: err.message,
          counts: true,
          subject: identity.claims.sub,
        });
        return reply.redirect(back('refused'), 303);
      }
    },
  );

  app.post(
    '/auth/sign-out',
    {
      schema: {
        summary:
          'Ends the session of the cookie it comes with (a bearer token is revoked by an admin instead)',
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      if (request.sessionId && request.user)
        await signOut({ pool }, { sessionId: request.sessionId, userId: request.user.id });
      return reply
        .header('set-cookie', setCookie(config, SESSION_COOKIE, '', { maxAgeSeconds: 0, sameSite: 'Strict' }))
        .code(204)
        .send(null);
    },
  );
}
