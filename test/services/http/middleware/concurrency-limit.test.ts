import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorHandler } from '../../../../services/http/middleware/error-handler.js';
import { limitConcurrency } from '../../../../services/http/middleware/concurrency-limit.js';

const MAX = 3;
const logged: { level: number }[] = [];
const limit = limitConcurrency({ maxInFlight: MAX, retryAfterSeconds: 2 });
// Requests to /hold wait here until the test lets them go; `arrived` resolves when the handler is entered.
let gates: { release: () => void }[] = [];
let arrivals: (() => void)[] = [];
let baseUrl: string;
let server: ReturnType<Koa['listen']>;

beforeAll(async () => {
  const app = new Koa();
  const log = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  app.use(errorHandler(log));
  app.use(limit.middleware);
  app.use(async (ctx) => {
    if (ctx.path === '/hold' || ctx.path === '/health/ready' || ctx.path === '/metrics') {
      await new Promise<void>((release) => {
        gates.push({ release });
        arrivals.shift()?.();
      });
    }
    if (ctx.path === '/bug') throw new TypeError('a bug below the limiter');
    ctx.body = { ok: true };
  });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  gates = [];
  arrivals = [];
  logged.length = 0;
});

async function get(path: string) {
  const response = await fetch(baseUrl + path);
  return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
}

/** Starts `count` requests to `path` and resolves once every one of them is inside the handler. */
async function holdRequests(count: number, path = '/hold') {
  const entered = Array.from({ length: count }, () => new Promise<void>((resolve) => arrivals.push(resolve)));
  const responses = Array.from({ length: count }, () => get(path));
  await Promise.all(entered);
  return responses;
}

function releaseAll() {
  for (const gate of gates.splice(0)) gate.release();
}

describe('bounded request concurrency', () => {
  it('refuses the request past the limit with 503, Retry-After and the standard error body', async () => {
    const held = await holdRequests(MAX);
    expect(limit.inFlight()).toBe(MAX);
    const refused = await get('/hold');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.body).toEqual({
      error: { code: 'overloaded', message: 'The service is busy; try again shortly.' },
    });
    releaseAll();
    for (const response of await Promise.all(held)) expect(response.status).toBe(200);
  });

  it('admits again once a held request finishes', async () => {
    const held = await holdRequests(MAX);
    expect((await get('/quick')).status).toBe(503);
    gates.shift()?.release();
    expect((await held[0])?.status).toBe(200);
    expect((await get('/quick')).status).toBe(200);
    releaseAll();
    await Promise.all(held);
    expect(limit.inFlight()).toBe(0);
  });

  it('answers health and metrics while full', async () => {
    const held = await holdRequests(MAX);
    const probes = await holdRequests(2, '/health/ready');
    const scrape = await holdRequests(1, '/metrics');
    expect(limit.inFlight()).toBe(MAX);
    releaseAll();
    for (const response of await Promise.all([...held, ...probes, ...scrape])) expect(response.status).toBe(200);
  });

  it('releases the slot of a request that failed, so errors never leak capacity', async () => {
    for (let i = 0; i < MAX * 3; i++) expect((await get('/bug')).status).toBe(500);
    expect(limit.inFlight()).toBe(0);
    expect((await Promise.all(Array.from({ length: MAX }, () => get('/quick')))).map((r) => r.status)).toEqual(
      Array(MAX).fill(200),
    );
  });

  it('under a burst of many times the limit answers only 200 or 503, never 500, and admits at most the limit', async () => {
    const held = await holdRequests(MAX);
    const burst = await Promise.all(Array.from({ length: MAX * 10 }, () => get('/quick')));
    expect(new Set(burst.map((r) => r.status))).toEqual(new Set([503]));
    expect(limit.inFlight()).toBe(MAX);
    releaseAll();
    const after = await Promise.all([...held, ...Array.from({ length: MAX }, () => get('/quick'))]);
    expect(after.every((r) => r.status === 200)).toBe(true);
    // Refusals are expected under load: they are not logged as errors (nor as a database outage).
    expect(logged.filter((entry) => entry.level >= 40)).toEqual([]);
  });
});
