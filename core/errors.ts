/**
 * Every domain error, in one place. Each class has a stable `code` (what callers, logs and the HTTP
 * table match on; never reworded) and a `name` equal to the class name (what Temporal sees as the
 * failure type of an activity). They are mapped once at each boundary: to HTTP statuses in
 * api/http-errors.ts, and to non-retryable activity failures through `NON_RETRYABLE_ERROR_TYPES`.
 *
 * Pure: workflows and the console's shared code may import this module.
 */

/** The base of every domain error: a stable machine-readable `code` beside the human message. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

// --- Request errors (the caller can fix them) ----------------------------------------------------

/** Thrown when input breaks a rule the schema cannot express (e.g. an unknown customer id). Maps to 400. */
export class ValidationError extends DomainError {
  override name = 'ValidationError';
  readonly code: string = 'validation_failed';
  constructor(
    message: string,
    /** The field path the caller got wrong, e.g. `customerExternalIds[3]`. */
    readonly field: string,
  ) {
    super(message);
  }
}

/** One rejected row of an inventory import. */
export interface ImportProblem {
  /** 1-based data row of the CSV file (the header is row 0). */
  row: number;
  /** The CSV column (camelCase field name) at fault; '' when the row as a whole is. */
  field: string;
  message: string;
}

/**
 * Thrown by the CSV imports when the file cannot be imported as a whole: a bad or missing header,
 * or rows that break the rules (listed in `problems`, the first 20). Nothing was written. Maps to 400.
 */
export class InventoryImportError extends DomainError {
  override name = 'InventoryImportError';
  readonly code = 'inventory_import_rejected';
  constructor(
    message: string,
    readonly problems: ImportProblem[] = [],
  ) {
    super(message);
  }
  /** The first offending field as a JSON-style path, e.g. `[11].email` (0-based, like a JSON array). */
  get field(): string {
    const first = this.problems[0];
    return first ? `[${first.row - 1}]${first.field ? `.${first.field}` : ''}` : '';
  }
}

/** Thrown when a requested record does not exist (or the caller may not know it does). Maps to 404. */
export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  readonly code: string = 'not_found';
}

/**
 * Thrown by a use case or an activity given an incident id that has no row. Maps to 404; in an
 * activity it is final (retrying cannot make the row appear), so it is not retried.
 */
export class IncidentNotFoundError extends NotFoundError {
  override name = 'IncidentNotFoundError';
  override readonly code = 'incident_not_found';
  constructor(readonly incidentId: string) {
    super(`No incident ${incidentId}`);
  }
}

/** Thrown when a notice names a template version whose snapshot is not stored. Not retried. */
export class TemplateSnapshotMissingError extends NotFoundError {
  override name = 'TemplateSnapshotMissingError';
  override readonly code = 'template_snapshot_missing';
  constructor(readonly version: string) {
    super(`template snapshot ${version} is missing`);
  }
}

/** Thrown when the caller's role does not allow the action, e.g. approving one's own incident. Maps to 403. */
export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
  readonly code: string = 'forbidden';
}

/** Thrown when the action does not fit the current state, e.g. approving a notice already decided. Maps to 409. */
export class ConflictError extends DomainError {
  override name = 'ConflictError';
  readonly code: string = 'conflict';
}

/**
 * Thrown when a sign-in is refused for who the person is, not for a broken credential: an OIDC
 * sign-in with no group that maps to a role, a deactivated user, an identity whose email belongs to
 * another account. Audited as `sign_in_failed`. Maps to 403.
 */
export class SignInRefusedError extends ForbiddenError {
  override name = 'SignInRefusedError';
  override readonly code = 'sign_in_refused';
}

/**
 * Thrown by delivery when asked to send a notice that is not approved: the workflow only starts
 * delivery after the approval committed, so this is final. Not retried.
 */
export class NoticeNotApprovedError extends ConflictError {
  override name = 'NoticeNotApprovedError';
  override readonly code = 'notice_not_approved';
  constructor(readonly noticeId: string) {
    super(`notice ${noticeId} is not approved`);
  }
}

/**
 * Thrown by core/db when a write breaks a unique constraint (PostgreSQL 23505), naming the
 * constraint, so no caller needs to know PostgreSQL's error codes. Maps to 409.
 */
export class DuplicateKeyError extends ConflictError {
  override name = 'DuplicateKeyError';
  override readonly code = 'duplicate_key';
  constructor(
    /** The violated constraint, e.g. `incidents_idempotency_key_key`. */
    readonly constraint: string,
    cause?: unknown,
  ) {
    super(`duplicate key violates ${constraint}`, { cause });
  }
}

// --- Errors of the system's own data or set-up (a person must fix them; retrying will not) -------

/** Thrown when the environment holds a bad value; the message lists every one. */
export class ConfigError extends DomainError {
  override name = 'ConfigError';
  readonly code = 'config_invalid';
}

