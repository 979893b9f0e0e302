import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { renderStatusPage } from '../../core/mail/render';
import type { TemplateCache } from '../../core/mail/template-cache';
import { loadPageTemplates } from '../../core/mail/templates';
import { acknowledgeNotice, showCustomerPage } from '../../core/use-cases/customer-page';
import type { CustomerPageDeps } from '../../core/use-cases/customer-page';
import type { App, AppDeps } from '../types';

/**
 * The customer's own page, `/n/<token>`: public, reached from the link in their notice. It shows
 * the notice exactly as sent (rendered again from the approved template snapshot, as delivery renders
 * it: `showCustomerPage` in core/use-cases/customer-page.ts), what of theirs was involved,
 * the steps to take, common questions, a contact route carrying their reference code, and an
 * "I have read this" form (`POST /n/<token>/acknowledge`, plain HTML, no script).
 *
 * The token (64 hex characters, 256 bits) is the only secret; the database holds only its hash
 * (core/delivery/page-token.ts), and a link past PAGE_TOKEN_DAYS gets a 410 "expired" page. Every
 * answer under /n/ is rate limited per client address; a wrong token, of any shape, costs one
 * indexed lookup and gets the same plain 404 page. Responses are never cached, send no referrer,
 * and run under a CSP that allows nothing but the page's own stylesheet (by hash) and a form
 * posting back to this site.
 *
 * The page's own wording lives in templates/page/ (per language, like the notices). It frames the
 * notice and is not part of an approval: what the customer was told comes from the snapshot.
 *
 * This module is HTTP only: rate limit, headers, status pages, redirect. Reading and rendering the
 * page and recording the acknowledgement are core functions.
 */
export interface CustomerPageOptions {
  /**
   * Requests one client address may make to /n/* per window (pages, acknowledgements and wrong
   * links alike): enough for a person, too few to guess tokens.
   * @default 30
   */
  rateLimitMax?: number;
  /** @default 60_000 (one minute) */
  rateLimitWindowMs?: number;
  /** Where the page templates are. @default templates/page */
  pageTemplatesDir?: string;
}

const TokenParams = z.object({ token: z.string() });

const STATUS_FOR_CODE = { 404: 'not_found', 410: 'expired', 429: 'too_many', 500: 'failed' } as const;

export async function customerPageRoutes(
  app: App,
  deps: AppDeps & { templates: TemplateCache } & CustomerPageOptions,
) {
  const { config } = deps;
  const page: CustomerPageDeps = {
    pool: deps.pool,
    templates: deps.templates,
    config,
    pages: loadPageTemplates(deps.pageTemplatesDir),
  };

  const sendStatus = (reply: FastifyReply, code: keyof typeof STATUS_FOR_CODE) =>
    reply
      .code(code)
      .type('text/html; charset=utf-8')
      .send(renderStatusPage(page.pages, STATUS_FOR_CODE[code], config.company));

  await app.register(
    async (instance) => {
      const scope = instance.withTypeProvider<ZodTypeProvider>();
      await scope.register(rateLimit, {
        max: deps.rateLimitMax ?? 30,
        timeWindow: deps.rateLimitWindowMs ?? 60_000,
      });
      // The acknowledgement is a plain HTML form; its body carries nothing we read.
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 1024 },
        (_request, _body, done) => done(null, {}),
      );
      // helmet (api/app.ts) sends nosniff, no referrer and DENY framing; this page adds no caching,
      // no indexing, and replaces the app-wide CSP with its own, which needs the page's style hashes.
      scope.addHook('onSend', async (_request, reply, payload) => {
        reply.header('cache-control', 'no-store');
        reply.header('x-robots-tag', 'noindex, nofollow');
        reply.header(
          'content-security-policy',
          contentSecurityPolicy(typeof payload === 'string' ? payload : ''),
        );
        return payload;
      });
      scope.setErrorHandler((error: FastifyError, request, reply) => {
        if (error.statusCode === 429) return sendStatus(reply, 429);
        if (error.statusCode !== undefined && error.statusCode < 500) return sendStatus(reply, 404);
        request.log.error({ err: error }, 'customer page failed');
        return sendStatus(reply, 500);
      });
      instance.setNotFoundHandler({ preHandler: instance.rateLimit() }, async (_request, reply) => {
        // Looks up a token that matches nothing, so it costs what a wrong token costs and no shape
        // of link answers faster than another.
        await showCustomerPage(page, '');
        return sendStatus(reply, 404);
      });

      scope.get('/:token', { schema: { hide: true, params: TokenParams } }, async (request, reply) => {
        const html = await showCustomerPage(page, request.params.token);
        // Gone, not missing: the link was real, and the page says how to reach us instead.
        if (html === 'expired') return sendStatus(reply, 410);
        if (!html) return sendStatus(reply, 404);
        return reply.code(200).type('text/html; charset=utf-8').send(html);
      });

      scope.post(
        '/:token/acknowledge',
        { schema: { hide: true, params: TokenParams } },
        async (request, reply) => {
          const done = await acknowledgeNotice(page, request.params.token);
          if (done === 'expired') return sendStatus(reply, 410);
          if (!done) return sendStatus(reply, 404);
          // Post/redirect/get: a reload does not post again, and the page shows the acknowledgement.
          return reply.code(303).header('location', done.pagePath).send();
        },
      );
    },
    { prefix: '/n' },
  );
}

/** Nothing but the page's own inline stylesheets (by hash) and a form posting back here. */
function contentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(
    (m) =>
      `'sha256-${createHash('sha256')
        .update(m[1] ?? '')
        .digest('base64')}'`,
  );
  return [
    "default-src 'none'",
    `style-src ${hashes.length > 0 ? hashes.join(' ') : "'none'"}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}
