// One error family for the whole service: errors are data, and one middleware maps them to HTTP responses.

import type { Problem } from '../policies/shared/problem.js';

/** One problem with a request field, listed in `error.details`: the rules' own problem type, as it is. */
export type ErrorDetail = Problem;

/** An error a client may see: status, stable snake_case code, a human message and optional details. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** 400: the request is malformed or invalid; `details` names each offending field. */
export class InvalidRequest extends AppError {
  constructor(code: string, message: string, details?: ErrorDetail[]) {
    super(400, code, message, details);
  }
}

/** 401: no valid credentials. Always the same message, so it reveals nothing about why. */
export class NotAuthenticated extends AppError {
  constructor(code = 'not_authenticated', message = 'Authentication is required.') {
    super(401, code, message);
  }
}

/** 403: authenticated but not allowed; the code is the reason. */
export class Forbidden extends AppError {
  constructor(code: string, message: string) {
    super(403, code, message);
  }
}

/** 404: not found — also used for another member's object, so existence is not revealed. */
export class NotFound extends AppError {
  constructor(message = 'Not found.') {
    super(404, 'not_found', message);
  }
}

/** 409: the request conflicts with the current state (duplicate, budget exhausted …). */
export class Conflict extends AppError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

/** 413: the body is larger than this route accepts. */
export class PayloadTooLarge extends AppError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `The request body exceeds the limit of ${limitBytes} bytes.`);
  }
}

/** 415: the body's content type is not one this route accepts. */
export class UnsupportedMediaType extends AppError {
  constructor(accepted: string[]) {
    super(415, 'unsupported_media_type', `Send the body as ${accepted.join(' or ')}.`);
  }
}

/** 429: too many requests; the client may retry after `retryAfterSeconds`. */
export class TooManyRequests extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    code = 'rate_limited',
  ) {
    super(429, code, 'Too many requests; try again later.', undefined, {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}

/** 503: the database cannot be reached; the client may retry shortly. */
export class ServiceUnavailable extends AppError {
  constructor(retryAfterSeconds = 5) {
    super(503, 'database_unavailable', 'The database is unavailable; try again shortly.', undefined, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

/** 503: the service is handling as many requests as it admits; the client may retry after `retryAfterSeconds`. */
export class Overloaded extends AppError {
  constructor(retryAfterSeconds = 1) {
    super(503, 'overloaded', 'The service is busy; try again shortly.', undefined, {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}

/**
 * An OAuth 2.0 error (RFC 6749 §4.1.2.1, §5.2): `code` is the protocol's own (`invalid_grant`, `invalid_client` …).
 * The OAuth endpoints present it as `{"error", "error_description"}`, as the protocol requires.
 */
export class OAuthError extends AppError {
  constructor(code: string, message: string, status = 400) {
    super(status, code, message);
  }
}
