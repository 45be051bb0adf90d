// Access tokens carry the caller's state; the revocation list ends them early, across service instances.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey } from '../../services/crypto/signing-key.js';
import { createStewardAndLogin, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let first: TestApp;
let second: TestApp;
let steward: BuiltAccount;

beforeAll(async () => {
  first = await createTestApp();
  second = await createTestApp({}, { dbName: first.connection.name, masterKey: first.masterKey });
  steward = await createStewardAndLogin(first);
});
afterAll(async () => {
  await second.close();
  await first.close();
});

const me = (app: TestApp, token: string) => app.request('GET', '/api/me', { token });
const refresh = (app: TestApp, refreshToken: string) =>
  app.request('POST', '/api/auth/refresh', { body: { refreshToken } });
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

describe('access tokens and the revocation list', () => {
  it('ends a session logged out on one instance on the very next request to the other', async () => {
    const member = await registerAndLogin(first);
    const other = await registerAndLogin(first);
    expect((await me(second, member.accessToken)).status).toBe(200);

    expect(
      (await first.request('POST', '/api/auth/logout', { body: { refreshToken: member.refreshToken } })).status,
    ).toBe(204);
    const refused = await me(second, member.accessToken);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_token');
    // Only that session: the member's other sessions and other members are untouched.
    expect((await me(second, other.accessToken)).status).toBe(200);
  });

  it('keeps a second session of the same account alive when one is logged out', async () => {
    const member = await registerAndLogin(first);
    const again = await first.request('POST', '/api/auth/login', {
      body: { email: member.email, password: member.password },
    });
    await first.request('POST', '/api/auth/logout', { body: { refreshToken: member.refreshToken } });
    expect((await me(second, member.accessToken)).status).toBe(401);
    expect((await me(second, again.body.accessToken)).status).toBe(200);
  });

  it('makes a researcher token stale when a steward verifies them, and a refresh carries the new state', async () => {
    const researcher = await registerAndLogin(first, { role: 'researcher', organisation: 'Uni Basel' });
    expect(payloadOf(researcher.accessToken).rv).toBe(false);
    const verified = await first.request('POST', `/api/steward/researchers/${researcher.id}/verify`, {
      token: steward.accessToken,
      body: {
        organisation: 'Universität Basel',
        nonProfit: true,
        evidence: { method: 'institutional_directory', note: 'Listed in the staff directory' },
      },
    });
    expect(verified.status).toBe(200);

    expect((await me(second, researcher.accessToken)).status).toBe(401);
    const refreshed = await refresh(second, researcher.refreshToken);
    expect(refreshed.status).toBe(200);
    expect(payloadOf(refreshed.body.accessToken).rv).toBe(true);
    expect((await me(second, refreshed.body.accessToken)).body).toMatchObject({ verification: 'verified' });
  });

  it('makes a member token stale when the membership is suspended; the refreshed token carries the suspension', async () => {
    const member = await registerAndLogin(first);
    const from = first.clock.now();
    await first.services.members.suspendMembership(member.id, { from }, first.clock.now());

    expect((await me(second, member.accessToken)).status).toBe(401);
    const refreshed = await refresh(second, member.refreshToken);
    expect(refreshed.status).toBe(200);
    expect(payloadOf(refreshed.body.accessToken).mbr.s).toEqual([[from.getTime()]]);
    expect((await me(second, refreshed.body.accessToken)).status).toBe(200);
  });

  it('ends every token of an erased account at once, on every instance', async () => {
    const member = await registerAndLogin(first);
    const otherSession = await first.request('POST', '/api/auth/login', {
      body: { email: member.email, password: member.password },
    });
    const erased = await first.request('DELETE', '/api/me', {
      token: member.accessToken,
      body: { password: member.password },
    });
    expect(erased.status).toBe(204);
    for (const token of [member.accessToken, otherSession.body.accessToken]) {
      expect((await me(second, token)).status).toBe(401);
    }
    expect((await refresh(second, otherSession.body.refreshToken)).status).toBe(401);
  });

  it('refuses a validly signed token whose state claims are missing or malformed', async () => {
    const member = await registerAndLogin(first);
    const claims = payloadOf(member.accessToken);
    const { kid, privateKey } = await loadOrCreateSigningKey(
      first.services.keyring,
      'token-signing-1',
      'token-signing',
    );
    const sign = (payload: Record<string, unknown>) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' }).sign(privateKey);
    const { st, rv, mbr, ...rest } = claims;
    // The key and the claims are right: this control proves the forgeries below fail for their state alone.
    expect((await me(second, await sign(claims))).status).toBe(200);
    const malformed = [
      rest,
      { ...rest, rv },
      { ...rest, st },
      { ...rest, st: String(st), rv, mbr },
      { ...rest, st: -1, rv, mbr },
      { ...rest, st, rv: 'true', mbr },
      { ...rest, st, rv, mbr: 'member' },
      { ...rest, st, rv, mbr: { ...mbr, j: 'yesterday' } },
      { ...rest, st, rv, mbr: { ...mbr, s: [[1, 2, 3]] } },
      { ...rest, st, rv, mbr: { ...mbr, s: [['x']] } },
    ];
    for (const payload of malformed) {
      const response = await me(second, await sign(payload));
      expect(response.status, JSON.stringify(payload)).toBe(401);
      expect(response.body.error.code).toBe('invalid_token');
    }
  });
});
