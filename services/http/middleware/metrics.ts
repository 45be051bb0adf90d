// Prometheus metrics: default process metrics plus a request-duration histogram per route and status.
import type { Context, Next } from 'koa';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** A registry per app, so tests can build several apps in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'datacoop_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    registry,
    middleware: async function measureRequest(ctx: Context, next: Next): Promise<void> {
      const end = duration.startTimer();
      try {
        await next();
      } finally {
        const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
        end({ method: ctx.method, route, status: String(ctx.status) });
      }
    },
  };
}
