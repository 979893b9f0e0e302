import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import Handlebars from 'handlebars';
import { z } from 'zod';
import { normaliseCategories } from '../../core/domain/categories';
import * as audit from '../../core/db/audit';
import * as cases from '../../core/db/cases';
import type { CaseRow } from '../../core/db/cases';
import * as incidents from '../../core/db/incidents';
import * as notices from '../../core/db/notices';
import { inTransaction } from '../../core/db/pool';
import { noticeInputBuilder } from '../../core/delivery';
import {
  ADVICE_TOPICS,
  ADVICE_TOPIC_FOR,
  formatDateTime,
  formatList,
  formattingLocale,
  interpolate,
} from '../../core/mail/i18n';
import { renderIndividualNotice } from '../../core/mail/render';
import type { IndividualNoticeInput } from '../../core/mail/render';
import type { TemplateCache } from '../../core/mail/template-cache';
import { defaultTemplatesDir } from '../../core/mail/templates';
import type { LanguageCatalog } from '../../core/mail/i18n';
import type { App, AppDeps } from '../types';

/**
 * The customer's own page, `/n/<token>`: public, reached from the link in their notice. It shows
 * the notice exactly as sent (rendered again from the approved template snapshot, through the same
 * `noticeInputBuilder` and `renderIndividualNotice` that delivery uses), what of theirs was involved,
 * the steps to take, common questions, a contact route carrying their reference code, and an
 * "I have read this" form (`POST /n/<token>/acknowledge`, plain HTML, no script).
 *
 * The token (64 hex characters, 256 bits) is the only secret. Every answer under /n/ is rate
 * limited per client address; a wrong token, of any shape, costs one indexed lookup and gets the
 * same plain 404 page. Responses are never cached, send no referrer, and run under a CSP that
 * allows nothing but the page's own stylesheet (by hash) and a form posting back to this site.
 *
 * The page's own wording lives in templates/page/ (per language, like the notices). It frames the
 * notice and is not part of an approval: what the customer was told comes from the snapshot.
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

export async function customerPageRoutes(
  app: App,
  deps: AppDeps & { templates: TemplateCache } & CustomerPageOptions,
) {
  const { pool, config, templates } = deps;
  const pages = loadPageTemplates(deps.pageTemplatesDir ?? join(defaultTemplatesDir(), 'page'));
  const basePath = new URL(config.http.publicBaseUrl).pathname.replace(/\/+$/, '');
  const pagePath = (token: string) => `${basePath}/n/${token}`;

  const sendStatus = (reply: FastifyReply, code: 404 | 429 | 500) =>
    reply
      .code(code)
      .type('text/html; charset=utf-8')
      .send(
        pages.status({
          lang: 'en',
          title:
            code === 404 ? 'Page not found' : code === 429 ? 'Too many requests' : 'Something went wrong',
          notFound: code === 404,
          tooMany: code === 429,
          failed: code === 500,
          company: {
            name: config.company.name,
            supportEmail: config.company.supportEmail,
            supportPhone: config.company.supportPhone,
          },
        }),
      );

  /** The case behind a token when it has a notice to show; anything else is "not found". */
  const lookup = async (token: string): Promise<CaseRow | null> => {
    const found = await cases.findByPageToken(pool, token);
    return found?.noticeId ? found : null;
  };

  const renderPage = async (c: CaseRow): Promise<string | null> => {
    const [notice, incident] = await Promise.all([
      notices.get(pool, c.noticeId!),
      incidents.get(pool, c.incidentId),
    ]);
    if (!notice || !incident) return null;
    const set = await templates.get(notice.templateVersion);
    const input = noticeInputBuilder(notice, incident, config)(c);
    const mail = renderIndividualNotice(set, input);
    const language = pages.languages.includes(mail.locale) ? mail.locale : 'en';
    const catalog = set.catalog(language);
    const locale = formattingLocale(c.locale, language);
    return pages.page(language, {
      lang: language,
      title: mail.subject,
      company: {
        name: notice.content.company.name,
        supportEmail: notice.content.company.supportEmail,
        supportPhone: notice.content.company.supportPhone,
        postalAddress: notice.content.company.postalAddress,
      },
      referenceCode: c.referenceCode,
      isRepresentative: input.recipient.isRepresentative,
      subjectName: input.recipient.subjectName,
      exposed: exposedLabels(input, catalog, language),
      advice: adviceFor(input, catalog),
      notice: new Handlebars.SafeString(letterOf(mail)),
      acknowledgedOn: c.acknowledgedAt ? formatDateTime(c.acknowledgedAt, locale, input.timeZone) : null,
      acknowledgeAction: `${pagePath(c.pageToken)}/acknowledge`,
    });
  };

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
        // Costs what a wrong token costs, so no shape of link answers faster than another.
        await cases.findByPageToken(pool, '');
        return sendStatus(reply, 404);
      });

      scope.get('/:token', { schema: { hide: true, params: TokenParams } }, async (request, reply) => {
        const found = await lookup(request.params.token);
        const html = found ? await renderPage(found) : null;
        if (!html) return sendStatus(reply, 404);
        return reply.code(200).type('text/html; charset=utf-8').send(html);
      });

      scope.post(
        '/:token/acknowledge',
        { schema: { hide: true, params: TokenParams } },
        async (request, reply) => {
          const found = await lookup(request.params.token);
          if (!found) return sendStatus(reply, 404);
          await inTransaction(pool, async (tx) => {
            const at = await cases.acknowledge(tx, found.incidentId, found.customerId);
            if (!at) return; // Pressed before: the first time stands.
            await audit.append(tx, {
              incidentId: found.incidentId,
              actor: 'customer',
              action: 'notice_acknowledged',
              detail: {
                customerId: found.customerId,
                noticeId: found.noticeId,
                acknowledgedAt: at.toISOString(),
              },
              dedupeKey: `notice_acknowledged:${found.incidentId}:${found.customerId}`,
            });
          });
          // Post/redirect/get: a reload does not post again, and the page shows the acknowledgement.
          return reply.code(303).header('location', pagePath(found.pageToken)).send();
        },
      );
    },
    { prefix: '/n' },
  );
}

