import { randomBytes } from 'node:crypto';
import * as audit from '../db/audit';
import { inTransaction } from '../db/pool';
import * as sessions from '../db/sessions';
import * as users from '../db/users';
import type { User } from '../db/users';
import { ROLES, type Role } from '../domain/model';
import { SignInRefusedError } from '../errors';
import { sha256Hex } from '../hash';
import type { UseCaseDeps } from './types';

/**
 * Staff sign-in: a person proved by the OIDC provider gets an account (made or refreshed from the
 * claims) and a session; a failed sign-in is counted per source and audited. The OIDC protocol
 * itself (state, nonce, PKCE, the token exchange) is api/oidc.ts's; this module sees only the
 * verified claims.
 */

/** The claims of a verified ID token (and the userinfo answer) that sign-in reads. */
export interface IdentityClaims {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
  [claim: string]: unknown;
}

export interface PersonSignIn {
  issuer: string;
  claims: IdentityClaims;
  /** Role → group, in order of precedence (OIDC_ROLE_GROUPS). */
  roleGroups: Partial<Record<Role, string>>;
  /** The claim that lists the person's groups (OIDC_GROUPS_CLAIM). */
  groupsClaim: string;
  /** The client's address, for the session and the audit. */
  source: string;
  sessionMaxMs: number;
}

/** The role the first matching group grants (in OIDC_ROLE_GROUPS' order), or null. */
export function roleFromGroups(groups: unknown, roleGroups: Partial<Record<Role, string>>): Role | null {
  const held = new Set(Array.isArray(groups) ? groups.filter((g) => typeof g === 'string') : []);
  for (const [role, group] of Object.entries(roleGroups)) {
    if (group !== undefined && held.has(group) && (ROLES as readonly string[]).includes(role))
      return role as Role;
  }
  return null;
}

/**
 * Signs a person in: their account by issuer and subject, else an invitation or earlier account
 * with their (verified) email, else a new one; name, email and role refreshed from the claims; a
 * new session. Refused with SignInRefusedError (the caller records it: `recordSignInFailure`) for
 * a deactivated account, no group that grants a role, or an email held by another identity.
 * Returns the session id for the cookie: shown once, stored only as a hash.
 */
export async function signInPerson(
  deps: UseCaseDeps,
  input: PersonSignIn,
): Promise<{ user: User; sessionId: string; expiresAt: Date }> {
  const { claims } = input;
  const identity = { issuer: input.issuer, subject: claims.sub };
  return inTransaction(deps.pool, async (tx) => {
    const role = roleFromGroups(claims[input.groupsClaim], input.roleGroups);
    if (!role) throw new SignInRefusedError('No group of yours grants a role in Forthright');
    const email = typeof claims.email === 'string' ? claims.email : null;
    const known = await users.findByIdentity(tx, identity);
    let id: string | null = known?.id ?? null;
    if (known && !known.active) throw new SignInRefusedError('Your account is deactivated');
    if (!known) {
      if (!email) throw new SignInRefusedError('The provider sent no email address');
      const holder = await users.findByEmail(tx, email);
      if (holder?.oidcSubject) throw new SignInRefusedError('This email belongs to another identity');
      if (holder && !holder.active) throw new SignInRefusedError('Your account is deactivated');
      if (holder && claims.email_verified !== true)
        throw new SignInRefusedError('The provider has not verified this email address');
      id = holder?.id ?? null;
    }
    const user = await users.upsertPerson(tx, {
      ...identity,
      id,
      email: email ?? known!.email,
      displayName:
        typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : (email ?? known!.email),
      role,
    });
    const sessionId = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + input.sessionMaxMs);
    await sessions.create(tx, {
      idHash: sha256Hex(sessionId),
      userId: user.id,
      expiresAt,
      source: input.source,
    });
    await audit.append(tx, {
      incidentId: null,
      actor: user.id,
      action: 'staff_signed_in',
      detail: { method: 'oidc', role, source: input.source, linked: known === null && id !== null },
    });
    return { user, sessionId, expiresAt };
  });
}

/**
 * Records a failed sign-in in the audit trail, and (`counts`) against its source for throttling:
 * guesses count (a token nobody holds, a refused OIDC sign-in); a known credential that stopped
 * working (expired, deactivated) is audited only, so a forgotten script cannot lock out its office.
 * Returns the source's counted failures within the window.
 */
export async function recordSignInFailure(
  deps: UseCaseDeps & { failureWindowMs: number },
  input: {
    source: string;
    method: 'token' | 'oidc' | 'session';
    reason: string;
    counts: boolean;
    userId?: string;
    subject?: string;
  },
): Promise<number> {
  return inTransaction(deps.pool, async (tx) => {
    const failures = input.counts ? await sessions.recordFailure(tx, input.source, deps.failureWindowMs) : 0;
    await audit.append(tx, {
      incidentId: null,
      actor: input.userId ?? 'anonymous',
      action: 'sign_in_failed',
      detail: {
        method: input.method,
        reason: input.reason,
        source: input.source,
        ...(input.subject === undefined ? {} : { subject: input.subject }),
      },
    });
    return failures;
  });
}

/** Records that a source was throttled (once per block, not per refused request). */
export async function recordSignInThrottled(
  deps: UseCaseDeps,
  input: { source: string; failures: number; untilMs: number },
): Promise<void> {
  await inTransaction(deps.pool, (tx) =>
    audit.append(tx, {
      incidentId: null,
      actor: 'anonymous',
      action: 'sign_in_throttled',
      detail: {
        source: input.source,
        failures: input.failures,
        until: new Date(input.untilMs).toISOString(),
      },
    }),
  );
}

/** Ends a session (sign-out), with its audit entry. */
export async function signOut(
  deps: UseCaseDeps,
  input: { sessionId: string; userId: string },
): Promise<void> {
  await inTransaction(deps.pool, async (tx) => {
    await sessions.end(tx, sha256Hex(input.sessionId));
    await audit.append(tx, { incidentId: null, actor: input.userId, action: 'staff_signed_out', detail: {} });
  });
}
