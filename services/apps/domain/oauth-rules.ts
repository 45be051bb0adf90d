// The rules of app authorisation as pure functions: which scopes exist, which redirect URIs may be registered, and
// what a PKCE verifier must be. No I/O and no clock: the use cases around them pass everything in.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FhirScope } from '../../fhir/index.js';

/** The resource scopes an app may hold: the member's own observations, profile and consent, nothing else. */
export const RESOURCE_SCOPES: readonly FhirScope[] = [
  'patient/Observation.rs',
  'patient/Observation.c',
  'patient/Patient.r',
  'patient/Consent.r',
];

/** Scopes that ask for launch context or a refresh token rather than data (SMART App Launch 2.x). */
export const CONTEXT_SCOPES = ['launch/patient', 'offline_access'] as const;
export type ContextScope = (typeof CONTEXT_SCOPES)[number];
export type AppScope = FhirScope | ContextScope;

/** Every scope this service knows, as `/.well-known/smart-configuration` lists it. */
export const SUPPORTED_SCOPES: readonly AppScope[] = [...RESOURCE_SCOPES, ...CONTEXT_SCOPES];

export function isResourceScope(scope: string): scope is FhirScope {
  return (RESOURCE_SCOPES as readonly string[]).includes(scope);
}

export function isSupportedScope(scope: string): scope is AppScope {
  return (SUPPORTED_SCOPES as readonly string[]).includes(scope);
}

export type ScopeDecision =
  | { ok: true; scopes: AppScope[] }
  | { ok: false; reason: 'unknown_scope' | 'not_allowed_for_app' | 'no_resource_scope'; scopes: string[] };

/**
 * Decides a requested scope string against what the app was registered for. Anything outside the member's own data
 * (`user/…`, `system/…`, other resources, wildcards) is unknown; at least one resource scope must be asked for.
 */
export function decideScopes(requested: string, allowedForApp: readonly string[]): ScopeDecision {
  const asked = [...new Set(requested.split(' ').filter((s) => s !== ''))];
  const unknown = asked.filter((s) => !isSupportedScope(s));
  if (unknown.length > 0) return { ok: false, reason: 'unknown_scope', scopes: unknown };
  const refused = asked.filter((s) => isResourceScope(s) && !allowedForApp.includes(s));
  if (refused.length > 0) return { ok: false, reason: 'not_allowed_for_app', scopes: refused };
  if (!asked.some(isResourceScope)) return { ok: false, reason: 'no_resource_scope', scopes: [] };
  // Canonical order, so a grant's scopes read the same however the app spelled them.
  return { ok: true, scopes: SUPPORTED_SCOPES.filter((s) => asked.includes(s)) };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** A redirect URI a steward may register: absolute https, or http on the loopback interface; no fragment. */
export function isAllowedRedirectUri(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.hash !== '' || uri.includes('#') || url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/** A PKCE S256 challenge as RFC 7636 §4.2 makes it: 43 base64url characters (a SHA-256 digest). */
export function isS256Challenge(challenge: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(challenge);
}

/** True when the verifier is well-formed (RFC 7636 §4.1) and its SHA-256 is the challenge. */
export function verifierMatches(verifier: string, challenge: string): boolean {
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
