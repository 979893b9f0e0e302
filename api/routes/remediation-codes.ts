import {
  CODE_ROLES,
  codeStatus,
  importCodes,
  listPeopleWithoutCode,
} from '../../core/use-cases/remediation-codes';
import { requireRole } from '../auth';
import { ErrorResponse, IdParams } from '../schemas/common';
import {
  CodeStatusResult,
  ImportCodesBody,
  ImportCodesResult,
  WithoutCodeList,
  WithoutCodeQuery,
} from '../schemas/remediation-codes';
import type { App, AppDeps } from '../types';

/**
 * Remediation codes (core/use-cases/remediation-codes.ts): a vendor's file imported for an incident,
 * how the codes stand against the people the law says need one, and who is left without. The codes
 * themselves never leave here: each is in its holder's notice and page only.
 */
export async function remediationCodeRoutes(app: App, deps: AppDeps) {
  app.post(
    '/api/incidents/:id/remediation-codes',
    {
      onRequest: requireRole(...CODE_ROLES),
      bodyLimit: deps.config.http.importBodyLimitBytes,
      schema: {
        summary:
          "Import a vendor's file of enrolment codes (provider,product,term_months,enroll_by,code,minor)",
        params: IdParams,
        body: ImportCodesBody,
        response: { 200: ImportCodesResult, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) =>
      importCodes(deps, request.user!, {
        incidentId: request.params.id,
        csv: request.body.csv,
        enrollUrl: request.body.enrollUrl,
      }),
  );

  app.get(
    '/api/incidents/:id/remediation-codes',
    {
      onRequest: requireRole('officer', 'compliance', 'admin'),
      schema: {
        summary: 'The code pools and how they stand against the people who need a code',
        params: IdParams,
        response: { 200: CodeStatusResult, 404: ErrorResponse },
      },
    },
    async (request) => codeStatus(deps, request.params.id),
  );

  app.get(
    '/api/incidents/:id/remediation-codes/without',
    {
      onRequest: requireRole(...CODE_ROLES),
      schema: {
        summary: 'People whose notice offers identity-theft protection and who hold no code',
        params: IdParams,
        querystring: WithoutCodeQuery,
        response: { 200: WithoutCodeList, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { after, limit } = request.query;
      const items = await listPeopleWithoutCode(deps, request.user!, {
        incidentId: request.params.id,
        after,
        limit,
      });
      return { items, next: items.length === limit ? items.at(-1)!.customerId : null };
    },
  );
}
