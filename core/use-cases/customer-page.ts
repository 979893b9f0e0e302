import type { Config } from '../config';
import * as audit from '../db/audit';
import * as cases from '../db/cases';
import type { CaseRow } from '../db/cases';
import * as incidents from '../db/incidents';
import * as notices from '../db/notices';
import type { Pool } from '../db/pool';
import { inTransaction } from '../db/pool';
import { noticeInputBuilder, pageTokenHash, sentNoticeInput } from '../delivery';
import { renderCustomerPage } from '../mail/render';
import type { TemplateCache } from '../mail/template-cache';
import type { PageTemplateSet } from '../mail/templates';

/**
 * What an affected customer does on their own page, /n/<token>: read it, and say they have read
 * the notice. There is no signed-in actor: the page token (256 bits, in the customer's letter) is
 * the only credential (stored only as a hash, core/delivery/page-token.ts), and the audit trail
 * records the actor as `customer`.
 */

export interface CustomerPageDeps {
  pool: Pool;
  templates: TemplateCache;
  config: Readonly<Config>;
  /** The page's own templates (`loadPageTemplates`), compiled once at start-up. */
  pages: PageTemplateSet;
}

/** The page's path under the public base URL, e.g. `/n/<token>` or `/notices/n/<token>`. */
export function customerPagePath(config: Readonly<Config>, token: string): string {
  const basePath = new URL(config.http.publicBaseUrl).pathname.replace(/\/+$/, '');
  return `${basePath}/n/${token}`;
}

/**
 * The case behind a token when it has a notice to show, `expired` when its link no longer works
 * (PAGE_TOKEN_DAYS after the notice was sent); anything else (no such token, nothing approved yet)
 * is null, after the same one indexed lookup by the token's hash, so no shape of link answers faster.
 */
async function caseWithNotice(pool: Pool, token: string): Promise<CaseRow | 'expired' | null> {
  const found = await cases.findByPageTokenHash(pool, pageTokenHash(token));
  if (!found) return null;
  if (found.pageExpiresAt !== null && found.pageExpiresAt.getTime() <= Date.now()) return 'expired';
  return found.noticeId ? found : null;
}

/**
 * The customer's page as HTML, rendered from the notice's approved template snapshot through the
 * same renderer as delivery. A notice that was sent is shown from its copy (core/delivery/sent-copy.ts:
 * the context stored when it went out, the recipient frozen on the case and the token the person
 * came with, which is the one they were sent), so the page shows the letter exactly as sent whatever
 * the inventory or the incident's facts became since; one not sent (yet, or handled by hand) from
 * the notice as it stands. `expired` when the link no longer works; null when it leads to no notice.
 */
export async function showCustomerPage(
  deps: CustomerPageDeps,
  token: string,
): Promise<string | 'expired' | null> {
  const found = await caseWithNotice(deps.pool, token);
  if (found === 'expired') return found;
  if (!found?.noticeId) return null;
  const [notice, incident] = await Promise.all([
    notices.get(deps.pool, found.noticeId),
    incidents.get(deps.pool, found.incidentId),
  ]);
  if (!notice || !incident) return null;
  const set = await deps.templates.get(notice.templateVersion);
  // A delivery's copy belongs to the delivery's notice, which is then `found.noticeId`.
  const sent = await sentNoticeInput(deps.pool, found, found.sendContext, token);
  return renderCustomerPage(deps.pages, set, {
    notice: sent ?? noticeInputBuilder(notice, incident, deps.config)(found, token),
    acknowledgedAt: found.acknowledgedAt,
    acknowledgeAction: `${customerPagePath(deps.config, token)}/acknowledge`,
  });
}

/**
 * Records that the customer has read their notice, with its `notice_acknowledged` audit entry, in
 * one transaction. Pressing it again changes nothing: the first time stands. Returns the page's
 * path to go back to, `expired` when the link no longer works, or null when it leads to no notice.
 */
export async function acknowledgeNotice(
  deps: Pick<CustomerPageDeps, 'pool' | 'config'>,
  token: string,
): Promise<{ pagePath: string } | 'expired' | null> {
  const found = await caseWithNotice(deps.pool, token);
  if (found === 'expired' || !found) return found;
  await inTransaction(deps.pool, async (tx) => {
    const at = await cases.acknowledge(tx, found.incidentId, found.customerId);
    if (!at) return;
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
  return { pagePath: customerPagePath(deps.config, token) };
}
