import { z } from 'zod';
import * as users from '../../core/db/users';
import { deactivateUser, issueUserToken } from '../../core/use-cases/users';
import type { App, AppDeps } from '../types';
import { STAFF, requireRole } from '../auth';
import { ErrorResponse, IdParams } from '../schemas/common';
import { CreateUserBody, Me, UserList, UserWithToken } from '../schemas/users';

/**
 * Staff accounts, managed by admins. A user signs in with a bearer token issued here (or by the
 * launcher for the demo users); creating a user with an existing email issues a new token, which
 * is how a lost token is replaced. Deactivating a user revokes their token at once.
 */
export async function userRoutes(app: App, deps: AppDeps) {
  const { pool } = deps;
  app.get(
    '/api/me',
    {
      onRequest: requireRole(...STAFF),
      schema: { summary: 'Who the token belongs to', response: { 200: Me } },
    },
    async (request) => request.user!,
  );

  app.get(
    '/api/users',
    { onRequest: requireRole('admin'), schema: { response: { 200: UserList } } },
    async () => ({ items: await users.listWithStatus(pool) }),
  );

  app.post(
    '/api/users',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'Create a staff user (or issue a new token for an existing email); the token is shown once',
        body: CreateUserBody,
        response: { 201: UserWithToken, 400: ErrorResponse },
      },
    },
    async (request, reply) => reply.code(201).send(await issueUserToken(deps, request.user!, request.body)),
  );

  app.delete(
    '/api/users/:id',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'Deactivate a user: their token stops working',
        params: IdParams,
        response: { 204: z.null(), 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      await deactivateUser(deps, request.user!, { userId: request.params.id });
      return reply.code(204).send(null);
    },
  );
}
