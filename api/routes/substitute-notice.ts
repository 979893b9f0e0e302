import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TemplateCache } from '../../core/mail/template-cache';
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

  await app.register(async (instance) => publicPage(instance, deps));
}

export interface SubstitutePageOptions {
  /** Requests one client address may make to /incident-notice/* per window. @default 60 */
  substitutePageRateLimitMax?: number;
  /** @default 60_000 (one minute) */
  substitutePageRateLimitWindowMs?: number;
}

const PublicParams = z.object({ publicId: z.string() });

const STATUS_PAGE = {
  404: 'This notice could not be found.',
  410: 'This notice was posted for a set period, which has ended.',
  429: 'Too many requests: please try again in a minute.',
  500: 'Something went wrong on our side. Please try again later.',
} as const;

/**
 * GET /incident-notice/<publicId>: the public, unauthenticated page of a posting, from its start
 * until its end date; after that 410 Gone (it was real and its period is over), before it and for an
 * unknown id 404. Rate limited per client address like the customer's page; no caching, and a CSP
 * that allows nothing but the page's own stylesheet. It carries no personal data: the text is the
 * same for everyone.
 */
async function publicPage(
  app: FastifyInstance,
  deps: AppDeps & { templates: TemplateCache } & SubstitutePageOptions,
) {
  const scope = app.withTypeProvider<ZodTypeProvider>();
  await scope.register(rateLimit, {
    max: deps.substitutePageRateLimitMax ?? 60,
    timeWindow: deps.substitutePageRateLimitWindowMs ?? 60_000,
  });
  const status = (reply: FastifyReply, code: keyof typeof STATUS_PAGE) =>
    reply
      .code(code)
      .type('text/html; charset=utf-8')
      .send(
        `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(deps.config.company.name)}</title></head><body><p>${STATUS_PAGE[code]}</p></body></html>`,
      );
  scope.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    reply.header('content-security-policy', pageCsp(typeof payload === 'string' ? payload : ''));
    return payload;
  });
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.statusCode === 429) return status(reply, 429);
    if (error.statusCode !== undefined && error.statusCode < 500) return status(reply, 404);
    request.log.error({ err: error }, 'substitute notice page failed');
    return status(reply, 500);
  });
  scope.get(
    '/incident-notice/:publicId',
    { schema: { hide: true, params: PublicParams } },
    async (request, reply) => {
      const html = await showSubstitutePosting(deps, request.params.publicId);
      if (html === 'gone') return status(reply, 410);
      if (!html) return status(reply, 404);
      return reply.code(200).type('text/html; charset=utf-8').send(html);
    },
  );
}

/** Nothing but the page's own inline stylesheet (by hash). */
function pageCsp(html: string): string {
  const hashes = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(
    (m) =>
      `'sha256-${createHash('sha256')
        .update(m[1] ?? '')
        .digest('base64')}'`,
  );
  return [
    "default-src 'none'",
    `style-src ${hashes.length > 0 ? hashes.join(' ') : "'none'"}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
