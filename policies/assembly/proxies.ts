import type { Bylaws } from './bylaws.js';

// Representation at the general assembly (Swiss Code of Obligations Art. 886): a member may be represented by
// another member, and one proxy may represent only one member. Per proposal, each member takes part in at most
// one mandate — as principal or as proxy — so there are no chains (a proxy naming a proxy, a principal acting as
// someone's proxy) and no proxy holds two mandates. The principal's own ballot always supersedes the proxy's.

/** The bylaws' say on proxies; absent, the statute applies: representation by another member is allowed. */
export interface ProxyRules {
  readonly allowed: boolean;
}

export const DEFAULT_PROXY_RULES: ProxyRules = Object.freeze({ allowed: true });

/** The proxy rules of a bylaws version: its `assembly.proxies`, else the statutory default (allowed). */
export function proxyRulesOf(bylaws: Bylaws): ProxyRules {
  return bylaws.assembly?.proxies ?? DEFAULT_PROXY_RULES;
}

/** A person's part in one mandate for one proposal, as stored under `<proposal>:<person>`. */
export interface MandateSide {
  readonly role: 'principal' | 'proxy';
  readonly partnerId: string;
  readonly revoked?: boolean;
}

export type NamingRefusal =
  'proxies_not_allowed' | 'proxy_is_self' | 'proxy_already_named' | 'proxy_chain' | 'proxy_already_representing';

/**
 * Whether `principalId` may name `proxyId` given what each of them already holds on this proposal (null when
 * nothing). Naming the same proxy again is not a refusal (an idempotent retry); the caller returns the mandate.
 */
export function namingRefusal(
  rules: ProxyRules,
  principalId: string,
  proxyId: string,
  principalHolds: MandateSide | null,
  proxyHolds: MandateSide | null,
): NamingRefusal | null {
  if (!rules.allowed) return 'proxies_not_allowed';
  if (principalId === proxyId) return 'proxy_is_self';
  if (principalHolds && !principalHolds.revoked) {
    if (principalHolds.role === 'proxy') return 'proxy_chain';
    if (principalHolds.partnerId !== proxyId) return 'proxy_already_named';
  }
  if (proxyHolds && !proxyHolds.revoked) {
    if (proxyHolds.role === 'principal') return 'proxy_chain';
    if (proxyHolds.partnerId !== principalId) return 'proxy_already_representing';
  }
  return null;
}

/** Which ballot of a member counts: their own whenever they cast one, else their proxy's, else none. */
export function countedBallotOf<T>(own: T | null, byProxy: T | null): T | null {
  return own ?? byProxy;
}
