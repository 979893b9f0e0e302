import type { Config } from '../config';
import * as audit from '../db/audit';
import * as cases from '../db/cases';
import type { PageRow } from '../db/cases';
import * as incidents from '../db/incidents';
import * as notices from '../db/notices';
import type { Pool } from '../db/pool';
import { inTransaction } from '../db/pool';
import { noticeInputBuilder, pageTokenHash, sentNoticeInput } from '../delivery';
import { renderCustomerPage } from '../mail/render';
import type { QuestionFormError } from '../mail/render';
import { questionFormToken } from './questions';
import type { TemplateCache } from '../mail/template-cache';
import type { PageTemplateSet } from '../mail/templates';

/**
 * What an affected customer does on their own page, /n/<token>: read it, and say they have read
 * the notice. There is no signed-in actor: the page token (256 bits, in the customer's letter) is
 * the only credential (stored only as a hash, core/delivery/page-token.ts), and the audit trail
 * records the actor as `customer`.
 *
 * Built for the burst when the notices land (bench/pages.ts): a request is one indexed read
 * (`findCustomerPage`), whatever the token; a page is rendered from the stored copy of the notice
 * once per API process and then served as stored (`RenderedPages`); acknowledgements commit
 * together (`Acknowledgements`), so visitors never queue behind each other's commits.
 */

export interface CustomerPageDeps {
  pool: Pool;
  templates: TemplateCache;
  config: Readonly<Config>;
  /** The page's own templates (`loadPageTemplates`), compiled once at start-up. */
  pages: PageTemplateSet;
  /** Pages already rendered in this process. @default none kept */
  rendered?: RenderedPages;
}

/** The page's path under the public base URL, e.g. `/n/<token>` or `/notices/n/<token>`. */
export function customerPagePath(config: Readonly<Config>, token: string): string {
  const basePath = new URL(config.http.publicBaseUrl).pathname.replace(/\/+$/, '');
  return `${basePath}/n/${token}`;
}

/** Where a token leads: a page (with the token's hash, its key), an expired link, or nowhere. */
export type PageLookup =
  { kind: 'page'; row: PageRow; tokenHash: string } | { kind: 'expired' } | { kind: 'miss' };

/**
 * Where a token leads, after exactly one read whatever it looks like: the token is hashed and the
 * hash looked up by its unique index (`cases.findPageByTokenHash`). Nothing is compared with the
 * token itself, so no timing reveals how near a guess came; a malformed or empty token takes the
 * same path as a well-formed one. `expired` PAGE_TOKEN_DAYS after the notice was sent; a miss for
 * no such token or nothing approved yet.
 */
export async function findCustomerPage(pool: Pool, token: string): Promise<PageLookup> {
  const tokenHash = pageTokenHash(token);
  const row = await cases.findPageByTokenHash(pool, tokenHash);
  if (!row) return { kind: 'miss' };
  if (row.pageExpiresAt !== null && row.pageExpiresAt.getTime() <= Date.now()) return { kind: 'expired' };
  return row.noticeId && row.templateVersion ? { kind: 'page', row, tokenHash } : { kind: 'miss' };
}

/**
 * The customer's page as HTML. A notice that was sent is shown from its copy (core/delivery/
 * sent-copy.ts: the context stored when it went out, the recipient frozen on the record and the
 * token the person came with, which is the one they were sent), through the same renderer as
 * delivery, so the page shows the letter exactly as sent whatever the inventory or the incident's
 * facts became since. Such a page is rendered once and kept (`deps.rendered`): everything it is
 * made of is immutable but the acknowledgement, which is part of its key. A notice not sent (yet,
 * or handled by hand) is rendered from the notice as it stands, every time.
 */
export async function customerPageHtml(
  deps: CustomerPageDeps,
  found: Extract<PageLookup, { kind: 'page' }>,
  token: string,
  /** A question post refused: the page again with the text sent and why (never kept). */
  refused?: { draft: string; error: QuestionFormError },
): Promise<string> {
  const { row } = found;
  const key =
    row.sendContext && !refused
      ? `${found.tokenHash}|${row.noticeId}|${row.sendContext}|${row.acknowledgedAt?.getTime() ?? ''}|${row.remindersOptedOutAt?.getTime() ?? ''}|${questionsKey(row)}`
      : null;
  const kept = key === null ? undefined : deps.rendered?.get(key);
  if (kept !== undefined) return kept;
  const set = await deps.templates.get(row.templateVersion!);
  // A delivery's copy belongs to the delivery's notice, which is then `row.noticeId`.
  const notice =
    (await sentNoticeInput(deps.pool, row, row.sendContext, token)) ??
    (await currentNoticeInput(deps, row, token));
  const html = renderCustomerPage(deps.pages, set, {
    notice,
    acknowledgedAt: row.acknowledgedAt,
    acknowledgeAction: `${customerPagePath(deps.config, token)}/acknowledge`,
    reminders: {
      action: `${customerPagePath(deps.config, token)}/reminders`,
      optedOutAt: row.remindersOptedOutAt,
    },
    questionForm: {
      action: `${customerPagePath(deps.config, token)}/questions`,
      formToken: questionFormToken(deps.config, found.tokenHash),
      draft: refused?.draft ?? '',
      error: refused?.error ?? null,
    },
    questions: row.questions.map((q) => ({
      body: q.body,
      askedAt: new Date(q.askedAt),
      answer: q.answer,
      answeredAt: q.answeredAt === null ? null : new Date(q.answeredAt),
      channel: q.channel,
    })),
  });
  if (key !== null) deps.rendered?.set(key, html);
  return html;
}

