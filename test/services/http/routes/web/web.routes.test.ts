// The web app's serving rules, on a throw-away build folder: index.html for client-side routes, immutable
// caching for hashed assets, nothing for API paths or unknown files, and a clear 503 without a build.
import Koa from 'koa';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWebBuild, webApp } from '../../../../../services/http/routes/web/web.routes.js';

let dir: string;

async function serve(buildDir: string | undefined) {
  const app = new Koa();
  app.use(webApp(buildDir));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get: (path: string, method = 'GET') => fetch(base + path, { method }),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'datacoop-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Datacoop</title>');
  writeFileSync(join(dir, 'assets/index-AbC123.js'), 'console.log(1)');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('webApp', () => {
  it.each(['/', '/dashboard', '/votes/0b6f1c52-8f1e-4a8e-9d55-6a1f1d0c4f11', '/login/'])(
    'answers the client-side route %s with index.html, revalidated',
    async (path) => {
      const server = await serve(dir);
      const response = await server.get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('Datacoop');
      await server.close();
    },
  );

  it('serves hashed assets for a year, immutable', async () => {
    const server = await serve(dir);
    const response = await server.get('/assets/index-AbC123.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/javascript');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    await server.close();
  });

  it.each([
    ['an API path', '/api/me'],
    ['an unknown asset', '/assets/nope.js'],
    ['a path outside the build', '/assets/..%2F..%2Fpackage.json'],
    ['a file name at the root', '/favicon.ico'],
  ])('leaves %s to the rest of the app (404 here)', async (_, path) => {
    const server = await serve(dir);
    expect((await server.get(path)).status).toBe(404);
    await server.close();
  });

  it('answers only GET and HEAD', async () => {
    const server = await serve(dir);
    expect((await server.get('/dashboard', 'HEAD')).status).toBe(200);
    expect((await server.get('/dashboard', 'POST')).status).toBe(404);
    await server.close();
  });

  it('says the app is not built, with 503, when there is no build', async () => {
    const server = await serve(undefined);
    const response = await server.get('/dashboard');
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:web');
    await server.close();
  });

  it('finds the first candidate folder that holds an index.html', () => {
    expect(findWebBuild([join(dir, 'missing'), dir])).toBe(dir);
    expect(findWebBuild([join(dir, 'missing')])).toBeUndefined();
  });
});
