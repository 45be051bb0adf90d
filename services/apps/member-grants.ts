// A member's grants to apps, as consent they can read and end: which app, what it may do, since when, last used when.
import { NotFound } from '../errors.js';
import type { AppCollections } from './apps.model.js';
import type { AuthorizationDeps } from './authorization.js';
import type { AppScope } from './domain/oauth-rules.js';
import { endGrant } from './token-endpoint.js';

export interface GrantView {
  id: string;
  app: { id: string; name: string };
  scopes: AppScope[];
  grantedAt: Date;
  lastUsedAt: Date | null;
}

/** The member's grants in force, newest first. */
export async function listMemberGrants(collections: AppCollections, memberId: string): Promise<GrantView[]> {
  const grants = await collections.grants.find({ memberId }).sort({ grantedAt: -1 }).limit(500).toArray();
  const live = grants.filter((grant) => !grant.revokedAt);
  const appIds = [...new Set(live.map((grant) => grant.appId))];
  const apps = appIds.length > 0 ? await collections.apps.find({ _id: { $in: appIds } }).toArray() : [];
  const names = new Map(apps.filter((app) => !app.disabledAt).map((app) => [app._id, app.name]));
  return live
    .filter((grant) => names.has(grant.appId))
    .map((grant) => ({
      id: grant._id,
      app: { id: grant.appId, name: names.get(grant.appId)! },
      scopes: grant.scopes,
      grantedAt: grant.grantedAt,
      lastUsedAt: grant.lastUsedAt ?? null,
    }));
}

/** The member ends one of their grants; another member's grant is answered like a missing one. */
export async function revokeMemberGrant(
  deps: AuthorizationDeps,
  memberId: string,
  grantId: string,
  now: Date,
): Promise<void> {
  const grant = await deps.collections.grants.findOne({ _id: grantId });
  if (!grant || grant.memberId !== memberId || grant.revokedAt) throw new NotFound();
  await endGrant(deps, grantId, 'member', now);
}
