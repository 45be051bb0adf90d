// OWASP API2 (broken authentication): every forged, altered, misaddressed, stale or misused access token is refused
// with 401 and one and the same body, so a caller learns nothing about why. Tokens are forged with the service's
// own signing key (read from the keyring by the kid the JWKS publishes), starting from a real token's header and
// claims, so each case changes exactly one thing — and a re-signed unchanged token must still work.
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CompactSign, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey } from '../../services/crypto/signing-key.js';
import { createStewardAndLogin, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
let member: BuiltAccount;
let steward: BuiltAccount;
let signingKey: CryptoKey;
let publicX: string;

type Claims = Record<string, unknown>;
type Header = Record<string, unknown>;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (token: string): { header: Header; claims: Claims; signature: string } => {
  const [header, claims, signature] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header!, 'base64url').toString()) as Header,
    claims: JSON.parse(Buffer.from(claims!, 'base64url').toString()) as Claims,
    signature: signature!,
  };
};
const sign = async (header: Header, claims: Claims, key: CryptoKey | KeyObject = signingKey) =>
  new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader(header as never).sign(key);
const nowSeconds = () => Math.floor(app.clock.now().getTime() / 1000);
const without = (claims: Claims, name: string) =>
  Object.fromEntries(Object.entries(claims).filter(([k]) => k !== name));

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  member = await registerAndLogin(app);
  steward = await createStewardAndLogin(app);
  const jwks = await app.request('GET', '/.well-known/jwks.json');
  const published = jwks.body.keys[0] as { kid: string; x: string };
  publicX = published.x;
  signingKey = (await loadOrCreateSigningKey(app.services.keyring, published.kid, 'token-signing')).privateKey;
}, 120_000);
afterAll(() => app?.close());

