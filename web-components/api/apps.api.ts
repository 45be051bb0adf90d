// The member's connected apps (grants) and the consent screen's two calls.
import { requestJson } from './session.js';

/** One app the member allowed, as GET /api/me/apps lists it. */
export interface AppGrant {
  id: string;
  app: { id: string; name: string };
  scopes: string[];
  grantedAt: string;
  lastUsedAt: string | null;
}

/** What an app asks, for the consent screen. */
export interface AuthorizationPreview {
  app: { id: string; name: string };
  scopes: string[];
  redirectOrigin: string;
}

/** GET /api/me/apps */
export async function fetchGrants(): Promise<AppGrant[]> {
  return (await requestJson<{ grants: AppGrant[] }>('GET', '/api/me/apps')).grants;
}

/** DELETE /api/me/apps/:grantId — every token of the grant stops working at once. */
export async function revokeGrant(grantId: string): Promise<void> {
  await requestJson('DELETE', `/api/me/apps/${encodeURIComponent(grantId)}`);
}

/** POST /api/me/app-authorizations/preview, with the query of the authorization request. */
export function previewAuthorization(request: string): Promise<AuthorizationPreview> {
  return requestJson<AuthorizationPreview>('POST', '/api/me/app-authorizations/preview', { request });
}

/** POST /api/me/app-authorizations: the member's answer; returns where the browser goes next. */
export async function decideAuthorization(request: string, decision: 'approve' | 'deny'): Promise<string> {
  return (await requestJson<{ redirectTo: string }>('POST', '/api/me/app-authorizations', { request, decision }))
    .redirectTo;
}
