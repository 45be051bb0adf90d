import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, Conflict, InvalidRequest, TooManyRequests } from '../../../services/errors.js';
import { errorHandler } from '../../../services/http/middleware/error-handler.js';

const logged: unknown[] = [];
let baseUrl: string;
let server: ReturnType<Koa['listen']>;

const throwers: Record<string, () => never> = {
  '/app-error': () => {
    throw new InvalidRequest('validation_failed', 'Bad field.', [{ field: 'x', code: 'too_small', message: 'small' }]);
  },
  '/conflict': () => {
    throw new Conflict('budget_exhausted', 'No budget left.');
  },
  '/rate': () => {
    throw new TooManyRequests(12.2);
  },
  '/database': () => {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { name: 'MongoServerSelectionError' });
  },
  '/bug': () => {
    throw new TypeError("Cannot read properties of undefined (reading 'secretField')");
  },
  '/koa': () => {
    throw Object.assign(new Error('Bad Request'), { status: 400, expose: true });
  },
};

beforeAll(async () => {
  const app = new Koa();
  const log = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  app.use(async (ctx, next) => {
    ctx.state.requestId = 'req-1234';
    await next();
  });
  app.use(errorHandler(log));
  app.use((ctx) => throwers[ctx.path]?.());
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function get(path: string) {
  const response = await fetch(baseUrl + path);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('error handler', () => {
  it('answers an AppError with its status, code, message and details', async () => {
    const response = await get('/app-error');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toEqual({
      error: {
        code: 'validation_failed',
        message: 'Bad field.',
        details: [{ field: 'x', code: 'too_small', message: 'small' }],
      },
    });
  });

  it.each([
    ['/conflict', 409, 'budget_exhausted'],
    ['/rate', 429, 'rate_limited'],
    ['/database', 503, 'database_unavailable'],
    ['/koa', 400, 'bad_request'],
    ['/nowhere', 404, 'not_found'],
  ])('maps %s to %i %s', async (path, status, code) => {
    const response = await get(path);
    expect(response.status).toBe(status);
    expect(JSON.parse(response.text).error.code).toBe(code);
  });

  it('sets Retry-After on 429 (rounded up) and 503', async () => {
    expect((await get('/rate')).headers.get('retry-after')).toBe('13');
    expect((await get('/database')).headers.get('retry-after')).toBe('5');
  });

  it('turns an unknown error into a bare 500 with the request id; details go only to the log', async () => {
    logged.length = 0;
    const response = await get('/bug');
    expect(response.status).toBe(500);
    expect(JSON.parse(response.text)).toEqual({
      error: { code: 'internal_error', message: expect.any(String), requestId: 'req-1234' },
    });
    expect(response.text).not.toContain('secretField');
    expect(response.text).not.toContain('TypeError');
    expect(JSON.stringify(logged)).toContain('secretField');
  });

  it('never exposes a database error message', async () => {
    expect((await get('/database')).text).not.toMatch(/ECONNREFUSED|Mongo/);
  });

  it('keeps AppError usable as data', () => {
    const error = new AppError(418, 'teapot', 'I am a teapot.');
    expect({ status: error.status, code: error.code }).toEqual({ status: 418, code: 'teapot' });
  });
});
