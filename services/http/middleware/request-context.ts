// Request id and the access log: one structured line per request, never with bodies or credentials.
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';

const acceptableRequestId = /^[A-Za-z0-9._-]{8,128}$/;

/** Gives each request an id (the caller's X-Request-Id if sane) and logs its outcome and duration. */
export function requestContext(log: Logger) {
  return async function trackRequest(ctx: Context, next: Next): Promise<void> {
    const incoming = ctx.get('x-request-id');
    const requestId = acceptableRequestId.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = {
        requestId,
        method: ctx.method,
        route: (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched',
        status: ctx.status,
        ms: Math.round(ms * 10) / 10,
        userId: (ctx.state.actor as { userId?: string } | undefined)?.userId,
      };
      if (ctx.status >= 500) log.error(line, 'request');
      else log.info(line, 'request');
    }
  };
}
