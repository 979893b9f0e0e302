import { DomainError, InventoryImportError, ValidationError } from '../core/errors';

/**
 * The one table from domain error codes (core/errors.ts) to HTTP. A code listed here is the
 * caller's to fix, and its message is shown; any other error is ours, answered as a 500 that says
 * nothing of internals (and logged).
 */
export const HTTP_ERRORS: Readonly<Record<string, { statusCode: number; error: string }>> = {
  validation_failed: { statusCode: 400, error: 'Bad Request' },
  inventory_import_rejected: { statusCode: 400, error: 'Bad Request' },
  forbidden: { statusCode: 403, error: 'Forbidden' },
  sign_in_refused: { statusCode: 403, error: 'Forbidden' },
  not_found: { statusCode: 404, error: 'Not Found' },
  incident_not_found: { statusCode: 404, error: 'Not Found' },
  conflict: { statusCode: 409, error: 'Conflict' },
  duplicate_key: { statusCode: 409, error: 'Conflict' },
};

export interface HttpErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** The first field at fault, as a path (e.g. `customerExternalIds.3`). */
  field?: string;
  issues?: { field: string; message: string }[];
}

/** The answer for a domain error listed in HTTP_ERRORS, or null for anything else (a 500). */
export function httpErrorOf(error: unknown): HttpErrorBody | null {
  if (!(error instanceof DomainError)) return null;
  const entry = HTTP_ERRORS[error.code];
  if (!entry) return null;
  if (error instanceof ValidationError) {
    return { ...entry, message: `${error.field}: ${error.message}`, field: error.field };
  }
  if (error instanceof InventoryImportError) {
    return {
      ...entry,
      message: error.message,
      field: error.field,
      issues: error.problems.map((p) => ({
        field: `[${p.row - 1}]${p.field ? `.${p.field}` : ''}`,
        message: p.message,
      })),
    };
  }
  return { ...entry, message: error.message };
}
