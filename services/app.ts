// createApp(deps): the middleware order and the routers. It never listens and never reads the environment.
import cors from '@koa/cors';
import Koa from 'koa';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { fileURLToPath } from 'node:url';
import type { TokenService } from './auth/index.js';
import type { Config } from './config.js';
import { ApiRouter } from './http/api-router.js';
import { errorHandler } from './http/middleware/error-handler.js';
import { limitConcurrency } from './http/middleware/concurrency-limit.js';
import { createMetrics } from './http/middleware/metrics.js';
import { requestContext } from './http/middleware/request-context.js';
import { securityHeaders } from './http/middleware/security-headers.js';
import { appRoutes } from './http/routes/apps/apps.routes.js';
import { oauthRoutes } from './http/routes/apps/oauth.routes.js';
import type { Apps } from './apps/index.js';
import { auditRoutes } from './http/routes/audit/audit.routes.js';
import { authRoutes } from './http/routes/auth/auth.routes.js';
import { accountLinkRoutes } from './http/routes/auth/account-links.routes.js';
import { mailRoutes } from './http/routes/mail/mail.routes.js';
import type { Mail } from './mail/index.js';
import type { Notifications } from './notifications/index.js';
import { notificationRoutes } from './http/routes/me/notifications.routes.js';
import { proposalRoutes } from './http/routes/proposals/proposals.routes.js';
import { proxyRoutes } from './http/routes/proposals/proxies.routes.js';
import { discussionRoutes } from './http/routes/proposals/discussion.routes.js';
import { meRoutes } from './http/routes/me/me.routes.js';
import { observationRoutes } from './http/routes/observations/observations.routes.js';
import { importRoutes } from './http/routes/imports/imports.routes.js';
import { researcherRoutes } from './http/routes/steward/researchers.routes.js';
import { membershipRoutes } from './http/routes/membership/membership.routes.js';
import { buildOpenApi } from './http/routes/system/openapi.js';
import { systemRoutes } from './http/routes/system/system.routes.js';
import { findWebBuild, webApp } from './http/routes/web/web.routes.js';
import type { AuditLog } from './audit/index.js';
import type { Members } from './members/index.js';
import type { Assembly } from './assembly/index.js';
import type { Erasure } from './erasure/index.js';
import type { Vault } from './vault/index.js';
import type { Research } from './research/index.js';
import type { PublicRecordReader } from './record/index.js';
import { publicRoutes } from './http/routes/public/public.routes.js';
import { memberResearchRoutes, researcherFromAccounts } from './http/routes/research/member-research.routes.js';
import { researchRoutes } from './http/routes/research/research.routes.js';
import { fhirApi } from './http/routes/fhir/fhir.routes.js';
import { sessionCallerResolver } from './http/routes/fhir/session-caller.js';
import type { Fhir, FhirCallerResolver } from './fhir/index.js';
import packageJson from '../package.json' with { type: 'json' };

export interface AppDeps {
  config: Readonly<Config>;
  log: Logger;
  connection: Connection;
  members: Members;
  audit: AuditLog;
  assembly: Assembly;
  vault: Vault;
  research: Research;
  erasure: Erasure;
  record: PublicRecordReader;
  mail: Mail;
  notifications: Notifications;
  apps: Apps;
  tokens: TokenService;
  /** The FHIR R4 API's use cases (/fhir). */
  fhir: Fhir;
  /** Who may call /fhir besides a member's own session (SMART app tokens), asked after the session resolver. */
  fhirCallerResolvers?: readonly FhirCallerResolver[];
  /** The clock; tests pass a fixed one. */
  now: () => Date;
}

// Where the built front end may be: dist/web next to services/ (tsx) or next to dist/services/ (compiled).
const webBuildCandidates = [
  fileURLToPath(new URL('../dist/web', import.meta.url)),
  fileURLToPath(new URL('../web', import.meta.url)),
];

/** Builds the Koa application with every route of the service. */
export function createApp(deps: AppDeps): Koa {
  const { config, log, members, tokens, now } = deps;
  const app = new Koa({ proxy: config.trustProxy });
  const metrics = createMetrics();
  const api = new ApiRouter({
    auth: { tokens, members, now },
    jsonBodyLimitBytes: config.jsonBodyLimitBytes,
    stewardSecondFactor: config.stewardSecondFactor === 'required',
  });
  authRoutes(api, members, now);
  accountLinkRoutes(api, members, now);
  mailRoutes(api, deps.mail, now, { demo: config.demo });
  meRoutes(api, members, now);
  notificationRoutes(api, deps.notifications, now);
  observationRoutes(api, deps.vault, deps.erasure, now, { uploadBodyLimitBytes: config.upload.bodyLimitBytes });
  importRoutes(api, deps.vault, now, { bodyLimitBytes: config.imports.bodyLimitBytes });
  researcherRoutes(api, members, now);
  membershipRoutes(api, members, deps.assembly, now);
  auditRoutes(api, deps.audit, now);
  proposalRoutes(api, deps.assembly, members, now);
  proxyRoutes(api, deps.assembly, members, now);
  discussionRoutes(api, deps.assembly, members, now);
  researchRoutes(api, deps.research, now);
  memberResearchRoutes(
    api,
    deps.research,
    (memberId) => deps.apps.listAppAccesses(memberId),
    now,
    researcherFromAccounts(members),
  );
  publicRoutes(api, deps.record, now);
  appRoutes(api, deps.apps, now);

  let openapi: Record<string, unknown> | undefined;
  const system = systemRoutes({
    connection: deps.connection,
    tokens,
    metrics: metrics.registry,
    openapi: () => (openapi ??= buildOpenApi(api, { version: packageJson.version })),
  });
  const oauth = oauthRoutes(deps.apps, { publicUrl: config.publicUrl, now });
  const web = webApp(findWebBuild(webBuildCandidates));

  app.use(requestContext(log));
  app.use(metrics.middleware);
  app.use(securityHeaders({ production: config.env === 'production' }));
  app.use(
    cors({
      origin: (ctx) => (config.corsOrigins.includes(ctx.get('origin')) ? ctx.get('origin') : ''),
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id', 'Prefer'],
      exposeHeaders: ['X-Request-Id', 'Retry-After', 'Location', 'ETag'],
      maxAge: 600,
    }),
  );
  app.use(errorHandler(log));
  // After the error handler (a refusal gets the standard body), before any route does work.
  app.use(limitConcurrency(config.concurrency).middleware);
  // OAuth before /fhir: the SMART configuration is also published under the FHIR base, which fhirApi would claim.
  app.use(oauth.routes());
  app.use(oauth.allowedMethods());
  // /fhir answers FHIR JSON only, errors as OperationOutcome: its own edge, before the API's routers.
  app.use(
    fhirApi({
      fhir: deps.fhir,
      resolvers: [
        sessionCallerResolver({ tokens, members, now }),
        deps.apps.resolver,
        ...(deps.fhirCallerResolvers ?? []),
      ],
      baseUrl: `${config.publicUrl}/fhir`,
      version: packageJson.version,
      bodyLimitBytes: config.upload.bodyLimitBytes,
      now,
      log,
    }),
  );
  for (const router of [system, api.router]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  app.use(web);
  return app;
}
