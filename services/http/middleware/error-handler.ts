// The one place errors become responses: AppErrors as they are, database outages as 503, the rest as a bare 500.
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../../db/connection.js';
import { AppError, NotFound, ServiceUnavailable } from '../../errors.js';

const codesByStatus: Record<number, string> = {
  400: 'bad_request',
  401: 'not_authenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** At most this many details leave in one error; `detailCount` then says how many there were. */
export const MAX_ERROR_DETAILS = 100;

/** Maps any thrown error to the `{error: {code, message, details?}}` body; never leaks a stack or a database message. */
export function errorHandler(log: Logger) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.body === undefined && ctx.status === 404) throw new NotFound('No such resource.');
      // The router answers a known path with a wrong method by setting 405 (and Allow) without a body.
      if (ctx.body === undefined && ctx.status === 405) {
        throw new AppError(405, 'method_not_allowed', `Use ${ctx.response.get('Allow') || 'another method'} here.`);
      }
      // A method no route implements (TRACE, PROPFIND …): the router says 501, but the resource exists or not
      // whatever the method, so the answer is 405 with the methods the path allows (RFC 9110 §15.5.6).
      if (ctx.body === undefined && ctx.status === 501) {
        const allow = allowedFor(ctx);
        throw new AppError(405, 'method_not_allowed', `Use ${allow || 'another method'} here.`, undefined, {
          Allow: allow,
        });
      }
    } catch (thrown) {
      const error = toAppError(thrown);
      if (error.status >= 500 && error.code === 'internal_error') {
        log.error({ err: thrown, requestId: ctx.state.requestId }, 'unhandled error');
      } else if (error.code === 'database_unavailable') {
        log.warn({ requestId: ctx.state.requestId, reason: (thrown as Error).name }, 'database unavailable');
      }
      ctx.status = error.status;
      ctx.set(error.headers);
      ctx.body = {
        error: {
          code: error.code,
          message: error.message,
          // Capped: an error never grows with its input (20,000 unknown keys are not 20,000 details).
          ...(error.details && { details: error.details.slice(0, MAX_ERROR_DETAILS) }),
          ...(error.details && error.details.length > MAX_ERROR_DETAILS && { detailCount: error.details.length }),
          ...(error.code === 'internal_error' && { requestId: ctx.state.requestId }),
        },
      };
    }
  };
}

// The methods the router found for this path; outside the API the web app answers GET and HEAD.
function allowedFor(ctx: Context): string {
  const allow = ctx.response.get('Allow');
  if (allow) return allow;
  return ctx.path === '/api' || ctx.path.startsWith('/api/') ? '' : 'GET, HEAD';
}

/** Any thrown error as the AppError the client sees (also the FHIR edge's OperationOutcome). */
export function toAppError(thrown: unknown): AppError {
  if (thrown instanceof AppError) return thrown;
  if (isDatabaseUnavailable(thrown)) return new ServiceUnavailable();
  // Errors from Koa and the router (405, 501, malformed URLs) carry a status and `expose`.
  const status = (thrown as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500 && (thrown as { expose?: boolean }).expose) {
    return new AppError(status, codesByStatus[status] ?? 'bad_request', (thrown as Error).message);
  }
  return new AppError(500, 'internal_error', 'Something went wrong on our side; the request id helps us find it.');
}
