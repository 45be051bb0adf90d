// The one error type of the front end: the service's {error: {code, message, details?}} plus the status.
import type { ErrorDetail } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Reads an error response body into an ApiError (a non-JSON body becomes `http_<status>`). */
export async function toApiError(response: Response): Promise<ApiError> {
  return parseApiError(response.status, await response.text());
}

/** Parses the service's error JSON; used by fetch and XHR callers alike. */
export function parseApiError(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: ErrorDetail[] } };
    if (body.error?.code) return new ApiError(status, body.error.code, body.error.message ?? '', body.error.details);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(status, status === 0 ? 'network_error' : `http_${status}`, text.slice(0, 200));
}
