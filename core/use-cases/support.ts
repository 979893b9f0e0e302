import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import * as audit from '../db/audit';
import * as cases from '../db/cases';
import type { CaseRow } from '../db/cases';
import * as incidents from '../db/incidents';
import * as notices from '../db/notices';
import type { Notice } from '../db/notices';
import type { Pool } from '../db/pool';
import { inTransaction } from '../db/pool';
import { noticeInputBuilder, recipientPageToken, renderSentCopy, withholdPageLink } from '../delivery';
import { NotFoundError } from '../errors';
import { renderIndividualNotice } from '../mail/render';
import type { TemplateCache } from '../mail/template-cache';
import { questionsOfCases } from './questions';
import type { CaseQuestion } from './questions';
import type { Actor } from './types';

/** Cases returned for one email address at most (newest first). */
const MAX_CASES = 50;

export interface SupportDeps {
  pool: Pool;
  templates: TemplateCache;
  config: Readonly<Config>;
}

/**
 * The notice a case's customer was sent, rendered again exactly as they received it from its copy
 * (core/delivery/sent-copy.ts); before it is sent, the notice as it stands.
 */
export interface CaseNotice {
  id: string;
  version: number;
  status: Notice['status'];
  templateVersion: string;
  contentHash: string;
  decidedAt: Date | null;
  language: string;
  subject: string;
  text: string;
  /** The copy's SHA-256 as sent and whether this rendering matches it; null when nothing was sent. */
  sent: { contentHash: string; verified: boolean } | null;
}

/**
 * Support lookup: every case of a customer, found by reference code or email address, with the
 * notice each was sent. Every lookup is audited by ids (who looked up which customers), in one
 * transaction, before anything is shown. Throws NotFoundError when nothing matched (still audited).
 */
export async function lookUpCases(
  deps: SupportDeps,
  actor: Actor,
  query: { reference?: string | undefined; email?: string | undefined },
): Promise<{ row: CaseRow; notice: CaseNotice | null; questions: CaseQuestion[] }[]> {
  const { pool } = deps;
  const by = query.reference !== undefined ? 'reference' : 'email';
  const rows =
    query.reference !== undefined
      ? await cases.findByReference(pool, query.reference)
      : await cases.findByEmail(pool, query.email!, MAX_CASES);
  await recordLookup(pool, actor.id, by, rows);
  if (rows.length === 0) {
    throw new NotFoundError(
      by === 'reference' ? 'No case has this reference code' : 'No case for this email address',
    );
  }
  const render = noticeRenderer(deps);
  // What the customer asked on their page, with each question's history (core/use-cases/questions.ts).
  const asked = await questionsOfCases(pool, rows);
  return Promise.all(
    rows.map(async (row) => ({
      row,
      notice: await render(row),
      questions: asked.get(`${row.incidentId}:${row.customerId}`) ?? [],
    })),
  );
}

/** One audit event per incident the lookup touched (or one without an incident when nothing matched). */
function recordLookup(pool: Pool, actor: string, by: 'reference' | 'email', rows: CaseRow[]): Promise<void> {
  return inTransaction(pool, async (tx) => {
    const lookupId = randomUUID();
    const byIncident = new Map<string, number[]>();
    for (const r of rows)
      byIncident.set(r.incidentId, [...(byIncident.get(r.incidentId) ?? []), r.customerId]);
    if (byIncident.size === 0) {
      await audit.append(tx, {
        incidentId: null,
        actor,
        action: 'support_lookup',
        detail: { lookupId, by, found: 0 },
      });
    }
    // In incident order: each append waits for its incident's audit chain (migration 007), and two
    // lookups taking two chains in opposite orders would deadlock.
    for (const [incidentId, customerIds] of [...byIncident].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await audit.append(tx, {
        incidentId,
        actor,
        action: 'support_lookup',
        detail: { lookupId, by, found: rows.length, customerIds },
      });
    }
  });
}

/**
 * Renders a case's notice again from its own template snapshot, through the delivery path (from
 * its copy once sent). One
 * per lookup: the cases of one notice share its row, snapshot and input builder.
 */
function noticeRenderer(deps: SupportDeps): (c: CaseRow) => Promise<CaseNotice | null> {
  const { pool, templates, config } = deps;
  const loaded = new Map<string, ReturnType<typeof load>>();
  const load = async (noticeId: string, incidentId: string) => {
    const [notice, incident] = await Promise.all([
      notices.get(pool, noticeId),
      incidents.get(pool, incidentId),
    ]);
    if (!notice || !incident) return null;
    const set = await templates.get(notice.templateVersion);
    return { notice, set, inputFor: noticeInputBuilder(notice, incident, config) };
  };
  return async (c) => {
    if (!c.noticeId) return null;
    let entry = loaded.get(c.noticeId);
    if (!entry) {
      entry = load(c.noticeId, c.incidentId);
      loaded.set(c.noticeId, entry);
    }
    const found = await entry;
    if (!found) return null;
    const { notice, set, inputFor } = found;
    // The token is computed again from the record's random value, so the copy renders as sent.
    const copy = await renderSentCopy(pool, set, c, c, recipientPageToken(config, c));
    // Checked against its hash as rendered (copy.verified); shown with the customer's link withheld.
    const mail = withholdPageLink(copy?.mail ?? renderIndividualNotice(set, inputFor(c)));
    return {
      id: notice.id,
      version: notice.version,
      status: notice.status,
      templateVersion: notice.templateVersion,
      contentHash: notice.contentHash,
      decidedAt: notice.decidedAt,
      language: mail.locale,
      subject: mail.subject,
      text: mail.text,
      sent: copy && { contentHash: copy.contentHash, verified: copy.verified },
    };
  };
}
