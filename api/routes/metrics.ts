import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { verifyTrail } from '../../core/audit/verify-trail';
import type { Config } from '../../core/config';
import * as waiting from '../../core/db/metrics';
import type { Pool } from '../../core/db/pool';
import type { Logger } from '../../core/logger';
import {
  apiRegistry,
  approvalOldestAge,
  approvalsWaiting,
  auditChainVerified,
  bearerMatches,
  collectProcessMetrics,
  obligationsGauge,
  observeRequest,
  setBuildInfo,
} from '../../core/metrics';
import { VERSION } from '../../core/version';
import type { AppDeps } from '../types';

/*
 * The API's /metrics (README "Metrics and alerts"; names in core/metrics.ts). Prometheus reads it
 * with `Authorization: Bearer <METRICS_TOKEN>` — a token of its own, not a staff member's (a
 * service token expires and carries a role; this one reads figures only). Without METRICS_TOKEN the
 * route answers 401 to everyone, so metrics are never public by default. Why not "loopback only":
 * behind a reverse proxy on the same host every request comes from loopback.
 *
 * What it reports besides requests: the approval queue and the obligations at risk or overdue, read
 * at each scrape (two cheap statements), and whether the audit chain verifies — that one is a walk
 * over the whole trail, so it runs at most every AUDIT_VERIFY_MINUTES and scrapes between show the
 * last result.
 */

/** Verifies the audit trail at most once per `everyMs`, one verification at a time. */
class AuditChainCheck {
  private checkedAt = 0;
  private running: Promise<void> | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly everyMs: number,
    private readonly log: Logger,
  ) {}

  /** Waits for the first verification; later ones run in the background while the last result shows. */
  async refresh(): Promise<void> {
    if (Date.now() - this.checkedAt < this.everyMs) return;
    const first = this.checkedAt === 0;
    this.running ??= this.verify().finally(() => {
      this.running = null;
    });
    if (first) await this.running;
  }

  private async verify(): Promise<void> {
    try {
      const result = await verifyTrail(this.pool);
      auditChainVerified.set(result.ok ? 1 : 0);
      if (!result.ok)
        this.log.error(
          { breaks: result.breaks.length, chains: result.chains },
          'audit chain does not verify',
        );
      this.checkedAt = Date.now();
    } catch (err) {
      // Not a broken chain: the trail could not be read. The last result stands; the next scrape retries.
      this.log.warn({ err }, 'audit chain not verified');
    }
  }
}

/** Reads the waiting work into the gauges. */
async function refreshWaiting(pool: Pool, config: Readonly<Config>): Promise<void> {
  const lastFraction = Math.max(...config.policy.reminderFractions);
  const [queue, risk] = await Promise.all([
    waiting.approvalQueue(pool),
    waiting.obligationRisk(pool, lastFraction),
  ]);
  approvalsWaiting.set(queue.waiting);
  approvalOldestAge.set(
    queue.oldestSince === null ? 0 : Math.max(0, (Date.now() - queue.oldestSince.getTime()) / 1000),
  );
  obligationsGauge.set({ state: 'at_risk' }, risk.atRisk);
  obligationsGauge.set({ state: 'overdue' }, risk.overdue);
}

export const metricsRoutes: FastifyPluginAsync<AppDeps> = async (app, { pool, config, logger }) => {
  setBuildInfo(VERSION);
  collectProcessMetrics(apiRegistry);
  const audit = new AuditChainCheck(pool, config.metrics.auditVerifyMs, logger);

  app.get(
    '/metrics',
    // The staff sign-in (api/auth.ts) leaves this route's bearer token alone: it is METRICS_TOKEN.
    { schema: { hide: true }, config: { ownBearerToken: true } },
    async (request, reply) => {
      const token = config.metrics.token;
      if (token === null || !bearerMatches(request.headers.authorization, token)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({
            statusCode: 401,
            error: 'Unauthorized',
            message:
              token === null
                ? 'Metrics are off: set METRICS_TOKEN and scrape with it as a bearer token'
                : 'A bearer token (METRICS_TOKEN) is required',
          });
      }
      await Promise.all([refreshWaiting(pool, config), audit.refresh()]);
      return reply.header('content-type', apiRegistry.contentType).send(await apiRegistry.metrics());
    },
  );
};

/**
 * The app-wide onResponse hook counting each answered request by its route pattern (never the URL:
 * it may hold a page token) — `(unmatched)` for a 404 on no route.
 */
export async function countRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  observeRequest(
    request.routeOptions.url ?? '(unmatched)',
    request.method,
    reply.statusCode,
    reply.elapsedTime / 1000,
  );
}