/** What of a page's questions it shows, as part of its cache key: a new question or answer renders again. */
function questionsKey(row: PageRow): string {
  return row.questions.map((q) => `${q.id}:${q.status}`).join(',');
}

/** The renderer's input for a notice not sent: the notice and the incident as they stand. */
async function currentNoticeInput(deps: CustomerPageDeps, row: PageRow, token: string) {
  const [notice, incident] = await Promise.all([
    notices.get(deps.pool, row.noticeId!),
    incidents.get(deps.pool, row.incidentId),
  ]);
  if (!notice || !incident)
    throw new Error(`page ${row.incidentId}/${row.customerId}: notice or incident gone`);
  return noticeInputBuilder(notice, incident, deps.config)(row, token);
}

/**
 * Pages rendered in this process, most recently used kept, up to `maxBytes` of HTML (UTF-16 in
 * memory: two bytes a character). They hold personal data, as the process does while serving them;
 * nothing is written anywhere.
 */
export class RenderedPages {
  private readonly pages = new Map<string, string>();
  private bytes = 0;

  /** @param maxBytes @default 32 MiB, some 2,000 pages */
  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  get(key: string): string | undefined {
    const html = this.pages.get(key);
    if (html !== undefined) {
      this.pages.delete(key);
      this.pages.set(key, html);
    }
    return html;
  }

  set(key: string, html: string): void {
    if (this.pages.has(key)) return;
    this.pages.set(key, html);
    this.bytes += html.length * 2;
    for (const [oldest, old] of this.pages) {
      if (this.bytes <= this.maxBytes) break;
      this.pages.delete(oldest);
      this.bytes -= old.length * 2;
    }
  }
}

/**
 * Records that these customers have read their notices, each with its `notice_acknowledged` audit
 * entry, in one transaction. Pressing it again changes nothing: the first time stands (and its
 * audit entry's dedupe key makes a repeat a no-op too). Records are taken in (incident, customer)
 * order, so two transactions lock incidents' audit chains in the same order.
 */
async function acknowledgeNotices(pool: Pool, pages: readonly PageRow[]): Promise<void> {
  const noticeOf = new Map(pages.map((p) => [`${p.incidentId}:${p.customerId}`, p.noticeId]));
  const records = [...new Map(pages.map((p) => [`${p.incidentId}:${p.customerId}`, p])).values()].sort(
    (a, b) => a.incidentId.localeCompare(b.incidentId) || a.customerId - b.customerId,
  );
  await inTransaction(pool, async (tx) => {
    const done = await cases.acknowledgeMany(tx, records);
    done.sort((a, b) => a.incidentId.localeCompare(b.incidentId) || a.customerId - b.customerId);
    for (const d of done) {
      await audit.append(tx, {
        incidentId: d.incidentId,
        actor: 'customer',
        action: 'notice_acknowledged',
        detail: {
          customerId: d.customerId,
          noticeId: noticeOf.get(`${d.incidentId}:${d.customerId}`),
          acknowledgedAt: d.acknowledgedAt.toISOString(),
        },
        dedupeKey: `notice_acknowledged:${d.incidentId}:${d.customerId}`,
      });
    }
  });
}

/**
 * Acknowledgements as they arrive in a burst, committed together. Each caller waits for its own
 * acknowledgement to be committed with its audit entry (so the page shows it on the redirect), but
 * callers that arrive while a transaction commits go into the next one: the audit entries of one
 * incident are appended under its chain's lock (migration 007), which a transaction per visitor
 * would make every visitor queue for, one commit at a time. Here the visitors take no shared lock;
 * one transaction at a time per API process does, for everyone waiting. A batch that fails is tried
 * again one record at a time, so one bad record fails alone.
 */
export class Acknowledgements {
  private queue: { page: PageRow; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;

  /** @param maxBatch records per transaction @default 200 */
  constructor(
    private readonly pool: Pool,
    private readonly maxBatch = 200,
  ) {}

  /** Resolves once this person's acknowledgement (or an earlier one) is committed. */
  record(page: PageRow): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ page, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await acknowledgeNotices(
            this.pool,
            batch.map((b) => b.page),
          );
          for (const b of batch) b.resolve();
        } catch (err) {
          if (batch.length === 1) batch[0]!.reject(err);
          else for (const b of batch) await acknowledgeNotices(this.pool, [b.page]).then(b.resolve, b.reject);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
