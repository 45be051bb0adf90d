// Serves the built single-page app (dist/web, made by `npm run build:web`). Files are read once at start-up
// from the build folder, never from request paths, so no traversal is possible. Hashed assets are cached for a
// year (their name changes with their content); index.html is answered for every client-side route so a
// reload or a shared link works, and is always revalidated.
import type { Context, Next } from 'koa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const notBuilt = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Datacoop</title></head>
<body><h1>Datacoop</h1><p>The web app is not built. Run <code>npm run build:web</code> and restart the service.</p>
<p>The API works: <a href="/api/docs">API reference</a>.</p></body></html>`;

/** The first folder that holds a built index.html (source checkout: dist/web; compiled image: dist/web too). */
export function findWebBuild(candidates: string[]): string | undefined {
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** True for paths the app's router owns: not the API, not a file name with an extension. */
function isAppRoute(path: string): boolean {
  return !path.startsWith('/api/') && path !== '/api' && !/\.[a-z0-9]+$/i.test(path);
}

function readBuild(buildDir: string | undefined) {
  const assets = new Map<string, { body: Buffer; type: string }>();
  if (!buildDir) return { index: undefined, assets };
  try {
    const index = readFileSync(join(buildDir, 'index.html'));
    const assetDir = join(buildDir, 'assets');
    for (const name of existsSync(assetDir) ? readdirSync(assetDir) : []) {
      const type = contentTypes[extname(name)];
      if (type) assets.set(name, { body: readFileSync(join(assetDir, name)), type });
    }
    return { index, assets };
  } catch {
    // A build being replaced while we read it: serve the "not built" page rather than crash.
    return { index: undefined, assets };
  }
}

/**
 * Anyone may load the front end; only files present in the build at start-up are served. Mounted after the
 * API router, so it only sees GET/HEAD requests nothing else answered.
 */
export function webApp(buildDir: string | undefined) {
  const { index, assets } = readBuild(buildDir);
  return async function serveWebApp(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const asset = /^\/assets\/([^/]+)$/.exec(ctx.path);
    if (asset) {
      const file = assets.get(asset[1]!);
      if (!file) return next();
      ctx.type = file.type;
      ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
      ctx.body = file.body;
      return;
    }
    if (!isAppRoute(ctx.path)) return next();
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    if (index) {
      ctx.body = index;
    } else {
      ctx.status = 503;
      ctx.body = notBuilt;
    }
  };
}
