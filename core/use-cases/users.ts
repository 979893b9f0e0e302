import { randomBytes } from 'node:crypto';
import * as audit from '../db/audit';
import { inTransaction, type Queryable } from '../db/pool';
import * as sessions from '../db/sessions';
import * as users from '../db/users';
import type { User } from '../db/users';
import type { Role } from '../domain/model';
import { ConflictError, NotFoundError } from '../errors';
import type { Actor, UseCaseDeps } from './types';

/**
 * What an admin may do to staff accounts: invite a person, end their sessions, deactivate them;
 * create a service account with a token, rotate or revoke it. Never obtain a credential that acts
 * as a person: people hold no tokens (they sign in through OIDC, core/use-cases/sign-in.ts), and
 * the database refuses a token on a person's row (migration 010).
 */

/** The audit entry of an admin's action on an account (no incident). */
const recordAdminAction = (
  tx: Queryable,
  actor: Actor,
  event: { action: string; detail: Record<string, unknown> },
) => audit.append(tx, { incidentId: null, actor: actor.id, ...event });

/**
 * Creates a service account (a script, an integration) or issues a new token for an existing one
 * (rotation), with its audit entry. The token is returned once, stored only as a hash, and expires
 * after `expiresInMs`. The email of a person is refused with ConflictError.
 */
export async function issueUserToken(
  deps: UseCaseDeps,
  actor: Actor,
  input: { email: string; displayName: string; role: Role; expiresInMs?: number },
): Promise<{ user: User; token: string; expiresAt: Date }> {
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + (input.expiresInMs ?? users.DEFAULT_TOKEN_MS));
  return inTransaction(deps.pool, async (tx) => {
    const user = await users.upsertWithToken(tx, input, token, expiresAt);
    await recordAdminAction(tx, actor, {
      action: 'user_token_issued',
      detail: {
        userId: user.id,
        role: user.role,
        expiresAt: expiresAt.toISOString(),
      },
    });
    return { user, token, expiresAt };
  });
}

/**
 * Invites a person: records them (no credential is made) so they may sign in through the OIDC
 * provider; their role then comes from the provider's groups. ConflictError when the email exists.
 */
export async function inviteUser(
  deps: UseCaseDeps,
  actor: Actor,
  input: { email: string; displayName: string; role: Role },
): Promise<User> {
  return inTransaction(deps.pool, async (tx) => {
    const user = await users.insertInvited(tx, input);
    if (!user) throw new ConflictError(`${input.email} already has an account`);
    await recordAdminAction(tx, actor, {
      action: 'user_invited',
      detail: { userId: user.id, role: user.role },
    });
    return user;
  });
}

/** Ends every session of a user: they must sign in again (after a lost laptop, a role change). */
export async function endUserSessions(
  deps: UseCaseDeps,
  actor: Actor,
  input: { userId: string },
): Promise<{ ended: number }> {
  return inTransaction(deps.pool, async (tx) => {
    if (!(await users.findById(tx, input.userId))) throw new NotFoundError(`No user ${input.userId}`);
    const ended = await sessions.endAllOf(tx, input.userId);
    await recordAdminAction(tx, actor, {
      action: 'user_sessions_ended',
      detail: { userId: input.userId, sessions: ended },
    });
    return { ended };
  });
}

/** Revokes a service account's token at once. NotFoundError when the user holds no token. */
export async function revokeUserToken(
  deps: UseCaseDeps,
  actor: Actor,
  input: { userId: string },
): Promise<void> {
  await inTransaction(deps.pool, async (tx) => {
    if (!(await users.revokeToken(tx, input.userId)))
      throw new NotFoundError(`User ${input.userId} holds no token`);
    await recordAdminAction(tx, actor, { action: 'user_token_revoked', detail: { userId: input.userId } });
  });
}

/**
 * Deactivates a user: their token and sessions stop working at once. Throws ConflictError for
 * oneself and NotFoundError when no active user has the id.
 */
export async function deactivateUser(
  deps: UseCaseDeps,
  actor: Actor,
  input: { userId: string },
): Promise<void> {
  if (input.userId === actor.id) throw new ConflictError('You cannot deactivate yourself');
  await inTransaction(deps.pool, async (tx) => {
    if (!(await users.deactivate(tx, input.userId)))
      throw new NotFoundError(`No active user ${input.userId}`);
    const ended = await sessions.endAllOf(tx, input.userId);
    await recordAdminAction(tx, actor, {
      action: 'user_deactivated',
      detail: { userId: input.userId, sessions: ended },
    });
  });
}
