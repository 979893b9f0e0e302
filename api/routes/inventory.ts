import type { z } from 'zod';
import * as inventory from '../../core/db/inventory';
import { parseCustomersCsv, parseHoldingsCsv } from '../../core/db/inventory-csv';
import { ValidationError } from '../../core/errors';
import { importCustomers, importHoldings } from '../../core/use-cases/inventory';
import type { App, AppDeps } from '../types';
import { STAFF, requireRole } from '../auth';
import { ErrorResponse } from '../schemas/common';
import { CustomerImport, HoldingImport, ImportResult } from '../schemas/inventory';

/**
 * Inventory imports take a JSON array, or CSV with `Content-Type: text/csv`, validated by the same
 * schema. A bad row refuses the whole request, and nothing is written.
 */
export async function inventoryRoutes(app: App, deps: AppDeps) {
  const { pool } = deps;
  const importSchema = { response: { 200: ImportResult, 400: ErrorResponse } };

  app.post(
    '/api/inventory/customers',
    {
      onRequest: requireRole('admin', 'officer'),
      bodyLimit: deps.config.http.importBodyLimitBytes,
      schema: { summary: 'Import customers (JSON array or CSV)', ...importSchema },
    },
    async (request) => {
      const rows = validate(
        CustomerImport,
        isCsv(request.headers['content-type']) ? parseCustomersCsv(String(request.body)) : request.body,
      );
      return importCustomers(deps, rows, request.user!);
    },
  );

  app.post(
    '/api/inventory/holdings',
    {
      onRequest: requireRole('admin', 'officer'),
      bodyLimit: deps.config.http.importBodyLimitBytes,
      schema: { summary: 'Import holdings (JSON array or CSV)', ...importSchema },
    },
    async (request) => {
      const rows = validate(
        HoldingImport,
        isCsv(request.headers['content-type']) ? parseHoldingsCsv(String(request.body)) : request.body,
      );
      return importHoldings(deps, rows);
    },
  );

  app.get('/api/inventory/summary', { onRequest: requireRole(...STAFF) }, async () => ({
    customers: await inventory.countCustomers(pool),
    systems: await inventory.listSystems(pool),
    categories: await inventory.listCategories(pool),
  }));
}

const isCsv = (contentType: string | undefined) => contentType?.split(';')[0]?.trim() === 'text/csv';

/** Validates a body with its schema, answering 400 with the first field path at fault. */
function validate<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new ValidationError(issue.message, issue.path.join('.') || '(body)');
}
