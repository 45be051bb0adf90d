// Passkeys as a second factor, with a software authenticator (node:crypto ES256): registration and log-in
// ceremonies through the real app, and what a thief of the password, an old assertion or another site gets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { SoftwareAuthenticator } from '../helpers/software-authenticator.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const ORIGIN = 'http://coop.test';
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ PUBLIC_URL: ORIGIN });
});
afterAll(() => app.close());

async function registerPasskey(account: BuiltAccount): Promise<SoftwareAuthenticator> {
  const authenticator = new SoftwareAuthenticator(ORIGIN, 'coop.test');
  const options = await app.request('POST', '/api/me/second-factor/passkeys/options', { token: account.accessToken });
  expect(options.status).toBe(200);
  expect(options.body.rp).toEqual({ name: 'Datacoop', id: 'coop.test' });
  const registered = await app.request('POST', '/api/me/second-factor/passkeys', {
    token: account.accessToken,
    body: { response: authenticator.register(options.body) },
  });
  expect(registered.status, registered.text).toBe(201);
  return authenticator;
}

const passwordStep = (account: BuiltAccount) =>
  app.request('POST', '/api/auth/login', { body: { email: account.email, password: account.password } });

describe('passkeys', () => {
  it('registers a passkey, then signs in with the password and the passkey', async () => {
    const account = await registerAndLogin(app);
    const authenticator = await registerPasskey(account);
    const first = await passwordStep(account);
    expect(first.body).toMatchObject({
      secondFactorRequired: true,
      passkeys: [authenticator.credentialId.toString('base64url')],
    });
    const signedIn = await app.request('POST', '/api/auth/login/second-factor', {
      body: { challenge: first.body.challenge, passkey: authenticator.authenticate(first.body.challenge) },
    });
    expect(signedIn.status, signedIn.text).toBe(200);
    expect((await app.request('GET', '/api/me', { token: signedIn.body.accessToken })).body.secondFactor).toBe(true);
  });

  it('refuses an assertion for another challenge, from another origin, or replayed', async () => {
    const account = await registerAndLogin(app);
    const authenticator = await registerPasskey(account);
    const old = (await passwordStep(account)).body.challenge;
    const stale = authenticator.authenticate(old);
    const fresh = (await passwordStep(account)).body.challenge;
    const wrongChallenge = await app.request('POST', '/api/auth/login/second-factor', {
      body: { challenge: fresh, passkey: stale },
    });
    expect(wrongChallenge.status).toBe(401);
    const next = (await passwordStep(account)).body.challenge;
    const phished = await app.request('POST', '/api/auth/login/second-factor', {
      body: { challenge: next, passkey: authenticator.authenticate(next, { origin: 'https://coop-login.example' }) },
    });
    expect(phished.status).toBe(401);
    const last = (await passwordStep(account)).body.challenge;
    const assertion = authenticator.authenticate(last);
    expect(
      (await app.request('POST', '/api/auth/login/second-factor', { body: { challenge: last, passkey: assertion } }))
        .status,
    ).toBe(200);
    expect(
      (await app.request('POST', '/api/auth/login/second-factor', { body: { challenge: last, passkey: assertion } }))
        .status,
    ).toBe(401);
  });

  it('refuses a registration answer to a challenge that was not issued to this account', async () => {
    const account = await registerAndLogin(app);
    const other = await registerAndLogin(app);
    const options = await app.request('POST', '/api/me/second-factor/passkeys/options', { token: other.accessToken });
    const response = new SoftwareAuthenticator(ORIGIN, 'coop.test').register(options.body);
    const stolen = await app.request('POST', '/api/me/second-factor/passkeys', {
      token: account.accessToken,
      body: { response },
    });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toMatchObject({ code: 'invalid_passkey', details: [{ field: 'response' }] });
    const forged = new SoftwareAuthenticator(ORIGIN, 'coop.test').register({
      challenge: 'made-up-challenge-aaaaaaaaaaaaaaaaaaaaaaa',
    });
    const refused = await app.request('POST', '/api/me/second-factor/passkeys', {
      token: account.accessToken,
      body: { response: forged },
    });
    expect(refused.status).toBe(400);
  });
});
