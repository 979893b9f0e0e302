import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../core/config';
import type { Pool } from '../core/db/pool';
import * as sessions from '../core/db/sessions';
import * as users from '../core/db/users';
import type { User } from '../core/db/users';
import { ROLES, type Role } from '../core/domain/model';
import { sha256Hex } from '../core/hash';
import { recordSignInFailure, recordSignInThrottled } from '../core/use-cases/sign-in';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route checks a bearer token of its own (METRICS_TOKEN for /metrics), never a staff token. */
    ownBearerToken?: boolean;
  }
  interface FastifyRequest {
    user: User | null;
    /** The session cookie's value when the user came by session (sign-out ends it). */
    sessionId: string | null;
  }
}

/**
 * Who is calling. Two credentials, never both on one request:
 * - `Authorization: Bearer <token>`: a service account's API token (hashed, expiring, revocable).
 * - the `forthright_session` cookie: a person signed in through OIDC (api/routes/sign-in.ts). The
 *   cookie is HttpOnly and SameSite=Strict; a state-changing request must also carry the
 *   `X-Forthright-CSRF` header (which a cross-site form cannot send, and a cross-site script cannot
 *   add without a CORS preflight the API never grants) and, if it has an Origin, our own.
 * Failed sign-ins are logged and audited; a source that keeps guessing is answered 429.
 */
export const SESSION_COOKIE = 'forthright_session';
export const CSRF_HEADER = 'x-forthright-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthDeps {
  pool: Pool;
  config: Readonly<Config>;
}

/**
 * Counts failed sign-ins per source (in the database, shared by every API process) and blocks a
 * source that reaches SIGN_IN_FAILURE_LIMIT within the window. The block itself is held in this
 * process: each process blocks at its own next failure, after which the shared count says so.
 */
export class SignInGuard {
  private readonly blocked = new Map<string, number>();

  constructor(private readonly deps: AuthDeps) {}

  /** When the source may try again (epoch ms), or null if it may now. */
  blockedUntil(source: string): number | null {
    const until = this.blocked.get(source);
    if (until === undefined) return null;
    if (until > Date.now()) return until;
    this.blocked.delete(source);
    return null;
  }

  /** Records a failure (audited; counted when it is a guess) and blocks the source at the limit. */
  async failed(
    request: FastifyRequest,
    failure: { method: 'token' | 'oidc'; reason: string; counts: boolean; userId?: string; subject?: string },
  ): Promise<void> {
    const { auth } = this.deps.config;
    request.log.warn(
      { source: request.ip, method: failure.method, reason: failure.reason },
      'sign-in failed',
    );
    const failures = await recordSignInFailure(
      { pool: this.deps.pool, failureWindowMs: auth.failureWindowMs },
      { source: request.ip, ...failure },
    );
    if (failures >= auth.failureLimit) await this.block(request, failures);
  }

  /** Blocks the source for a window (audited once per block) once its failures reach the limit. */
  private async block(request: FastifyRequest, failures: number): Promise<void> {
    if (this.blockedUntil(request.ip) !== null) return;
    const until = Date.now() + this.deps.config.auth.failureWindowMs;
    this.blocked.set(request.ip, until);
    request.log.warn({ source: request.ip, failures }, 'sign-in throttled');
    await recordSignInThrottled({ pool: this.deps.pool }, { source: request.ip, failures, untilMs: until });
  }

  /** Answers 429 if the source is blocked; returns whether it did. */
  refuseIfBlocked(request: FastifyRequest, reply: FastifyReply): boolean {
    const until = this.blockedUntil(request.ip);
    if (until === null) return false;
    void reply
      .code(429)
      .header('retry-after', String(Math.ceil((until - Date.now()) / 1000)))
      .send({
        statusCode: 429,
        error: 'Too Many Requests',
        message: 'Too many failed sign-ins; try again later',
      });
    return true;
  }
}

/** The onRequest hook that attaches `request.user` (or null) from a bearer token or the session cookie. */
export function authenticate(deps: AuthDeps, guard: SignInGuard) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    request.user = null;
    request.sessionId = null;
    if (request.routeOptions.config.ownBearerToken) return;
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (token) {
      if (guard.refuseIfBlocked(request, reply)) return reply;
      const found = await users.lookUpToken(deps.pool, token);
      if (found?.state === 'valid') {
        request.user = found.user;
        return;
      }
      // Expired or deactivated: audited, not counted (not a guess). Unknown: a guess.
      await guard.failed(request, {
        method: 'token',
        reason: found ? `token ${found.state}` : 'unknown token',
        counts: !found,
        userId: found?.user.id,
      });
      return guard.refuseIfBlocked(request, reply) ? reply : undefined;
    }
    const sessionId = cookie(request, SESSION_COOKIE);
    if (!sessionId) return;
    const user = await sessions.use(deps.pool, sha256Hex(sessionId), deps.config.auth.sessionIdleMs);
    if (!user) return; // ended, idle too long or past its absolute expiry: 401 where a role is needed
    if (!SAFE_METHODS.has(request.method) && !sameOriginRequest(request, deps.config)) {
      return reply.code(403).send({
        statusCode: 403,
        error: 'Forbidden',
        message: `A state-changing request with the session cookie needs the ${CSRF_HEADER} header and our own Origin`,
      });
    }
    request.user = user;
    request.sessionId = sessionId;
  };
}

/** CSRF defence for cookie-authenticated writes: our custom header, and no foreign Origin. */
function sameOriginRequest(request: FastifyRequest, config: Readonly<Config>): boolean {
  if (request.headers[CSRF_HEADER] !== '1') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const own = new Set([new URL(config.http.publicBaseUrl).origin, `${request.protocol}://${request.host}`]);
  return own.has(origin);
}

/** One cookie's value from the Cookie header (no cookie plugin needed for two cookies). */
export function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * A Set-Cookie value: HttpOnly always, Secure when the console is served over https, SameSite as
 * given (Strict for the session; Lax for the OIDC round trip, which returns by a cross-site redirect).
 */
export function setCookie(
  config: Readonly<Config>,
  name: string,
  value: string,
  options: { maxAgeSeconds: number; sameSite: 'Strict' | 'Lax'; path?: string },
): string {
  const secure = config.http.publicBaseUrl.startsWith('https:') ? '; Secure' : '';
  return `${name}=${encodeURIComponent(value)}; Path=${options.path ?? '/'}; Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}; HttpOnly; SameSite=${options.sameSite}${secure}`;
}

/**
 * A route's `onRequest` hook allowing only the given roles: 401 without a valid token, 403 with the
 * wrong role. On `onRequest` (after `authenticate`), so the refusal comes before the body is read
 * or validated: a stranger can neither make the API parse a large body nor probe its schemas.
 */
export function requireRole(...roles: Role[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.user) {
      return reply.code(401).send({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Sign in first: a valid session or bearer token is required',
      });
    }
    if (!roles.includes(request.user.role)) {
      return reply.code(403).send({
        statusCode: 403,
        error: 'Forbidden',
        message: `This needs one of the roles: ${roles.join(', ')}`,
      });
    }
  };
}

/** Every staff role (core/domain/model.ts `ROLES`): for what any signed-in member of staff may do. */
export const STAFF: readonly Role[] = ROLES;