// --- page content --------------------------------------------------------------------------

/** The categories involved, in the snapshot's words, with masked identifiers as in the letter. */
function exposedLabels(input: IndividualNoticeInput, catalog: LanguageCatalog, language: string): string[] {
  const masked = new Map<string, string[]>();
  for (const e of input.exposed) {
    const value = e.masked?.trim();
    const list = masked.get(e.category) ?? [];
    if (value && !list.includes(value)) list.push(value);
    masked.set(e.category, list);
  }
  return normaliseCategories(input.exposed.map((e) => e.category)).map((category) => {
    const values = masked.get(category) ?? [];
    const name = catalog.categories[category];
    return values.length === 0
      ? name
      : `${name} (${interpolate(catalog.endingIn, { masked: formatList(values, language) })})`;
  });
}

/** The steps for those categories, one per advice topic, in the reader's voice (self or representative). */
function adviceFor(input: IndividualNoticeInput, catalog: LanguageCatalog): string[] {
  const wanted = new Set(input.exposed.map((e) => ADVICE_TOPIC_FOR[e.category]));
  const voice = input.recipient.isRepresentative ? 'representative' : 'self';
  const values = { company: input.company.name, name: input.recipient.subjectName };
  return ADVICE_TOPICS.filter((t) => wanted.has(t)).map((t) => interpolate(catalog.advice[t][voice], values));
}

/**
 * The letter's HTML without its document shell (the page has its own). The notice templates
 * escape everything they print, so this is safe HTML; without a body, the text part is shown.
 */
function letterOf(mail: { html: string; text: string }): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(mail.html)?.[1];
  return body?.trim() || `<pre class="letter">${Handlebars.escapeExpression(mail.text)}</pre>`;
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

// --- page templates ------------------------------------------------------------------------

interface PageTemplates {
  /** Languages the page exists in. */
  languages: readonly string[];
  page(language: string, view: object): string;
  status(view: object): string;
}

/**
 * Compiles templates/page/ once, at start-up: `layout.html.hbs` (partial `layout`),
 * `status.html.hbs` (404, 429, 500) and `<lang>/page.html.hbs`. HTML-escaped and strict, like the
 * notices, with an isolated Handlebars instance.
 */
function loadPageTemplates(dir: string): PageTemplates {
  const hb = Handlebars.create();
  const options: CompileOptions = { strict: true };
  const compile = (path: string) => {
    const source = readFileSync(join(dir, path), 'utf8');
    hb.parse(source); // syntax errors at start-up, not at a customer's first visit
    return hb.compile(source, options);
  };
  /** A mailto link whose subject carries the reference code, e.g. "Reference FR-0000-0001". */
  hb.registerHelper('mailto', (email: unknown, label: unknown, reference: unknown) => {
    return `mailto:${String(email)}?subject=${encodeURIComponent(`${String(label)} ${String(reference)}`)}`;
  });
  hb.registerHelper('tel', (phone: unknown) => `tel:${String(phone).replace(/[^+\d]/g, '')}`);
  hb.registerPartial('layout', compile('layout.html.hbs'));
  const status = compile('status.html.hbs');
  const byLanguage = new Map<string, HandlebarsTemplateDelegate>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(join(dir, entry.name, 'page.html.hbs'))) {
      byLanguage.set(entry.name, compile(join(entry.name, 'page.html.hbs')));
    }
  }
  if (!byLanguage.has('en')) throw new Error(`${dir}: no en/page.html.hbs`);
  return {
    languages: [...byLanguage.keys()],
    page: (language, view) => (byLanguage.get(language) ?? byLanguage.get('en')!)(view),
    status: (view) => status(view),
  };
}
