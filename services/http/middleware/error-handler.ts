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
  501: 'not_implemented',
};

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
      if (ctx.body === undefined && ctx.status === 501) {
        throw new AppError(501, 'not_implemented', 'This method is not supported.');
      }
    } catch (thrown) {
      const error = toAppError(thrown);
      if (error.status >= 500 && error.code === 'internal_error') {
        log.error({ err: thrown, requestId: ctx.state.requestId }, 'unhandled error');
      } else if (error.status === 503) {
        log.warn({ requestId: ctx.state.requestId, reason: (thrown as Error).name }, 'database unavailable');
      }
      ctx.status = error.status;
      ctx.set(error.headers);
      ctx.body = {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details && { details: error.details }),
          ...(error.code === 'internal_error' && { requestId: ctx.state.requestId }),
        },
      };
    }
  };
}

function toAppError(thrown: unknown): AppError {
  if (thrown instanceof AppError) return thrown;
  if (isDatabaseUnavailable(thrown)) return new ServiceUnavailable();
  // Errors from Koa and the router (405, 501, malformed URLs) carry a status and `expose`.
  const status = (thrown as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500 && (thrown as { expose?: boolean }).expose) {
    return new AppError(status, codesByStatus[status] ?? 'bad_request', (thrown as Error).message);
  }
  return new AppError(500, 'internal_error', 'Something went wrong on our side; the request id helps us find it.');
}
