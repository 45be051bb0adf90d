// Bounded request concurrency: past `maxInFlight` requests being handled at once, the service answers 503 at
// once instead of queueing work (and memory) it cannot finish in time; health and metrics are never refused.
import type { Context, Next } from 'koa';
import { Overloaded } from '../../errors.js';

export interface ConcurrencyLimitOptions {
  /** Most requests handled at the same time; the next one is refused with 503. */
  maxInFlight: number;
  /** The Retry-After the refusal carries, in seconds. */
  retryAfterSeconds: number;
  /** Paths never refused (probes and scrapes must see an overloaded service as alive). */
  exempt?: (path: string) => boolean;
}

/** Health probes and the metrics scrape: answered even when the service is full. */
export function isOperationalPath(path: string): boolean {
  return path === '/metrics' || path.startsWith('/health/');
}

/** A limiter and how many requests it holds now (for metrics and tests). */
export interface ConcurrencyLimit {
  middleware: (ctx: Context, next: Next) => Promise<void>;
  inFlight(): number;
}

/**
 * Admits at most `maxInFlight` requests into the handlers below it. Mount it after the error handler, so a
 * refusal leaves in the standard error body. A slot is held until the handlers below return (a streamed
 * body is then written without one), and released however they end, thrown errors included.
 */
export function limitConcurrency(options: ConcurrencyLimitOptions): ConcurrencyLimit {
  const exempt = options.exempt ?? isOperationalPath;
  let inFlight = 0;
  return {
    inFlight: () => inFlight,
    middleware: async function admitRequest(ctx: Context, next: Next): Promise<void> {
      if (exempt(ctx.path)) return next();
      if (inFlight >= options.maxInFlight) throw new Overloaded(options.retryAfterSeconds);
      inFlight += 1;
      try {
        await next();
      } finally {
        inFlight -= 1;
      }
    },
  };
}
