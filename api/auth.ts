import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from '../core/db/pool';
import * as users from '../core/db/users';
import type { User } from '../core/db/users';
import { ROLES, type Role } from '../core/domain/model';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
}

/** Reads `Authorization: Bearer <token>` and attaches the user, or null. */
export function authenticate(pool: Pool) {
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    request.user = token ? await users.findByToken(pool, token) : null;
  };
}

/** A preHandler allowing only the given roles: 401 without a valid token, 403 with the wrong role. */
export function requireRole(...roles: Role[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.user) {
      return reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'A valid bearer token is required' });
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
