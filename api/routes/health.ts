import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { VERSION } from '../../core/version';
import { temporalReachable } from '../temporal-client';
import type { AppDeps } from '../types';

/** What readiness found: each dependency `ok` or `unreachable`, and the version answering. */
export const Readiness = z.object({
  status: z.enum(['ok', 'unavailable']),
  database: z.enum(['ok', 'unreachable']),
  temporal: z.enum(['ok', 'unreachable']),
  version: z.string(),
});

/** The running release (core/version.ts): what the console's footer shows. */
export const VersionInfo = z.object({ version: z.string() });

/**
 * Liveness and readiness, kept apart as an orchestrator needs them:
 * - `/livez` is 200 while the process can answer at all. It looks at nothing else, so a database
 *   or Temporal outage never gets a healthy replica restarted (a restart cannot cure either).
 * - `/readyz` is 200 only when PostgreSQL and Temporal both answer: a load balancer sends traffic
 *   to ready replicas only, and the launcher waits for it. `/healthz`, the older name, is the same.
 * While the API closes (SIGTERM), Fastify answers 503 to both, so traffic drains to other replicas.
 */
export const healthRoutes: FastifyPluginAsync<AppDeps> = async (app, { pool, temporal }) => {
  app.get('/livez', { schema: { hide: true } }, async () => ({ status: 'ok' as const }));

  const readiness = async (): Promise<z.infer<typeof Readiness>> => {
    const [database, workflows] = await Promise.all([
      pool.query('SELECT 1').then(
        () => 'ok' as const,
        () => 'unreachable' as const,
      ),
      temporalReachable(temporal).then((up) => (up ? ('ok' as const) : ('unreachable' as const))),
    ]);
    const ready = database === 'ok' && workflows === 'ok';
    return { status: ready ? 'ok' : 'unavailable', database, temporal: workflows, version: VERSION };
  };
  for (const url of ['/readyz', '/healthz']) {
    app.get(
      url,
      { schema: { hide: true, response: { 200: Readiness, 503: Readiness } } },
      async (_r, reply) => {
        const found = await readiness();
        return reply.code(found.status === 'ok' ? 200 : 503).send(found);
      },
    );
  }

  app.get(
    '/api/version',
    {
      schema: {
        summary: 'The running version of Forthright (no sign-in needed)',
        tags: ['health'],
        security: [],
        response: { 200: VersionInfo },
      },
    },
    async () => ({ version: VERSION }),
  );
};
