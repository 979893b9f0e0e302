import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import type { FastifyError } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requestLoggerFactory } from '../core/logger';
import { TemplateCache } from '../core/mail/template-cache';
import { VERSION } from '../core/version';
import { authenticate, SignInGuard } from './auth';
import { httpErrorOf } from './http-errors';
import { customerPageRoutes } from './routes/customer-page';
import { CONSOLE_CSP_DIRECTIVES, consoleRoutes } from './routes/console';
import { healthRoutes } from './routes/health';
import { incidentRoutes } from './routes/incidents';
import { inventoryRoutes } from './routes/inventory';
import { userRoutes } from './routes/users';
import { signInRoutes } from './routes/sign-in';
import { obligationRoutes } from './routes/obligations';
import { supportRoutes } from './routes/support';
import { recipientRoutes } from './routes/recipients';
import { bounceRoutes } from './routes/bounces';
import { dossierRoutes } from './routes/dossier';
import { letterRoutes } from './routes/letters';
import { substituteNoticeRoutes } from './routes/substitute-notice';
import { determinationRoutes } from './routes/determinations';
import { filingRoutes } from './routes/filings';
import { packetRoutes } from './routes/packets';
import { remediationCodeRoutes } from './routes/remediation-codes';
import { mailingRoutes } from './routes/mailings';
import { countRequest, metricsRoutes } from './routes/metrics';
import { priorFilingRoutes } from './routes/prior-filings';
import { retentionRoutes } from './routes/retention';
import { amendmentRoutes } from './routes/amendments';
import { restoreRoutes } from './routes/restores';
import type { App, AppDeps } from './types';

// Tests and main.ts name these with the app; they are defined apart from it (see types.ts).
export type { App, AppDeps } from './types';

/** Builds the HTTP application; api/main.ts only listens. Tests call `app.inject` on it. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Each request's lines carry the incident (and its workflow) a `/api/incidents/:id/…` URL names.
    childLoggerFactory: requestLoggerFactory,
    // Small by default; the inventory imports set their own (api/routes/inventory.ts). Role checks
    // run on `onRequest` (api/auth.ts), so no body is read for a caller who may not send it.
    bodyLimit: deps.config.http.bodyLimitBytes,
    // Behind a proxy, request.ip (what the customer page's miss limits count by) is the client's.
    trustProxy: trustProxyOption(deps.config.http.trustProxy),
  }).withTypeProvider<ZodTypeProvider>();
  const routes: RouteEntry[] = [];
  ROUTES.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url });
    }
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('user', null);
  // Security headers on every answer, helmet's defaults (nosniff, no referrer, HSTS …) with framing
  // denied outright. The console's CSP is the app-wide one (the API answers JSON, and /docs runs
  // under it too); the customer page replaces it with a stricter one per page (its style hashes).
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP_DIRECTIVES },
    frameguard: { action: 'deny' },
  });
  app.decorateRequest('sessionId', null);
  // Bearer tokens and session cookies (api/auth.ts); the guard throttles sources that keep failing.
  const signInGuard = new SignInGuard(deps);
  app.addHook('onRequest', authenticate(deps, signInGuard));
  // Request rate and latency per route pattern (api/routes/metrics.ts, served at /metrics).
  app.addHook('onResponse', countRequest);
  // CSV imports arrive as text; the routes parse them.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({
        field: fieldPath(v.instancePath, v.params),
        message: v.message ?? 'is invalid',
      }));
      return reply.code(400).send({
        statusCode: 400,
        error: 'Bad Request',
        message: issues.map((i) => `${i.field}: ${i.message}`).join('; '),
        field: issues[0]?.field,
        issues,
      });
    }
    // Domain errors: through the one table (api/http-errors.ts).
    const mapped = httpErrorOf(error);
    if (mapped) return reply.code(mapped.statusCode).send(mapped);
    // Fastify's own request errors (unsupported media type, body too large, bad JSON) carry a 4xx.
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .send({ statusCode: error.statusCode, error: error.name, message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .code(500)
      .send({ statusCode: 500, error: 'Internal Server Error', message: 'Something went wrong on our side' });
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Forthright API', version: VERSION, description: 'Breach-notification workflows' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const templates = new TemplateCache(deps.pool);
  await app.register(healthRoutes, deps);
  await app.register(incidentRoutes, { ...deps, templates });
  await app.register(inventoryRoutes, deps);
  await app.register(userRoutes, deps);
  await app.register(signInRoutes, { ...deps, signInGuard });
  await app.register(obligationRoutes, { ...deps, templates });
  await app.register(customerPageRoutes, { ...deps, templates });
  await app.register(supportRoutes, { ...deps, templates });
  await app.register(recipientRoutes, deps);
  await app.register(bounceRoutes, deps);
  await app.register(dossierRoutes, deps);
  await app.register(letterRoutes, deps);
  await app.register(substituteNoticeRoutes, { ...deps, templates });
  await app.register(determinationRoutes, { ...deps, templates });
  await app.register(filingRoutes, deps);
  await app.register(packetRoutes, { ...deps, templates });
  await app.register(priorFilingRoutes, deps);
  await app.register(retentionRoutes, deps);
  await app.register(amendmentRoutes, { ...deps, templates });
  await app.register(remediationCodeRoutes, deps);
  await app.register(mailingRoutes, { ...deps, templates });
  await app.register(restoreRoutes, deps);
  await app.register(consoleRoutes, deps);
  await app.register(metricsRoutes, deps);
  return app;
}

/** TRUST_PROXY as Fastify takes it (its types have no hop count, so that one is a function). */
function trustProxyOption(trust: boolean | number | string[]) {
  return typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust;
}

/** A route the app answers: what the authorization matrix test enumerates. */
export interface RouteEntry {
  method: string;
  url: string;
}

const ROUTES = new WeakMap<App, RouteEntry[]>();

/** Every route of an app built by `buildApp`, in registration order (HEAD twins left out). */
export function routesOf(app: App): readonly RouteEntry[] {
  return ROUTES.get(app) ?? [];
}

function fieldPath(instancePath: string, params: unknown): string {
  const path = instancePath.replace(/^\//, '').replaceAll('/', '.');
  const missing = (params as { issue?: { path?: (string | number)[] } } | undefined)?.issue?.path;
  return path || missing?.join('.') || '(body)';
}
