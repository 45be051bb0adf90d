// The real service past its request limit: 503 overloaded with Retry-After, probes still answered, never a 500.
import { request as httpRequest, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ MAX_IN_FLIGHT_REQUESTS: '2', OVERLOAD_RETRY_AFTER_SECONDS: '3' });
});
afterAll(() => app.close());

/** A log-in whose body is still arriving: the request holds its slot while the router waits for the JSON. */
function slowLogIn(): { request: ClientRequest; finish: () => Promise<number> } {
  const body = JSON.stringify({ email: 'nobody@example.org', password: 'not the password at all' });
  const url = new URL('/api/auth/login', app.baseUrl);
  let resolveStatus: (status: number) => void;
  const status = new Promise<number>((resolve) => (resolveStatus = resolve));
  const request = httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
  });
  request.on('response', (response) => {
    response.resume();
    resolveStatus(response.statusCode ?? 0);
  });
  request.write(body.slice(0, 5));
  return {
    request,
    finish: () => {
      request.end(body.slice(5));
      return status;
    },
  };
}

/** Waits until the service is full: a data route is refused (the slow log-ins hold every slot). */
async function untilFull(): Promise<void> {
  for (;;) {
    const response = await app.request('GET', '/api/me');
    if (response.status === 503) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('bounded request concurrency (real service)', () => {
  it('refuses data routes with 503 overloaded while full, answers probes, and admits again afterwards', async () => {
    const slow = [slowLogIn(), slowLogIn()];
    await untilFull();

    const refused = await app.request('GET', '/api/me');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(refused.body).toEqual({ error: { code: 'overloaded', message: 'The service is busy; try again shortly.' } });
    expect((await app.request('POST', '/api/auth/login', { body: {} })).status).toBe(503);
    expect((await app.request('GET', '/health/live')).status).toBe(200);
    expect((await app.request('GET', '/health/ready')).status).toBe(200);
    expect((await app.request('GET', '/metrics')).status).toBe(200);

    const statuses = await Promise.all(slow.map((s) => s.finish()));
    for (const status of statuses) expect([400, 401]).toContain(status);
    expect((await app.request('GET', '/api/me')).status).toBe(401);
  });

  it('answers a burst of many times the limit with only 401 or 503, never a 500', async () => {
    const burst = await Promise.all(Array.from({ length: 40 }, () => app.request('GET', '/api/me')));
    const statuses = new Set(burst.map((r) => r.status));
    for (const status of statuses) expect([401, 503]).toContain(status);
  });
});
