import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../core/config';
import type { Pool } from '../core/db/pool';
import { InventoryImportError } from '../core/db/inventory';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors';
import type { Logger } from '../core/logger';
import { TemplateCache } from '../core/mail/template-cache';
import { authenticate } from './auth';
import { customerPageRoutes } from './routes/customer-page';
import { CONSOLE_CSP_DIRECTIVES, consoleRoutes } from './routes/console';
import { healthRoutes } from './routes/health';
import { incidentRoutes } from './routes/incidents';
import { inventoryRoutes } from './routes/inventory';
import { userRoutes } from './routes/users';
import { obligationRoutes } from './routes/obligations';
import { supportRoutes } from './routes/support';

export interface AppDeps {
  config: Readonly<Config>;
  pool: Pool;
  temporal: Client;
  logger: Logger;
}

export type App = FastifyInstance<any, any, any, Logger, ZodTypeProvider>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Builds the HTTP application; api/main.ts only listens. Tests call `app.inject` on it. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({ loggerInstance: deps.logger, bodyLimit: 50 * 1024 * 1024 }).withTypeProvider<ZodTypeProvider>();
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
  app.addHook('onRequest', authenticate(deps.pool));
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
    const mapped = mapError(error);
    if (mapped) return reply.code(mapped.statusCode).send(mapped);
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ statusCode: error.statusCode, error: error.name, message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'Something went wrong on our side' });
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Forthright API', version: '0.1.0', description: 'Breach-notification workflows' },
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
  await app.register(obligationRoutes, { ...deps, templates });
  await app.register(customerPageRoutes, { ...deps, templates });
  await app.register(supportRoutes, { ...deps, templates });
  await app.register(consoleRoutes, deps);
  return app;
}

function fieldPath(instancePath: string, params: unknown): string {
  const path = instancePath.replace(/^\//, '').replaceAll('/', '.');
  const missing = (params as { issue?: { path?: (string | number)[] } } | undefined)?.issue?.path;
  return path || missing?.join('.') || '(body)';
}

/** Typed domain errors to HTTP answers: 4xx say what is wrong, 5xx say nothing of internals. */
function mapError(error: unknown) {
  if (error instanceof ValidationError) {
    return { statusCode: 400, error: 'Bad Request', message: `${error.field}: ${error.message}`, field: error.field };
  }
  if (error instanceof InventoryImportError) {
    return {
      statusCode: 400,
      error: 'Bad Request',
      message: error.message,
      field: error.field,
      issues: error.problems.map((p) => ({ field: `[${p.row - 1}]${p.field ? `.${p.field}` : ''}`, message: p.message })),
    };
  }
  if (error instanceof NotFoundError) return { statusCode: 404, error: 'Not Found', message: error.message };
  if (error instanceof ForbiddenError) return { statusCode: 403, error: 'Forbidden', message: error.message };
  if (error instanceof ConflictError) return { statusCode: 409, error: 'Conflict', message: error.message };
  return null;
}
