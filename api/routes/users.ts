import { z } from 'zod';
import * as users from '../../core/db/users';
import {
  deactivateUser,
  endUserSessions,
  inviteUser,
  issueUserToken,
  revokeUserToken,
} from '../../core/use-cases/users';
import type { App, AppDeps } from '../types';
import { STAFF, requireRole } from '../auth';
import { ErrorResponse, IdParams } from '../schemas/common';
import { CreateUserBody, InviteUserBody, Me, UserList, UserWithToken, InvitedUser } from '../schemas/users';

/**
 * Staff accounts, managed by admins. People are invited and sign in through the OIDC provider
 * (api/routes/sign-in.ts); an admin can end their sessions or deactivate them, never obtain a
 * credential that acts as them. Service accounts (scripts, integrations) get an expiring bearer
 * token here, shown once; creating one with an existing service email rotates its token, and the
 * email of a person is refused (409). Deactivating a user ends their token and sessions at once.
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
        summary:
          'Create a service account (or rotate its token); the token is shown once and expires. A person is refused (409): people are invited',
        body: CreateUserBody,
        response: { 201: UserWithToken, 400: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await issueUserToken(deps, request.user!, {
          ...request.body,
          expiresInMs: deps.config.auth.serviceTokenMs,
        }),
      ),
  );

  app.post(
    '/api/users/invitations',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'Invite a person: they sign in through the OIDC provider, which decides their role',
        body: InviteUserBody,
        response: { 201: InvitedUser, 400: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => reply.code(201).send(await inviteUser(deps, request.user!, request.body)),
  );

  app.post(
    '/api/users/:id/sign-out',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary:
          'End every session of a user: they must sign in again (a reset; nobody obtains their credential)',
        params: IdParams,
        response: { 200: z.object({ ended: z.number() }), 404: ErrorResponse },
      },
    },
    async (request) => endUserSessions(deps, request.user!, { userId: request.params.id }),
  );

  app.delete(
    '/api/users/:id/token',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: "Revoke a service account's token at once",
        params: IdParams,
        response: { 204: z.null(), 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await revokeUserToken(deps, request.user!, { userId: request.params.id });
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/users/:id',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'Deactivate a user: their token and sessions stop working',
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
