// The FHIR API's resolver for app tokens: a valid signature is not enough, the grant must be in force and the app
// enabled, read on every request (two reads by _id), so a revocation or a disabled app acts on the next request.
import type { Context } from 'koa';
import type { FhirCaller, FhirCallerResolver, FhirScope } from '../fhir/index.js';
import type { AppTokens } from './app-tokens.js';
import type { AppCollections } from './apps.model.js';
import type { AuthorizationDeps } from './authorization.js';
import { isResourceScope } from './domain/oauth-rules.js';

/** Last use is written (and audited) at most this often per grant, not on every request. */
export const LAST_USE_RESOLUTION_MS = 60_000;

export interface ResolverDeps extends AuthorizationDeps {
  collections: AppCollections;
  tokens: AppTokens;
  now: () => Date;
}

/** Resolves the caller of a request made with an app access token; undefined for anything else or anything stale. */
export function appTokenResolver(deps: ResolverDeps): FhirCallerResolver {
  return async (ctx: Context) => {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(ctx.get('authorization'));
    if (!match) return undefined;
    return resolveAppToken(deps, match[1]!);
  };
}

/** The caller behind an app access token, or undefined; records the grant's last use. */
export async function resolveAppToken(deps: ResolverDeps, token: string): Promise<FhirCaller | undefined> {
  const now = deps.now();
  const claims = await deps.tokens.verify(token, now);
  if (!claims) return undefined;
  const [grant, app] = await Promise.all([
    deps.collections.grants.findOne({ _id: claims.grantId }),
    deps.collections.apps.findOne({ _id: claims.appId }),
  ]);
  if (!grant || grant.revokedAt || grant.memberId !== claims.memberId || grant.appId !== claims.appId) return undefined;
  if (!app || app.disabledAt) return undefined;
  if (!(await deps.memberExists(grant.memberId))) return undefined;
  if (!grant.lastUsedAt || now.getTime() - grant.lastUsedAt.getTime() >= LAST_USE_RESOLUTION_MS) {
    // Last writer wins: any instance's "used now" is right.
    await deps.collections.grants.updateOne({ _id: grant._id }, { $set: { lastUsedAt: now } });
    await deps.audit.append(
      'app.used',
      deps.memberPseudonym(grant.memberId),
      { appId: grant.appId, grantId: grant._id },
      now,
    );
  }
  const scopes = new Set<FhirScope>(claims.scopes.filter(isResourceScope));
  return { memberId: claims.memberId, scopes, appId: claims.appId };
}
