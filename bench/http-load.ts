// Load generation for the HTTP benchmarks: autocannon with one member's token per connection, figures out.
import autocannon from 'autocannon';

const DAY = 86_400_000;
/** The five charts of the dashboard that the demo data fills every day. */
export const SERIES_CATEGORIES = ['heart-rate', 'steps', 'sleep-duration', 'blood-pressure', 'body-weight'];

export interface LoadFigures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

/** Runs autocannon with a token per connection (taken in turn from `tokens`), each connection going over `requests` in turn. */
export async function hammer(
  base: string,
  tokens: readonly string[],
  requests: readonly { method?: 'GET' | 'POST'; path: string; body?: string }[],
  seconds: number,
  connections = 50,
  /** Seconds before autocannon gives up on a response and counts an error (its default is 10). */
  timeoutSeconds = 10,
): Promise<LoadFigures> {
  let nextToken = 0;
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    timeout: timeoutSeconds,
    requests: requests.map((r) => ({
      method: r.method ?? 'GET',
      path: r.path,
      ...(r.body !== undefined && { body: r.body }),
      // One member per connection, kept for its whole life (a browser tab does the same).
      setupRequest: (request: autocannon.Request, context: object): autocannon.Request => {
        const connection = context as { token?: string };
        connection.token ??= tokens[nextToken++ % tokens.length];
        return {
          ...request,
          headers: {
            ...request.headers,
            authorization: `Bearer ${connection.token}`,
            ...(r.body !== undefined && { 'content-type': 'application/json' }),
          },
        };
      },
    })),
  });
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]),
  );
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
}

/** One line of load figures. */
export function describe(label: string, f: LoadFigures): string {
  return (
    `${label}: ${Math.round(f.requestsPerSecond)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} ms, ` +
    `${f.total} requests, non-2xx ${f.non2xx}, errors ${f.errors} (timeouts ${f.timeouts}), statuses ${JSON.stringify(f.statusCodes)}`
  );
}

/** The year of series requests a dashboard makes, one category after another. */
export function seriesPaths(now: Date): string[] {
  const from = new Date(now.getTime() - 365 * DAY).toISOString();
  const to = new Date(now.getTime() + DAY).toISOString();
  return SERIES_CATEGORIES.map(
    (category) => `/api/me/series?${new URLSearchParams({ category, bucket: 'day', from, to })}`,
  );
}