/**
 * Thrown at start by the API or the worker when the database lacks migrations this code needs and
 * the migration step did not finish in time (it runs before the services: `npm run migrate`).
 */
export class SchemaNotReadyError extends DomainError {
  override name = 'SchemaNotReadyError';
  readonly code = 'schema_not_ready';
  constructor(
    /** The migrations still missing, in order. */
    readonly missing: string[],
    timeoutMs: number,
    cause?: unknown,
  ) {
    super(
      `The database schema is not migrated: ${missing[0] ?? '?'}${missing.length > 1 ? ` and ${missing.length - 1} later migration(s)` : ''} not run after waiting ${Math.round(timeoutMs / 1000)} s. Run the migration step first (npm run migrate).`,
      { cause },
    );
  }
}

/** Thrown by `compileTemplates` when sources are malformed; the message lists every problem. */
export class TemplateSourceError extends DomainError {
  override name = 'TemplateSourceError';
  readonly code = 'template_source_invalid';
}

/** Thrown when rendering a template that the set does not contain. */
export class TemplateNotFoundError extends DomainError {
  override name = 'TemplateNotFoundError';
  readonly code = 'template_not_found';
}

/** Thrown when input cannot make an honest, lawful notice (e.g. a full card number to print). */
export class RenderInputError extends DomainError {
  override name = 'RenderInputError';
  readonly code = 'render_input_invalid';
}

/** Thrown when a time zone name is not a valid IANA zone (a typo in a rule). */
export class InvalidTimeZoneError extends DomainError {
  override name = 'InvalidTimeZoneError';
  readonly code = 'invalid_time_zone';
  constructor(readonly timeZone: string) {
    super(`Invalid IANA time zone: ${timeZone}`);
  }
}

/** Thrown when business days are counted for a jurisdiction that has no holiday calendar here. */
export class NoHolidayCalendarError extends DomainError {
  override name = 'NoHolidayCalendarError';
  readonly code = 'no_holiday_calendar';
  constructor(readonly jurisdiction: string) {
    super(`No public-holiday calendar for jurisdiction ${jurisdiction}`);
  }
}

// --- Delivery outcomes (handled inside core/delivery; never reach a caller as such) ---------------

/**
 * Why a send failed, in the terms the delivery logic needs. Thrown (as a rejection of `send`) for
 * every failure except a refused commit, which rejects with the commit's own error.
 */
export class SmtpSendError extends DomainError {
  override name = 'SmtpSendError';
  readonly code: string = 'smtp_send_failed';
  constructor(
    message: string,
    /** True for a 5xx refusal or an address the client cannot use: sending again will not help. */
    readonly permanent: boolean,
    /** The relay's reply, or the connection error, for the record. */
    readonly reply: string,
    /** True when the relay answered after the commit point: the message was refused, not lost. */
    readonly afterCommit: boolean,
    /**
     * True when the relay itself refused or was unreachable (connection refused or lost, 421, a
     * refusal of the greeting, EHLO, AUTH or MAIL FROM), not this one recipient: a relay set
     * (core/mail/relay-set.ts) takes the relay out and sends the message through another.
     * @default false
     */
    readonly relayRefused: boolean = false,
    /** The relay that answered (SmtpPoolOptions.relay), for the metrics' `relay` label. @default undefined */
    readonly relay?: string,
  ) {
    super(message);
  }
}

/**
 * Thrown by a relay set (core/mail/relay-set.ts) before a message's commit point when no relay can
 * take it now: every relay is out of rotation (`reason: 'down'`) or has used its quota
 * (`reason: 'quota'`). Temporary and nothing was sent: the shard pass stops without recording a
 * failure, and the activity's retry (up to 30 s later) takes its claims over and sends them.
 */
export class RelaysUnavailableError extends SmtpSendError {
  override name = 'RelaysUnavailableError';
  override readonly code = 'relays_unavailable';
  constructor(readonly reason: 'down' | 'quota') {
    const text =
      reason === 'quota' ? 'every relay has used its quota for now' : 'no relay is taking messages';
    super(text, false, text, false, true);
  }
}

/** Thrown when another attempt has taken this attempt's claims over: this one is stale and stops. */
export class LeaseLostError extends DomainError {
  override name = 'LeaseLostError';
  readonly code = 'lease_lost';
}

/**
 * Errors an activity must not retry: retrying cannot make a deleted incident or notice appear, or
 * make invalid input valid. activities/index.ts turns these into non-retryable failures. Errors
 * of our own code or data (a rule's bad time zone, a missing template snapshot) stay retryable on
 * purpose: a deploy that fixes them lets the waiting workflow carry on.
 */
export const NON_RETRYABLE_ERROR_TYPES = [
  'ValidationError',
  'NotFoundError',
  'IncidentNotFoundError',
  'NoticeNotApprovedError',
  'ForbiddenError',
] as const;
