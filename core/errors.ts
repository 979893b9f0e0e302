/**
 * Typed errors, mapped once at each boundary: to HTTP statuses in api/ and to non-retryable
 * activity failures in activities/.
 */

/** Thrown when input breaks a rule the schema cannot express (e.g. an unknown customer id). Maps to 400. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    message: string,
    /** The field path the caller got wrong, e.g. `customerExternalIds[3]`. */
    readonly field: string,
  ) {
    super(message);
  }
}

/** Thrown when a requested record does not exist (or the caller may not know it does). Maps to 404. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** Thrown when the caller's role does not allow the action, e.g. approving one's own incident. Maps to 403. */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

/** Thrown when the action does not fit the current state, e.g. approving a notice already decided. Maps to 409. */
export class ConflictError extends Error {
  override name = 'ConflictError';
}
