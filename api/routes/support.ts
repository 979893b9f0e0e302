import type { z } from 'zod';
import type { CaseRow } from '../../core/db/cases';
import type { TemplateCache } from '../../core/mail/template-cache';
import { lookUpCases } from '../../core/use-cases/support';
import type { CaseNotice } from '../../core/use-cases/support';
import type { App, AppDeps } from '../types';
import { requireRole } from '../auth';
import { ErrorResponse } from '../schemas/common';
import { SupportCaseList, SupportCaseQuery } from '../schemas/support';
import type { SupportCase } from '../schemas/support';

/**
 * Support lookup: a customer calls or writes quoting their reference code (or from their email
 * address); staff see every case of theirs across incidents — what was exposed, where and when the
 * notice went, whether they acknowledged it, and the notice itself as they were sent it — so the
 * customer never has to explain again. Every lookup is audited by ids: who looked up which customer.
 */
export async function supportRoutes(app: App, deps: AppDeps & { templates: TemplateCache }) {
  app.get(
    '/api/support/cases',
    {
      onRequest: requireRole('support', 'compliance', 'admin'),
      schema: {
        summary: "Find a customer's cases by reference code or email address, with the notice they were sent",
        querystring: SupportCaseQuery,
        response: { 200: SupportCaseList, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const found = await lookUpCases(deps, request.user!, request.query);
      return { items: found.map(({ row, notice }) => present(row, notice)) };
    },
  );

  const present = (c: CaseRow, notice: CaseNotice | null): z.infer<typeof SupportCase> => ({
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
    notice,
  });
}
