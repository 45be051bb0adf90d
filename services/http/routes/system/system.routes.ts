// Public operational endpoints: health, metrics, signing keys, the API contract and its reference page.
import Router from '@koa/router';
import { readFileSync } from 'node:fs';
import type { Connection } from 'mongoose';
import type { Registry } from 'prom-client';
import type { TokenService } from '../../../auth/index.js';
import { pingDatabase } from '../../../db/connection.js';
import { renderApiReference } from './api-reference.js';

export interface SystemDeps {
  connection: Connection;
  tokens: TokenService;
  metrics: Registry;
  openapi: () => Record<string, unknown>;
}

const referenceStyles = readFileSync(new URL('./api-reference.css', import.meta.url));

/** Routes anyone may call (they reveal nothing personal): liveness, readiness, metrics, JWKS, OpenAPI, reference. */
export function systemRoutes(deps: SystemDeps): Router {
  const router = new Router();
  let reference: string | undefined;
  router.get('/health/live', (ctx) => {
    ctx.body = { status: 'live' };
  });
  router.get('/health/ready', async (ctx) => {
    const database = await pingDatabase(deps.connection);
    ctx.status = database ? 200 : 503;
    if (!database) ctx.set('Retry-After', '5');
    ctx.body = { status: database ? 'ready' : 'unavailable', database: database ? 'up' : 'down' };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.contentType;
    ctx.body = await deps.metrics.metrics();
  });
  router.get('/.well-known/jwks.json', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = deps.tokens.jwks;
  });
  router.get('/openapi.json', (ctx) => {
    ctx.body = deps.openapi();
  });
  router.get('/api/docs.css', (ctx) => {
    ctx.type = 'text/css; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = referenceStyles;
  });
  router.get('/api/docs', (ctx) => {
    reference ??= renderApiReference(deps.openapi());
    ctx.type = 'html';
    ctx.body = reference;
  });
  return router;
}
