import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../core/config';
import type { TemplateCache } from '../../core/mail/template-cache';
import { RenderedPages } from '../../core/use-cases/customer-page';
import {
  assessSubstituteNotice,
  decideSubstituteText,
  recordSubstituteElement,
  reviseSubstituteText,
  showSubstitutePosting,
  substituteOverview,
} from '../../core/use-cases/substitute-texts';
import type { App, AppDeps } from '../types';
import { STAFF, requireRole } from '../auth';
import { MissThrottle, configuredMissLimits } from '../miss-throttle';
import { pageContentSecurityPolicy } from '../page-csp';
import { ErrorResponse, IdParams } from '../schemas/common';
import {
  RecordElementBody,
  ReviewResult,
  ReviseTextBody,
  SubstituteNotice,
  SubstituteOverview,
  SubstituteParams,
  SubstituteTextParams,
  TextDecisionBody,
  TextDecisionResult,
} from '../schemas/substitute-notice';

/**
 * Substitute notice (core/use-cases/substitute-notice.ts): what an incident's statutes ask when
 * people cannot all be notified individually, its texts and their approval, what compliance records,
 * and the public page of the website posting.
 */
export async function substituteNoticeRoutes(
  app: App,
  deps: AppDeps & { templates: TemplateCache } & SubstitutePageOptions,
) {
  const { pool, config } = deps;
  const use = { pool, config, templates: deps.templates };

  app.get(
    '/api/incidents/:id/substitute-notices',
    {
      onRequest: requireRole(...STAFF),
      schema: {
        summary:
          "The incident's substitute notices, their elements, the website and media texts, the posting",
        params: IdParams,
        response: { 200: SubstituteOverview, 404: ErrorResponse },
      },
    },
    async (request) => substituteOverview(use, request.params.id),
  );

  app.post(
    '/api/incidents/:id/substitute-notices/review',
    {
      onRequest: requireRole('officer', 'compliance'),
      schema: {
        summary: 'Test the statutes’ substitute-notice conditions again now and draft any text still needed',
        params: IdParams,
        response: { 200: ReviewResult, 404: ErrorResponse },
      },
    },
    async (request) => assessSubstituteNotice(use, request.params.id),
  );

  app.post(
    '/api/incidents/:id/substitute-notices/texts',
    {
      onRequest: requireRole('officer', 'compliance'),
      schema: {
        summary: 'Revise the website or media text: a new version for approval (not by its reviser)',
        params: IdParams,
        body: ReviseTextBody,
        response: {
          201: SubstituteOverview.shape.website.unwrap().shape.notice,
          400: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await reviseSubstituteText(use, request.user!, { incidentId: request.params.id, ...request.body }),
        ),
  );

  app.post(
    '/api/incidents/:id/substitute-notices/texts/:noticeId/decision',
    {
      onRequest: requireRole('compliance'),
      schema: {
        summary:
          'Approve or reject a website or media text, naming its content hash (four eyes; an approved website text goes up at once)',
        params: SubstituteTextParams,
        body: TextDecisionBody,
        response: {
          200: TextDecisionResult,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { outcome, approvals, quorum } = await decideSubstituteText(use, request.user!, {
        incidentId: request.params.id,
        noticeId: request.params.noticeId,
        contentHash: request.body.contentHash,
        decision: request.body.decision,
        comment: request.body.comment ?? null,
      });
      return { outcome, approvals, quorum };
    },
  );

  app.post(
    '/api/incidents/:id/substitute-notices/:substituteId/elements',
    {
      onRequest: requireRole('compliance'),
      schema: {
        summary:
          'Record an element as done: the media notice ran, the toll-free line opened, the alternative notice or the letter to the attorney general went',
        params: SubstituteParams,
        body: RecordElementBody,
        response: { 200: SubstituteNotice, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) =>
      recordSubstituteElement(deps, request.user!, {
        incidentId: request.params.id,
        substituteNoticeId: request.params.substituteId,
        ...request.body,
      }),
  );

  await app.register(async (instance) => publicPage(instance, deps), { prefix: '/incident-notice' });
}

export interface SubstitutePageOptions {
  /**
   * Overrides of the miss limits (config.pageTokens.limits, PAGE_MISS_LIMIT_* and
   * PAGE_LIMIT_WINDOW_SECONDS, shared with the customer page), for tests.
   */
  postingLimits?: Partial<Config['pageTokens']['limits']>;
}

const PublicParams = z.object({ publicId: z.string() });

const STATUS_PAGE = {
  404: 'This notice could not be found.',
  410: 'This notice was posted for a set period, which has ended.',
  429: 'Too many requests: please try again in a minute.',
  500: 'Something went wrong on our side. Please try again later.',
} as const;

const HTML = 'text/html; charset=utf-8';

/**
 * GET /incident-notice/<publicId>: the public, unauthenticated page of a posting, from its start
 * until its end date; after that 410 Gone (it was real and its period is over), before it and for an
 * unknown id 404. It carries no personal data: the text is the same for everyone, so it is rendered
 * once per posted version and served from memory (`showSubstitutePosting`); never cached by
 * browsers or proxies, and a CSP that allows nothing but the page's own stylesheet.
 *
 * Limits stop scanning, not people, as on the customer page (api/miss-throttle.ts, README "The
 * substitute notice's public page"): everyone who reads the company's posting asks for the same
 * page, often thousands from one carrier NAT or office proxy, so a posting that is up is never
 * refused for its address. Only misses — an unknown, malformed, not-yet-posted or ended id — are
 * counted, per client address and in total, with the customer page's limits (PAGE_MISS_LIMIT_*),
 * in counters of this page's own; past either limit a miss is answered 429.
 */
async function publicPage(
  app: FastifyInstance,
  deps: AppDeps & { templates: TemplateCache } & SubstitutePageOptions,
) {
  const { config } = deps;
  const limits = { ...config.pageTokens.limits, ...deps.postingLimits };
  const misses = new MissThrottle(configuredMissLimits(limits), (who) =>
    app.log.warn({ ...who, limits }, 'substitute notice page misses throttled'),
  );
  // A few postings are up at a time, a few kilobytes each; older versions age out.
  const posting = {
    pool: deps.pool,
    templates: deps.templates,
    rendered: new RenderedPages(4 * 1024 * 1024),
  };

  // The status pages are the same for everyone: rendered once.
  const statusPages = new Map(
    Object.entries(STATUS_PAGE).map(([code, text]) => [
      Number(code),
      `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(config.company.name)}</title></head><body><p>${text}</p></body></html>`,
    ]),
  );
  const status = (reply: FastifyReply, code: keyof typeof STATUS_PAGE, retryAfter?: number) => {
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    return reply.code(code).type(HTML).send(statusPages.get(code));
  };
  /** An id that leads to no posting up now: counted against its address and the total. */
  const miss = (request: FastifyRequest, reply: FastifyReply, code: 404 | 410) => {
    const retryAfter = misses.miss(request.ip);
    return retryAfter === null ? status(reply, code) : status(reply, 429, retryAfter);
  };

  const scope = app.withTypeProvider<ZodTypeProvider>();
  scope.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    reply.header(
      'content-security-policy',
      pageContentSecurityPolicy(typeof payload === 'string' ? payload : ''),
    );
    return payload;
  });
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.statusCode !== undefined && error.statusCode < 500) return status(reply, 404);
    request.log.error({ err: error }, 'substitute notice page failed');
    return status(reply, 500);
  });
  // /incident-notice/, /incident-notice/a/b: malformed, a miss like an unknown id.
  app.setNotFoundHandler(async (request, reply) => miss(request, reply, 404));
  scope.get('/:publicId', { schema: { hide: true, params: PublicParams } }, async (request, reply) => {
    const html = await showSubstitutePosting(posting, request.params.publicId);
    if (html === 'gone' || html === null) return miss(request, reply, html === 'gone' ? 410 : 404);
    return reply.code(200).type(HTML).send(html);
  });
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
