// What leaves the server of apps and grants: whitelisted fields, instants as ISO strings.
import type { AppAccessView, AppView, GrantView } from '../../../apps/index.js';

export function presentApp(app: AppView) {
  return {
    id: app.id,
    name: app.name,
    redirectUris: app.redirectUris,
    scopes: app.scopes,
    confidential: app.confidential,
    createdAt: app.createdAt.toISOString(),
    disabledAt: app.disabledAt?.toISOString() ?? null,
  };
}

export function presentGrant(grant: GrantView) {
  return {
    id: grant.id,
    app: grant.app,
    scopes: grant.scopes,
    grantedAt: grant.grantedAt.toISOString(),
    lastUsedAt: grant.lastUsedAt?.toISOString() ?? null,
  };
}

/** One app read or write, as the member's access log lists it beside research uses. */
export function presentAppAccess(access: AppAccessView) {
  return {
    kind: 'app' as const,
    seq: access.seq,
    app: access.app,
    interaction: access.interaction,
    resourceType: access.resourceType,
    count: access.count,
    at: access.at.toISOString(),
    decision: 'allow' as const,
  };
}
