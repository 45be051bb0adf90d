// The apps context's interface: registered apps (OAuth clients), members' grants to them, the OAuth endpoints' use
// cases (SMART App Launch 2.x, authorization code with PKCE S256, rotating refresh tokens) and the FHIR resolver of
// app tokens. Grants are consent to an app, never to research: nothing here is read by the research context.
import type { Connection } from 'mongoose';
import type { Keyring } from '../crypto/keyring.js';
import type { FhirCallerResolver } from '../fhir/index.js';
import { disableApp, listApps, registerApp, type AppRegistration, type AppView } from './app-registry.js';
import { appTokenResolver, resolveAppToken } from './app-token-resolver.js';
import { createAppTokens } from './app-tokens.js';
import { appCollections } from './apps.model.js';
import {
  approveAuthorization,
  checkAuthorizationRequest,
  denyAuthorization,
  type AuthorizationCheck,
  type AuthorizationRequest,
} from './authorization.js';
import { listMemberGrants, revokeMemberGrant, type GrantView } from './member-grants.js';
import { listAppAccesses, type AppAccessDeps, type AppAccessView } from './app-accesses.js';
import {
  authenticateClient,
  exchangeCode,
  refreshTokens,
  revokeToken,
  type ClientCredentials,
  type TokenResponse,
} from './token-endpoint.js';
import type { FhirCaller } from '../fhir/index.js';

export type { AppRegistration, AppView } from './app-registry.js';
export type { AuthorizationCheck, AuthorizationRequest } from './authorization.js';
export type { GrantView } from './member-grants.js';
export type { AppAccessView, AppInteraction } from './app-accesses.js';
export type { ClientCredentials, TokenResponse } from './token-endpoint.js';
export type { AppScope } from './domain/oauth-rules.js';
export { RESOURCE_SCOPES, SUPPORTED_SCOPES, isAllowedRedirectUri } from './domain/oauth-rules.js';

export interface AppsDeps {
  connection: Connection;
  keyring: Keyring;
  /** Appends to the audit chain, and names a member there by their audit pseudonym. */
  audit: {
    append(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<number>;
    memberPseudonym(memberId: string): string;
    listEntries: AppAccessDeps['audit']['listEntries'];
  };
  /** False once the member's account is gone (erased); checked at every token issue and every app request. */
  memberExists(memberId: string): Promise<boolean>;
  /** The access tokens' issuer (the service's JWT issuer) and the FHIR base URL they are addressed to. */
  issuer: string;
  fhirBase: string;
  accessTtlSeconds: number;
  now: () => Date;
}

export interface Apps {
  readonly fhirBase: string;
  registerApp(
    registration: AppRegistration,
    stewardId: string,
    now: Date,
  ): Promise<{ app: AppView; clientSecret?: string }>;
  listApps(): Promise<AppView[]>;
  disableApp(appId: string, stewardId: string, now: Date): Promise<AppView>;
  checkAuthorizationRequest(params: URLSearchParams): Promise<AuthorizationCheck>;
  approve(request: AuthorizationRequest, memberId: string, now: Date): Promise<{ location: string; grantId: string }>;
  deny(request: AuthorizationRequest): { location: string };
  exchangeCode(
    client: ClientCredentials,
    input: { code: string | undefined; redirectUri: string | undefined; codeVerifier: string | undefined },
    now: Date,
  ): Promise<TokenResponse>;
  refresh(
    client: ClientCredentials,
    input: { refreshToken: string | undefined; scope: string | undefined },
    now: Date,
  ): Promise<TokenResponse>;
  revoke(client: ClientCredentials, token: string, now: Date): Promise<void>;
  listGrants(memberId: string): Promise<GrantView[]>;
  revokeGrant(memberId: string, grantId: string, now: Date): Promise<void>;
  /** What the member's connected apps read and wrote, newest first, from the audit chain. */
  listAppAccesses(memberId: string): Promise<AppAccessView[]>;
  /** The FHIR router's resolver of app access tokens. */
  readonly resolver: FhirCallerResolver;
  /** The same check on a bare token (tests, and any caller that has the token already). */
  resolveToken(token: string): Promise<FhirCaller | undefined>;
}

/** Builds the apps context: loads (or creates) the app-token signing key. */
export async function createApps(deps: AppsDeps): Promise<Apps> {
  const collections = appCollections(deps.connection);
  const tokens = await createAppTokens(deps.keyring, {
    issuer: deps.issuer,
    audience: deps.fhirBase,
    ttlSeconds: deps.accessTtlSeconds,
  });
  const base = {
    collections,
    audit: deps.audit,
    memberPseudonym: (id: string) => deps.audit.memberPseudonym(id),
    memberExists: deps.memberExists,
  };
  const tokenDeps = { ...base, tokens };
  const resolverDeps = { ...tokenDeps, now: deps.now };
  const registry = { collections, audit: deps.audit };
  return {
    fhirBase: deps.fhirBase,
    registerApp: (registration, stewardId, now) => registerApp(registry, registration, stewardId, now),
    listApps: () => listApps(registry),
    disableApp: (appId, stewardId, now) => disableApp(registry, appId, stewardId, now),
    checkAuthorizationRequest: (params) => checkAuthorizationRequest(collections, params, deps.fhirBase),
    approve: (request, memberId, now) => approveAuthorization(base, request, memberId, now),
    deny: (request) => denyAuthorization(request),
    exchangeCode: async (client, input, now) =>
      exchangeCode(tokenDeps, await authenticateClient(collections, client), input, now),
    refresh: async (client, input, now) =>
      refreshTokens(tokenDeps, await authenticateClient(collections, client), input, now),
    revoke: async (client, token, now) =>
      revokeToken(tokenDeps, await authenticateClient(collections, client), token, now),
    listGrants: (memberId) => listMemberGrants(collections, memberId),
    revokeGrant: (memberId, grantId, now) => revokeMemberGrant(base, memberId, grantId, now),
    listAppAccesses: (memberId) => listAppAccesses({ collections, audit: deps.audit }, memberId),
    resolver: appTokenResolver(resolverDeps),
    resolveToken: (token) => resolveAppToken(resolverDeps, token),
  };
}
