// Serves the front end's static files from web-components/public (read once at start-up, never from user paths).
import Router from '@koa/router';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Anyone may load the front end; only files present at start-up are served (no path traversal possible). */
export function webRoutes(publicDir: string): Router {
  const router = new Router();
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(publicDir)) {
    const type = contentTypes[extname(name)];
    if (type) files.set(name, { body: readFileSync(join(publicDir, name)), type });
  }
  const index = files.get('index.html');
  router.get('/', (ctx) => {
    if (!index) return;
    ctx.type = index.type;
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = index.body;
  });
  router.get('/assets/:name', (ctx) => {
    const file = files.get(ctx.params.name!);
    if (!file || ctx.params.name === 'index.html') return;
    ctx.type = file.type;
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = file.body;
  });
  return router;
}
