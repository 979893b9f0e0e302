import { randomBytes } from 'node:crypto';
import * as audit from '../db/audit';
import { inTransaction } from '../db/pool';
import * as users from '../db/users';
import type { User } from '../db/users';
import type { Role } from '../domain/model';
import { ConflictError, NotFoundError } from '../errors';
import type { Actor, UseCaseDeps } from './types';

/**
 * Creates a staff user, or issues a new token for an existing email (how a lost token is
 * replaced), with its audit entry. The token is returned once and stored only as a hash.
 */
export async function issueUserToken(
  deps: UseCaseDeps,
  actor: Actor,
  input: { email: string; displayName: string; role: Role },
): Promise<{ user: User; token: string }> {
  const token = randomBytes(24).toString('base64url');
  return inTransaction(deps.pool, async (tx) => {
    const user = await users.upsertWithToken(tx, input, token);
    await audit.append(tx, {
      incidentId: null,
      actor: actor.id,
      action: 'user_token_issued',
      detail: { userId: user.id, role: user.role },
    });
    return { user, token };
  });
}

/**
 * Deactivates a user: their token stops working at once. Throws ConflictError for oneself and
 * NotFoundError when no active user has the id.
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
    await audit.append(tx, {
      incidentId: null,
      actor: actor.id,
      action: 'user_deactivated',
      detail: { userId: input.userId },
    });
  });
}
