import { describe, expect, it } from 'vitest';
import { HTTP_ERRORS, httpErrorOf } from '../../api/http-errors';
import * as errors from '../../core/errors';
import {
  DomainError,
  InventoryImportError,
  NON_RETRYABLE_ERROR_TYPES,
  ValidationError,
} from '../../core/errors';

type AnyErrorClass = new (...args: unknown[]) => DomainError;

/** Every domain error class core/errors.ts exports, with an instance of each. */
const classes = Object.entries(errors)
  .filter(([, value]) => typeof value === 'function' && value.prototype instanceof DomainError)
  .map(([name, value]) => ({ name, instance: new (value as AnyErrorClass)('why') }));

/** Errors that are ours to fix, never the caller's: a 500 that says nothing of internals. */
const INTERNAL = [
  'ConfigError',
  'SchemaNotReadyError',
  'TemplateSnapshotMissingError',
  'NoticeNotApprovedError',
  'TemplateSourceError',
  'TemplateNotFoundError',
  'RenderInputError',
  'InvalidTimeZoneError',
  'NoHolidayCalendarError',
  'SmtpSendError',
  'RelaysUnavailableError',
  'LeaseLostError',
];

describe('api/http-errors', () => {
  it('knows every domain error class: each is in the HTTP table or deliberately a 500', () => {
    expect(classes.length).toBeGreaterThan(10);
    for (const { name, instance } of classes) {
      const listed = instance.code in HTTP_ERRORS;
      expect({ name, decided: listed !== INTERNAL.includes(name) }).toEqual({ name, decided: true });
    }
  });

  it('gives each class a stable code of its own and its class name as `name` (what Temporal matches)', () => {
    const codes = classes.map((c) => c.instance.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const { name, instance } of classes) {
      expect(instance.name).toBe(name);
      expect(instance.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    }
    for (const type of NON_RETRYABLE_ERROR_TYPES) expect(classes.map((c) => c.name)).toContain(type);
  });

  it('maps through the table, showing 4xx messages and field paths', () => {
    expect(httpErrorOf(new errors.IncidentNotFoundError('abc'))).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'No incident abc',
    });
    expect(httpErrorOf(new errors.ForbiddenError('not yours'))).toMatchObject({
      statusCode: 403,
      message: 'not yours',
    });
    expect(httpErrorOf(new errors.DuplicateKeyError('k'))).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
    });
    expect(httpErrorOf(new ValidationError('is unknown', 'customerExternalIds.2'))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'customerExternalIds.2: is unknown',
      field: 'customerExternalIds.2',
    });
    expect(
      httpErrorOf(
        new InventoryImportError('bad rows', [{ row: 2, field: 'email', message: 'is not an email' }]),
      ),
    ).toMatchObject({
      statusCode: 400,
      field: '[1].email',
      issues: [{ field: '[1].email', message: 'is not an email' }],
    });
  });

  it('leaves everything else to the 500 answer', () => {
    expect(httpErrorOf(new errors.ConfigError('DATABASE_URL is bad'))).toBeNull();
    expect(httpErrorOf(new Error('boom'))).toBeNull();
    expect(httpErrorOf('a string')).toBeNull();
  });
});
