// Stewards register and disable apps; members read and end their grants, and answer an app's request on the consent
// screen. The OAuth protocol endpoints themselves are in oauth.routes.ts (their errors have the protocol's shape).
import type { Apps, AuthorizationRequest } from '../../../apps/index.js';
import { InvalidRequest } from '../../../errors.js';
import type { ApiRouter } from '../../api-router.js';
import { presentApp, presentGrant } from './apps.presenter.js';
import {
  appIdParams,
  appListSchema,
  appRegistrationBody,
  appSchema,
  authorizationDecisionBody,
  authorizationDecisionSchema,
  authorizationPreviewBody,
  authorizationPreviewSchema,
  grantIdParams,
  grantListSchema,
  registeredAppSchema,
} from './apps.schema.js';

/** The request again, checked as at GET /oauth/authorize: nothing the browser carried is trusted. */
async function checkedRequest(apps: Apps, request: string): Promise<AuthorizationRequest> {
  const checked = await apps.checkAuthorizationRequest(new URLSearchParams(request));
  if (checked.kind === 'valid') return checked.request;
  throw new InvalidRequest('invalid_authorization_request', 'This app authorisation request is not valid.', [
    { field: 'request', code: checked.error.code, message: checked.error.message },
  ]);
}

/** Adds /api/steward/apps, /api/me/apps and /api/me/app-authorizations. */
export function appRoutes(api: ApiRouter, apps: Apps, now: () => Date): void {
  api
    .route(
      {
        method: 'post',
        path: '/api/steward/apps',
        summary: 'Register an app (an OAuth client of the FHIR API): exact redirect URIs, allowed scopes',
        tag: 'apps',
        access: ['steward'],
        body: appRegistrationBody,
        success: { status: 201, schema: registeredAppSchema, description: 'The registered app (and its secret once)' },
      },
      async ({ body, actor }) => {
        const { app, clientSecret } = await apps.registerApp(body, actor!.userId, now());
        return { ...presentApp(app), ...(clientSecret && { clientSecret }) };
      },
    )
    .route(
      {
        method: 'get',
        path: '/api/steward/apps',
        summary: 'Registered apps, newest first',
        tag: 'apps',
        access: ['steward'],
        success: { status: 200, schema: appListSchema, description: 'The registered apps' },
      },
      async () => ({ apps: (await apps.listApps()).map(presentApp) }),
    )
    .route(
      {
        method: 'post',
        path: '/api/steward/apps/:id/disable',
        summary: 'Disable an app: its requests are refused and its tokens stop working at once',
        tag: 'apps',
        access: ['steward'],
        params: appIdParams,
        success: { status: 200, schema: appSchema, description: 'The disabled app' },
        errors: { 404: 'not_found' },
      },
      async ({ params, actor }) => presentApp(await apps.disableApp(params.id, actor!.userId, now())),
    )
    .route(
      {
        method: 'get',
        path: '/api/me/apps',
        summary: 'Your connected apps: what each may do, since when, last used when',
        tag: 'apps',
        access: ['member'],
        success: { status: 200, schema: grantListSchema, description: 'Your grants in force' },
      },
      async ({ actor }) => ({ grants: (await apps.listGrants(actor!.userId)).map(presentGrant) }),
    )
    .route(
      {
        method: 'delete',
        path: '/api/me/apps/:grantId',
        summary: 'Disconnect an app: every token of this grant stops working at once',
        tag: 'apps',
        access: ['member'],
        params: grantIdParams,
        success: { status: 204, description: 'Revoked' },
        errors: { 404: 'not_found' },
      },
      async ({ params, actor }) => apps.revokeGrant(actor!.userId, params.grantId, now()),
    )
    .route(
      {
        method: 'post',
        path: '/api/me/app-authorizations/preview',
        summary: 'What an app asks for (the consent screen), from the query of GET /oauth/authorize',
        tag: 'apps',
        access: ['member'],
        body: authorizationPreviewBody,
        success: { status: 200, schema: authorizationPreviewSchema, description: 'The app and the scopes it asks' },
        errors: { 400: 'invalid_authorization_request' },
      },
      async ({ body }) => {
        const request = await checkedRequest(apps, body.request);
        return {
          app: { id: request.appId, name: request.appName },
          scopes: request.scopes,
          redirectOrigin: new URL(request.redirectUri).origin,
        };
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/me/app-authorizations',
        summary: 'Approve or deny an app: where the browser goes next (with a code, or access_denied)',
        tag: 'apps',
        access: ['member'],
        body: authorizationDecisionBody,
        success: { status: 200, schema: authorizationDecisionSchema, description: 'The redirect back to the app' },
        errors: { 400: 'invalid_authorization_request' },
      },
      async ({ body, actor }) => {
        const request = await checkedRequest(apps, body.request);
        const answer =
          body.decision === 'approve' ? await apps.approve(request, actor!.userId, now()) : apps.deny(request);
        return { redirectTo: answer.location };
      },
    );
}
