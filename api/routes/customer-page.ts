import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { renderStatusPage } from '../../core/mail/render';
import type { TemplateCache } from '../../core/mail/template-cache';
import { loadPageTemplates } from '../../core/mail/templates';
import type { Config } from '../../core/config';
import {
  Acknowledgements,
  RenderedPages,
  customerPageHtml,
  customerPagePath,
  findCustomerPage,
} from '../../core/use-cases/customer-page';
import type { CustomerPageDeps } from '../../core/use-cases/customer-page';
import { QUESTION_MAX_LENGTH } from '../../core/domain/questions';
import type { QuestionFormError } from '../../core/mail/render';
import { askQuestion, questionFormTokenMatches } from '../../core/use-cases/questions';
import { optOutOfReminders } from '../../core/use-cases/mailings';
import { MissThrottle, WindowCounter, configuredMissLimits } from '../miss-throttle';
import { pageContentSecurityPolicy } from '../page-csp';
import type { App, AppDeps } from '../types';

/**
 * The customer's own page, `/n/<token>`: public, reached from the link in their notice. It shows
 * the notice exactly as sent (from its stored copy, rendered once per process through the renderer
 * delivery uses: core/use-cases/customer-page.ts), what of theirs was involved, the steps to take,
 * common questions, a contact route carrying their reference code, and an "I have read this" form
 * (`POST /n/<token>/acknowledge`, plain HTML, no script), and a short question form for support
 * (`POST /n/<token>/questions`, the same; core/use-cases/questions.ts), and a "do not send me
 * reminders" form (`POST /n/<token>/reminders`; core/use-cases/mailings.ts); the question lands on the
 * case of the token in the address — nothing in the form says whose it is — and its hidden form
 * token must be this page's.
 *
 * The token (64 hex characters, 256 bits) is the only secret; the database holds only its hash
 * (core/delivery/page-token.ts), and a link past PAGE_TOKEN_DAYS gets a 410 "expired" page. Every
 * request, whatever its token, costs the same one indexed lookup of the token's hash; a wrong token
 * of any shape gets the same plain 404 page. Responses are never cached, send no referrer, and run
 * under a CSP that allows nothing but the page's own stylesheet (by hash) and a form posting back.
 *
 * Limits stop guessing, not people (api/miss-throttle.ts, README "How the customer page is
 * protected"): misses — unknown, expired, malformed links — are counted per client address
 * (`request.ip`, after TRUST_PROXY) and in total, and past either limit a miss is answered 429. A
 * valid link is never refused because others share its address (a carrier's NAT, an office proxy):
 * it only has a limit of its own, against a runaway reload.
 *
 * The page's own wording lives in templates/page/ (per language, like the notices). It frames the
 * notice and is not part of an approval: what the customer was told comes from the snapshot.
 *
 * This module is HTTP only: limits, headers, status pages, redirect. Finding and rendering the page
 * and recording the acknowledgement are core functions.
 */
