// The pure rules of app authorisation: scopes, redirect URIs, PKCE.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decideScopes,
  isAllowedRedirectUri,
  isS256Challenge,
  verifierMatches,
} from '../../../services/apps/domain/oauth-rules.js';

const allowed = ['patient/Observation.rs', 'patient/Observation.c', 'launch/patient', 'offline_access'];

describe('decideScopes', () => {
  it('grants known scopes in canonical order, once each', () => {
    expect(
      decideScopes('offline_access  patient/Observation.rs patient/Observation.rs launch/patient', allowed),
    ).toEqual({
      ok: true,
      scopes: ['patient/Observation.rs', 'launch/patient', 'offline_access'],
    });
  });

  it.each([
    ['user/Observation.rs', 'unknown_scope'],
    ['system/Observation.rs', 'unknown_scope'],
    ['patient/*.rs', 'unknown_scope'],
    ['patient/Observation.read', 'unknown_scope'],
    ['patient/Condition.rs', 'unknown_scope'],
    ['patient/Patient.r', 'not_allowed_for_app'],
    ['offline_access launch/patient', 'no_resource_scope'],
    ['', 'no_resource_scope'],
  ])('refuses %j (%s)', (scope, reason) => {
    expect(decideScopes(scope, allowed)).toMatchObject({ ok: false, reason });
  });
});

describe('isAllowedRedirectUri', () => {
  it.each([
    ['https://app.example.org/callback', true],
    ['https://app.example.org/callback?x=1', true],
    ['http://127.0.0.1:9000/cb', true],
    ['http://[::1]:9000/cb', true],
    ['http://localhost/cb', true],
    ['http://app.example.org/cb', false],
    ['https://app.example.org/cb#fragment', false],
    ['https://user:pass@app.example.org/cb', false],
    ['javascript:alert(1)', false],
    ['/relative', false],
  ])('%s → %s', (uri, expected) => {
    expect(isAllowedRedirectUri(uri)).toBe(expected);
  });
});

describe('PKCE S256', () => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  it('matches the RFC 7636 appendix B example', () => {
    expect(challenge).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(isS256Challenge(challenge)).toBe(true);
    expect(verifierMatches(verifier, challenge)).toBe(true);
  });

  it.each([
    ['another verifier', 'x'.repeat(43)],
    ['the challenge itself (plain)', challenge],
    ['a short verifier', 'abc'],
    ['characters outside the alphabet', verifier.slice(0, 42) + '!'],
  ])('refuses %s', (_name, candidate) => {
    expect(verifierMatches(candidate, challenge)).toBe(false);
  });

  it('refuses a plain challenge shape', () => {
    expect(isS256Challenge('short')).toBe(false);
  });
});
