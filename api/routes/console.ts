import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { z } from 'zod';
import { ROLES } from '../../core/domain/model';
import type { App, AppDeps } from '../types';
import { STAFF, requireRole } from '../auth';
import { ErrorResponse } from '../schemas/common';

const PUBLIC_DIR = fileURLToPath(new URL('../console/public/', import.meta.url));

/** What the console needs to know about the deployment; nothing secret, so no token is needed. */
export const ConsoleConfig = z.object({
  /** The mail catcher's web view in the default set-up; null when mail goes to a real relay. */
  mailCatcherUrl: z.string().nullable(),
});

/** How people sign in: the OIDC provider's name (null: no OIDC), and whether the token form shows. */
export const ConsoleSignIn = z.object({ oidcProvider: z.string().nullable(), token: z.boolean() });

/** Who the pasted token belongs to: the console shows only what this role may do. */
export const ConsoleSession = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
});

/**
 * Content-Security-Policy for the console (api/app.ts hands it to helmet). Scripts only from here.
 * Inline styles are allowed because a notice preview is shown in a `srcdoc` iframe, which inherits
 * this policy, and the emails carry their own inline styles; `sandbox=""` on that iframe keeps any
 * script in a notice from running and gives it an opaque origin.
 */
export const CONSOLE_CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameSrc: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  objectSrc: ["'none'"],
};

/**
 * The web console: static files (a small dependency-free single-page app) under `/console/`, plus
 * `config.json` and `session`. Every action it takes goes through the same `/api` routes as any
 * other client, so the server enforces roles whatever the page shows.
 */
export async function consoleRoutes(app: App, { config }: AppDeps) {
  app.get('/console', { schema: { hide: true } }, async (_request, reply) =>
    reply.redirect('/console/', 301),
  );

  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/console/',
    decorateReply: false,
    index: ['index.html'],
    // Small files, changed by deploys: always revalidate (ETag) rather than risk a stale script.
    cacheControl: true,
    maxAge: 0,
    schemaHide: true,
  });

  app.get('/console/config.json', { schema: { hide: true, response: { 200: ConsoleConfig } } }, async () => ({
    mailCatcherUrl: config.mail.catcherWebUrl ?? null,
  }));

  app.get(
    '/console/sign-in.json',
    { schema: { hide: true, response: { 200: ConsoleSignIn } } },
    async () => ({
      oidcProvider: config.auth.oidc?.providerName ?? null,
      token: config.auth.consoleTokenSignIn,
    }),
  );

  app.get(
    '/console/session',
    {
      onRequest: requireRole(...STAFF),
      schema: {
        summary: 'The signed-in user (the console uses it to show what the role may do)',
        response: { 200: ConsoleSession, 401: ErrorResponse },
      },
    },
    async (request) => {
      const { id, email, displayName, role } = request.user!;
      return { id, email, displayName, role };
    },
  );
}
