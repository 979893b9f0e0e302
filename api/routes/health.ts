import type { FastifyPluginAsync } from 'fastify';
import { temporalReachable } from '../temporal-client';
import type { AppDeps } from '../types';

/** 200 only when both PostgreSQL and Temporal answer: what a load balancer and the launcher wait for. */
export const healthRoutes: FastifyPluginAsync<AppDeps> = async (app, { pool, temporal }) => {
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    const [database, workflows] = await Promise.all([
      pool.query('SELECT 1').then(
        () => 'ok',
        () => 'unreachable',
      ),
      temporalReachable(temporal).then((up) => (up ? 'ok' : 'unreachable')),
    ]);
    const healthy = database === 'ok' && workflows === 'ok';
    return reply
      .code(healthy ? 200 : 503)
      .send({ status: healthy ? 'ok' : 'unavailable', database, temporal: workflows });
  });
};