export interface CustomerPageOptions {
  /** Overrides of PAGE_* limits (config.pageTokens.limits), for tests. */
  limits?: Partial<Config['pageTokens']['limits']>;
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
    rendered: new RenderedPages(),
  };
  const limits = { ...config.pageTokens.limits, ...deps.limits };
  const perWindow = (max: number) => ({ max, windowMs: limits.windowMs });
  const misses = new MissThrottle(configuredMissLimits(limits), (who) =>
    app.log.warn({ ...who, limits }, 'customer page misses throttled'),
  );
  const perLink = new WindowCounter(perWindow(limits.viewsPerLink));
  const acknowledgements = new Acknowledgements(deps.pool);
  // Questions a page may post per window (its own limit, besides the case's waiting cap in core).
  const questionsPerLink = new WindowCounter({ max: QUESTIONS_PER_LINK, windowMs: limits.windowMs });

  // The status pages are the same for everyone: rendered once.
  const statusPages = new Map(
    Object.entries(STATUS_FOR_CODE).map(([code, status]) => [
      Number(code),
      renderStatusPage(page.pages, status, config.company),
    ]),
  );
  const sendStatus = (reply: FastifyReply, code: keyof typeof STATUS_FOR_CODE, retryAfter?: number) => {
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    return reply.code(code).type(HTML).send(statusPages.get(code));
  };
  /** A link that leads nowhere: counted against its address and the total, then 404/410 or 429. */
  const miss = (request: FastifyRequest, reply: FastifyReply, code: 404 | 410) => {
    const retryAfter = misses.miss(request.ip);
    return retryAfter === null ? sendStatus(reply, code) : sendStatus(reply, 429, retryAfter);
  };
  /** A valid link past its own limit (a runaway reload): null while within it. */
  const overOwnLimit = (reply: FastifyReply, tokenHash: string) => {
    const retryAfter = perLink.hit(tokenHash);
    return retryAfter === null ? null : sendStatus(reply, 429, retryAfter);
  };

  await app.register(
    async (instance) => {
      const scope = instance.withTypeProvider<ZodTypeProvider>();
      // The page's forms are plain HTML: the acknowledgement's body carries nothing we read; the
      // question form's is its fields as sent, in order (checked by the route, duplicates and all).
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: QUESTION_FORM_BODY_LIMIT },
        (_request, body, done) => done(null, [...new URLSearchParams(String(body))]),
      );
      // helmet (api/app.ts) sends nosniff, no referrer and DENY framing; this page adds no caching,
      // no indexing, and replaces the app-wide CSP with its own, which needs the page's style hashes.
      scope.addHook('onSend', async (_request, reply, payload) => {
        reply.header('cache-control', 'no-store');
        reply.header('x-robots-tag', 'noindex, nofollow');
        reply.header(
          'content-security-policy',
          pageContentSecurityPolicy(typeof payload === 'string' ? payload : '', 'self'),
        );
        return payload;
      });
      scope.setErrorHandler((error: FastifyError, request, reply) => {
        if (error.statusCode !== undefined && error.statusCode < 500) return sendStatus(reply, 404);
        request.log.error({ err: error }, 'customer page failed');
        return sendStatus(reply, 500);
      });
      instance.setNotFoundHandler(async (request, reply) => {
        // Looks up a token that matches nothing, so it costs what a wrong token costs and no shape
        // of link answers faster than another; counted as the miss it is.
        await findCustomerPage(deps.pool, '');
        return miss(request, reply, 404);
      });

      scope.get('/:token', { schema: { hide: true, params: TokenParams } }, async (request, reply) => {
        const { token } = request.params;
        const found = await findCustomerPage(deps.pool, token);
        // Gone, not missing: the link was real, and the page says how to reach us instead.
        if (found.kind !== 'page') return miss(request, reply, found.kind === 'expired' ? 410 : 404);
        const refused = overOwnLimit(reply, found.tokenHash);
        if (refused) return refused;
        const html = await customerPageHtml(page, found, token);
        return reply.code(200).type(HTML).send(html);
      });

      scope.post(
        '/:token/acknowledge',
        { schema: { hide: true, params: TokenParams } },
        async (request, reply) => {
          const { token } = request.params;
          const found = await findCustomerPage(deps.pool, token);
          if (found.kind !== 'page') return miss(request, reply, found.kind === 'expired' ? 410 : 404);
          const refused = overOwnLimit(reply, found.tokenHash);
          if (refused) return refused;
          await acknowledgements.record(found.row);
          // Post/redirect/get: a reload does not post again, and the page shows the acknowledgement.
          return reply.code(303).header('location', customerPagePath(config, token)).send();
        },
      );

      // "Do not send me reminders" (core/use-cases/mailings.ts): recorded for the token's record,
      // once. A form posted from another site (the browser says so) records nothing.
      scope.post(
        '/:token/reminders',
        { schema: { hide: true, params: TokenParams } },
        async (request, reply) => {
          const { token } = request.params;
          const found = await findCustomerPage(deps.pool, token);
          if (found.kind !== 'page') return miss(request, reply, found.kind === 'expired' ? 410 : 404);
          const refused = overOwnLimit(reply, found.tokenHash);
          if (refused) return refused;
          const site = request.headers['sec-fetch-site'];
          if (site === undefined || site === 'same-origin' || site === 'none') {
            await optOutOfReminders(deps, found.row);
          }
          // Post/redirect/get: a reload does not post again, and the page shows the choice.
          return reply
            .code(303)
            .header('location', `${customerPagePath(config, token)}#reminders`)
            .send();
        },
      );

      // A question for support (core/use-cases/questions.ts): who asks is the token in the address,
      // never anything in the form; the form's hidden token must be this page's.
      scope.post(
        '/:token/questions',
        { schema: { hide: true, params: TokenParams } },
        async (request, reply) => {
          const { token } = request.params;
          const found = await findCustomerPage(deps.pool, token);
          if (found.kind !== 'page') return miss(request, reply, found.kind === 'expired' ? 410 : 404);
          const refused = overOwnLimit(reply, found.tokenHash);
          if (refused) return refused;
          const tooMany = questionsPerLink.hit(found.tokenHash);
          if (tooMany !== null) return sendStatus(reply, 429, tooMany);
          const form = questionForm(request.body);
          const again = (code: number, error: QuestionFormError, draft: string) =>
            customerPageHtml(page, found, token, { draft, error }).then((html) =>
              reply.code(code).type(HTML).send(html),
            );
          // A form posted from another site (the browser says so), or with another page's token, or
          // with fields this form does not have: nothing is recorded; the page asks to send it again.
          const site = request.headers['sec-fetch-site'];
          if (
            form === null ||
            (site !== undefined && site !== 'same-origin' && site !== 'none') ||
            !questionFormTokenMatches(config, found.tokenHash, form.formToken)
          ) {
            return again(400, 'expired_form', form?.question ?? '');
          }
          const outcome = await askQuestion(deps, found.row, form.question);
          if (outcome.kind === 'refused')
            return again(outcome.error === 'too_many' ? 429 : 400, outcome.error, outcome.draft);
          // Post/redirect/get: a reload does not post again, and the page lists the question.
          return reply
            .code(303)
            .header('location', `${customerPagePath(config, token)}#ask`)
            .send();
        },
      );
    },
    { prefix: '/n' },
  );
}

const HTML = 'text/html; charset=utf-8';

/** Questions one page may post per PAGE_LIMIT_WINDOW_SECONDS (a runaway resubmission, not a person). */
const QUESTIONS_PER_LINK = 10;

/**
 * The largest form body the page takes: a question of QUESTION_MAX_LENGTH characters, each up to
 * four bytes of UTF-8 percent-encoded (12 characters), with the form token.
 */
const QUESTION_FORM_BODY_LIMIT = QUESTION_MAX_LENGTH * 12 + 1024;

/**
 * The question form's fields — exactly `question` and `form_token`, once each — or null for any
 * other body (a field it does not have, one sent twice, no body).
 */
function questionForm(body: unknown): { question: string; formToken: string } | null {
  if (!Array.isArray(body)) return null;
  const fields = new Map<string, string>();
  for (const [name, value] of body as [string, string][]) {
    if (fields.has(name) || (name !== 'question' && name !== 'form_token')) return null;
    fields.set(name, value);
  }
  const question = fields.get('question');
  const formToken = fields.get('form_token');
  return question === undefined || formToken === undefined ? null : { question, formToken };
}
