// The second factor through the real app: enrolment with an authenticator app's code, log-in in two steps, recovery
// codes, and what an attacker with the password alone can do (nothing: no tokens, no reuse, no guessing for free).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, hotp, totpStep } from '../../services/members/index.js';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '2' });
});
afterAll(() => app.close());

/** The authenticator app: the code of the current step, or of the step `offset` steps away. */
const codeOf = (secret: string, offset = 0) => hotp(base32Decode(secret), totpStep(app.clock.now()) + offset);

async function enrol(account: BuiltAccount): Promise<{ secret: string; recoveryCodes: string[] }> {
  const started = await app.request('POST', '/api/me/second-factor/totp', { token: account.accessToken });
  expect(started.status).toBe(201);
  const confirmed = await app.request('POST', '/api/me/second-factor/totp/confirm', {
    token: account.accessToken,
    body: { code: codeOf(started.body.secret) },
  });
  expect(confirmed.status).toBe(200);
  return { secret: started.body.secret, recoveryCodes: confirmed.body.recoveryCodes };
}

const passwordStep = (account: BuiltAccount) =>
  app.request('POST', '/api/auth/login', { body: { email: account.email, password: account.password } });

describe('TOTP enrolment', () => {
  it('shows the secret once as an otpauth URI, confirms it with a code and answers ten recovery codes', async () => {
    const account = await registerAndLogin(app);
    const started = await app.request('POST', '/api/me/second-factor/totp', { token: account.accessToken });
    expect(started.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Datacoop%3A.+\?secret=[A-Z2-7]+&issuer=Datacoop/);
    const wrong = await app.request('POST', '/api/me/second-factor/totp/confirm', {
      token: account.accessToken,
      body: { code: codeOf(started.body.secret, 5) },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'invalid_code', details: [{ field: 'code' }] });
    const confirmed = await app.request('POST', '/api/me/second-factor/totp/confirm', {
      token: account.accessToken,
      body: { code: codeOf(started.body.secret) },
    });
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
    const me = await app.request('GET', '/api/me', { token: account.accessToken });
    expect(me.body.secondFactor).toBe(true);
    const again = await app.request('POST', '/api/me/second-factor/totp', { token: account.accessToken });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('second_factor_enrolled');
  });

  it('keeps neither the secret nor the recovery codes readable at rest', async () => {
    const account = await registerAndLogin(app);
    const { secret, recoveryCodes } = await enrol(account);
    const stored = JSON.stringify(await app.connection.collection('users').findOne({ _id: account.id as never }));
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(base32Decode(secret).toString('base64'));
    for (const code of recoveryCodes) expect(stored).not.toContain(code.replace('-', ''));
  });
});

describe('log-in with a second factor', () => {
  it('answers a right password with a challenge only, and opens a session for the challenge and a code', async () => {
    const account = await registerAndLogin(app);
    const { secret } = await enrol(account);
    const first = await passwordStep(account);
    // Computed once: the replay below must present this very code, even if the 30 s step turns meanwhile.
    const code = codeOf(secret, 1);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ secondFactorRequired: true, challenge: expect.any(String), passkeys: [] });
    const second = await app.request('POST', '/api/auth/login/second-factor', {
      body: { challenge: first.body.challenge, code },
    });
    expect(second.status).toBe(200);
    expect(second.body.tokenType).toBe('Bearer');
    expect((await app.request('GET', '/api/me', { token: second.body.accessToken })).status).toBe(200);
    // The challenge works once, and so does the code's time step.
    const replayChallenge = await app.request('POST', '/api/auth/login/second-factor', {
      body: { challenge: first.body.challenge, code: codeOf(secret, -1) },
    });
    expect(replayChallenge.status).toBe(401);
    const next = await passwordStep(account);
    const replayCode = await app.request('POST', '/api/auth/login/second-factor', {
      body: { challenge: next.body.challenge, code },
    });
    expect(replayCode.status).toBe(401);
    expect(replayCode.body.error.code).toBe('invalid_second_factor');
  });

  it('takes each recovery code once', async () => {
    const account = await registerAndLogin(app);
    const { recoveryCodes } = await enrol(account);
    const use = async (recoveryCode: string) =>
      app.request('POST', '/api/auth/login/second-factor', {
        body: { challenge: (await passwordStep(account)).body.challenge, recoveryCode },
      });
    expect((await use(recoveryCodes[0]!)).status).toBe(200);
    expect((await use(recoveryCodes[0]!)).status).toBe(401);
    expect((await use(recoveryCodes[1]!.toUpperCase())).status).toBe(200);
    expect((await use('aaaaa-aaaaa')).status).toBe(401);
  });

  it('counts wrong codes as failed attempts: guessing codes slows down like guessing passwords', async () => {
    const account = await registerAndLogin(app);
    const { secret } = await enrol(account);
    for (let i = 0; i < 2; i++) {
      const challenge = (await passwordStep(account)).body.challenge;
      const wrong = await app.request('POST', '/api/auth/login/second-factor', {
        body: { challenge, code: codeOf(secret, 7) },
      });
      expect(wrong.status).toBe(401);
    }
    expect((await passwordStep(account)).status).toBe(429);
  });

  it('refuses a made-up challenge', async () => {
    const response = await app.request('POST', '/api/auth/login/second-factor', {
      body: { challenge: 'A'.repeat(43), code: '123456' },
    });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_second_factor');
  });
});

describe('stewards and the second factor (STEWARD_SECOND_FACTOR=required, the production default)', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await createTestApp({ STEWARD_SECOND_FACTOR: 'required' });
  });
  afterAll(() => strict.close());

  it('refuses steward routes to a password-only session, lets the steward enrol, then lets them in', async () => {
    const credentials = { email: `steward-${Date.now()}@example.org`, password: 'steward password 2026' };
    await strict.services.members.createSteward({ ...credentials, name: 'Strict Steward' }, strict.clock.now());
    const login = await strict.request('POST', '/api/auth/login', { body: credentials });
    const token = login.body.accessToken;
    const refused = await strict.request('GET', '/api/steward/researchers', { token });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('second_factor_required');
    expect((await strict.request('GET', '/api/me', { token })).status).toBe(200);
    const started = await strict.request('POST', '/api/me/second-factor/totp', { token });
    const step = totpStep(strict.clock.now());
    const secret = base32Decode(started.body.secret);
    await strict.request('POST', '/api/me/second-factor/totp/confirm', { token, body: { code: hotp(secret, step) } });
    const challenge = (await strict.request('POST', '/api/auth/login', { body: credentials })).body.challenge;
    const signedIn = await strict.request('POST', '/api/auth/login/second-factor', {
      body: { challenge, code: hotp(secret, step + 1) },
    });
    const allowed = await strict.request('GET', '/api/steward/researchers', {
      token: signedIn.body.accessToken,
    });
    expect(allowed.status).toBe(200);
  });

  it('refuses a forged second-factor claim: the token is signed', async () => {
    const credentials = { email: `steward-f-${Date.now()}@example.org`, password: 'steward password 2026' };
    await strict.services.members.createSteward({ ...credentials, name: 'Forging Steward' }, strict.clock.now());
    const token: string = (await strict.request('POST', '/api/auth/login', { body: credentials })).body.accessToken;
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sf: true })).toString('base64url')}.${signature}`;
    const response = await strict.request('GET', '/api/steward/researchers', { token: forged });
    expect(response.status).toBe(401);
  });
});
