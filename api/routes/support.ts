import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import * as audit from '../../core/db/audit';
import * as cases from '../../core/db/cases';
import type { CaseRow } from '../../core/db/cases';
import * as incidents from '../../core/db/incidents';
import * as notices from '../../core/db/notices';
import { inTransaction } from '../../core/db/pool';
import { noticeInputBuilder } from '../../core/delivery';
import { NotFoundError } from '../../core/errors';
import { renderIndividualNotice } from '../../core/mail/render';
import type { TemplateCache } from '../../core/mail/template-cache';
import type { App, AppDeps } from '../types';
import { requireRole } from '../auth';
import { ErrorResponse } from '../schemas/common';
import { SupportCaseList, SupportCaseQuery } from '../schemas/support';
import type { SupportCase } from '../schemas/support';

/** Cases returned for one email address at most (newest first). */
const MAX_CASES = 50;

/**
 * Support lookup: a customer calls or writes quoting their reference code (or from their email
 * address); staff see every case of theirs across incidents — what was exposed, where and when the
 * notice went, whether they acknowledged it, and the notice itself as they were sent it — so the
 * customer never has to explain again. Every lookup is audited by ids: who looked up which customer.
 */
export async function supportRoutes(app: App, deps: AppDeps & { templates: TemplateCache }) {
  const { pool, config, templates } = deps;

  app.get(
    '/api/support/cases',
    {
      preHandler: requireRole('support', 'compliance', 'admin'),
      schema: {
        summary: "Find a customer's cases by reference code or email address, with the notice they were sent",
        querystring: SupportCaseQuery,
        response: { 200: SupportCaseList, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { reference, email } = request.query;
      const by = reference !== undefined ? 'reference' : 'email';
      const rows =
        reference !== undefined
          ? await cases.findByReference(pool, reference)
          : await cases.findByEmail(pool, email!, MAX_CASES);
      await recordLookup(request.user!.id, by, rows);
      if (rows.length === 0) {
        throw new NotFoundError(
          by === 'reference' ? 'No case has this reference code' : 'No case for this email address',
        );
      }
      const render = noticeRenderer();
      return { items: await Promise.all(rows.map((r) => present(r, render))) };
    },
  );

  /** One audit event per incident the lookup touched (or one without an incident when nothing matched). */
  const recordLookup = (actor: string, by: 'reference' | 'email', rows: CaseRow[]) =>
    inTransaction(pool, async (tx) => {
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
      for (const [incidentId, customerIds] of byIncident) {
        await audit.append(tx, {
          incidentId,
          actor,
          action: 'support_lookup',
          detail: { lookupId, by, found: rows.length, customerIds },
        });
      }
    });

  const present = async (c: CaseRow, render: NoticeRenderer): Promise<z.infer<typeof SupportCase>> => ({
    incident: { id: c.incidentId, title: c.incidentTitle, status: c.incidentStatus },
    referenceCode: c.referenceCode,
    customer: {
      id: c.customerId,
      externalId: c.externalId,
      fullName: c.fullName,
      email: c.email,
      locale: c.locale,
      status: c.customerStatus,
      representativeName: c.representativeName,
      representativeEmail: c.representativeEmail,
    },
    jurisdiction: c.jurisdiction,
    categories: c.categories,
    status: c.caseStatus,
    delivery:
      c.deliveryId === null
        ? null
        : {
            status: c.deliveryStatus!,
            recipient: c.sentTo!,
            sentAt: c.sentAt,
            attempts: c.attempts,
            lastReply: c.lastReply,
          },
    acknowledgedAt: c.acknowledgedAt,
    mergedRecords: c.mergedRecords,
    notice: await render(c),
  });

  /**
   * Renders a case's notice again from its own template snapshot, through the delivery path. One
   * per request: the cases of one notice share its row, snapshot and input builder.
   */
  const noticeRenderer = () => {
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
    return async (c: CaseRow) => {
      if (!c.noticeId) return null;
      let entry = loaded.get(c.noticeId);
      if (!entry) {
        entry = load(c.noticeId, c.incidentId);
        loaded.set(c.noticeId, entry);
      }
      const found = await entry;
      if (!found) return null;
      const { notice, set, inputFor } = found;
      const mail = renderIndividualNotice(set, inputFor(c));
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
      };
    };
  };
}

type NoticeRenderer = (c: CaseRow) => Promise<z.infer<typeof SupportCase>['notice']>;