/** Each case: a name and how to make its token from a fresh, valid token of `member`. */
const CASES: [string, (valid: string) => Promise<string>][] = [
  [
    'alg "none", no signature',
    async (valid) => {
      const { header, claims } = decode(valid);
      return `${b64({ ...header, alg: 'none' })}.${b64(claims)}.`;
    },
  ],
  [
    'HS256 signed with the public key bytes',
    async (valid) => {
      const { header, claims } = decode(valid);
      const input = `${b64({ ...header, alg: 'HS256' })}.${b64(claims)}`;
      return `${input}.${createHmac('sha256', Buffer.from(publicX, 'base64url')).update(input).digest('base64url')}`;
    },
  ],
  [
    'HS256 signed with the published JWK text',
    async (valid) => {
      const { header, claims } = decode(valid);
      const jwk = JSON.stringify((await app.request('GET', '/.well-known/jwks.json')).body.keys[0]);
      const input = `${b64({ ...header, alg: 'HS256' })}.${b64(claims)}`;
      return `${input}.${createHmac('sha256', jwk).update(input).digest('base64url')}`;
    },
  ],
  [
    'another audience',
    async (valid) => sign(decode(valid).header, { ...decode(valid).claims, aud: 'another-service' }),
  ],
  ['another issuer', async (valid) => sign(decode(valid).header, { ...decode(valid).claims, iss: 'someone-else' })],
  ['typ JWT instead of at+jwt', async (valid) => sign({ ...decode(valid).header, typ: 'JWT' }, decode(valid).claims)],
  ['no typ', async (valid) => sign(without(decode(valid).header, 'typ'), decode(valid).claims)],
  [
    'an unknown kid',
    async (valid) => sign({ ...decode(valid).header, kid: 'token-signing-999' }, decode(valid).claims),
  ],
  [
    'signed by another Ed25519 key under the same kid',
    async (valid) => {
      const { privateKey } = generateKeyPairSync('ed25519');
      return sign(decode(valid).header, decode(valid).claims, privateKey);
    },
  ],
  [
    'expired a minute ago',
    async (valid) =>
      sign(decode(valid).header, { ...decode(valid).claims, iat: nowSeconds() - 660, exp: nowSeconds() - 60 }),
  ],
  [
    'not valid before an hour from now (nbf)',
    async (valid) => sign(decode(valid).header, { ...decode(valid).claims, nbf: nowSeconds() + 3600 }),
  ],
  [
    'issued an hour in the future (iat)',
    async (valid) =>
      sign(decode(valid).header, { ...decode(valid).claims, iat: nowSeconds() + 3600, exp: nowSeconds() + 4200 }),
  ],
  [
    'issued too long ago for the longest lifetime',
    async (valid) => sign(decode(valid).header, { ...decode(valid).claims, iat: nowSeconds() - 7200 }),
  ],
  [
    'payload altered (role: steward), signature kept',
    async (valid) => {
      const { header, claims, signature } = decode(valid);
      return `${b64(header)}.${b64({ ...claims, role: 'steward' })}.${signature}`;
    },
  ],
  [
    'signature altered',
    async (valid) => {
      const [header, claims, signature] = valid.split('.');
      const middle = Math.floor(signature!.length / 2);
      const flipped = signature![middle] === 'A' ? 'B' : 'A';
      return `${header}.${claims}.${signature!.slice(0, middle)}${flipped}${signature!.slice(middle + 1)}`;
    },
  ],
  [
    'signature of another token',
    async (valid) => {
      const other = await sign(decode(valid).header, { ...decode(valid).claims, jti: 'another' });
      return `${valid.split('.').slice(0, 2).join('.')}.${other.split('.')[2]}`;
    },
  ],
  ...['sub', 'sid', 'role', 'exp', 'iat'].map((claim): [string, (valid: string) => Promise<string>] => [
    `no ${claim} claim`,
    async (valid) => sign(decode(valid).header, without(decode(valid).claims, claim)),
  ]),
  ['role claim not a role', async (valid) => sign(decode(valid).header, { ...decode(valid).claims, role: 'admin' })],
  ['claims as an array', async (valid) => sign(decode(valid).header, [decode(valid).claims] as unknown as Claims)],
  ['a refresh token presented as an access token', async () => member.refreshToken],
  [
    'an access token of a session that logged out',
    async () => {
      const session = await app.request('POST', '/api/auth/login', {
        body: { email: member.email, password: member.password },
      });
      const out = await app.request('POST', '/api/auth/logout', { body: { refreshToken: session.body.refreshToken } });
      expect(out.status).toBe(204);
      return session.body.accessToken as string;
    },
  ],
  [
    'an access token of an erased account',
    async () => {
      const erased = await registerAndLogin(app);
      const gone = await app.request('DELETE', '/api/me', {
        token: erased.accessToken,
        body: { password: erased.password },
      });
      expect(gone.status).toBe(204);
      return erased.accessToken;
    },
  ],
];

describe('token rejection matrix: every bad access token gets 401 and the same body', () => {
  let reference: unknown;
  beforeAll(async () => {
    // The body of a token that is simply not valid: the one every case must match.
    reference = (await app.request('GET', '/api/me', { token: 'x.y.z' })).body;
    expect(reference).toEqual({ error: { code: 'invalid_token', message: expect.any(String) } });
  });

  it('accepts the forger’s re-signing of an unchanged token, so every refusal below is about the one change', async () => {
    const { header, claims } = decode(member.accessToken);
    const resigned = await sign(header, claims);
    expect((await app.request('GET', '/api/me', { token: resigned })).status).toBe(200);
    const stewardResigned = await sign(decode(steward.accessToken).header, decode(steward.accessToken).claims);
    expect((await app.request('GET', '/api/steward/researchers', { token: stewardResigned })).status).toBe(200);
  });

  it.each(CASES)('%s', async (_name, make) => {
    const token = await make(member.accessToken);
    for (const path of ['/api/me', '/api/me/consent', '/api/steward/researchers']) {
      const response = await app.request('GET', path, { token });
      expect({ path, status: response.status, body: response.body }).toEqual({ path, status: 401, body: reference });
    }
  });
});
