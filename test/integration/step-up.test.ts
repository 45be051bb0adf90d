// Step-up re-authentication through the real app: erasure, admission decisions and exports need an authentication
// of the last five minutes (the log-in, or POST /api/auth/step-up), throttled like log-in and bound to the session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, hotp, totpStep } from '../../services/members/index.js';
import {
  createStewardAndLogin,
  enrolTotp as enrolTotpFor,
  registerAndLogin,
  type BuiltAccount,
} from '../helpers/builders.js';
import { SoftwareAuthenticator } from '../helpers/software-authenticator.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const ORIGIN = 'http://coop.test';
const SIX_MINUTES = 6 * 60_000;
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ PUBLIC_URL: ORIGIN, LOGIN_MAX_FAILURES_PER_ACCOUNT: '2' });
});
afterAll(() => app.close());

const exportWith = (token: string) => app.request('GET', '/api/me/export?format=json', { token });
const stepUp = (token: string, body: Record<string, unknown>) =>
  app.request('POST', '/api/auth/step-up', { token, body });

const enrolTotp = async (account: BuiltAccount) => (await enrolTotpFor(app, account)).secret;

describe('step-up re-authentication', () => {
  it('lets a fresh log-in export, refuses the same session after five minutes, and a step-up opens it again', async () => {
    const member = await registerAndLogin(app);
    expect((await exportWith(member.accessToken)).status).toBe(200);
    app.clock.advance(SIX_MINUTES);
    const stale = await exportWith(member.accessToken);
    expect(stale.status).toBe(401);
    expect(stale.body.error.code).toBe('step_up_required');
    // A refresh keeps the session's authentication time: it is no way around the step-up.
    const refreshed = await app.request('POST', '/api/auth/refresh', { body: { refreshToken: member.refreshToken } });
    expect((await exportWith(refreshed.body.accessToken)).body.error.code).toBe('step_up_required');
    const wrong = await stepUp(member.accessToken, { password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const confirmed = await stepUp(member.accessToken, { password: member.password });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ tokenType: 'Bearer', freshFor: 300, accessToken: expect.any(String) });
    expect((await exportWith(confirmed.body.accessToken)).status).toBe(200);
    app.clock.advance(SIX_MINUTES);
    expect((await exportWith(confirmed.body.accessToken)).body.error.code).toBe('step_up_required');
  });

  it('refuses erasure without a fresh authentication, even with the right password in the body', async () => {
    const member = await registerAndLogin(app);
    app.clock.advance(SIX_MINUTES);
    const refused = await app.request('DELETE', '/api/me', {
      token: member.accessToken,
      body: { password: member.password },
    });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('step_up_required');
    expect((await app.request('GET', '/api/me', { token: member.accessToken })).status).toBe(200);
    const { accessToken } = (await stepUp(member.accessToken, { password: member.password })).body;
    const erased = await app.request('DELETE', '/api/me', { token: accessToken, body: { password: member.password } });
    expect(erased.status).toBe(204);
  });

  it("refuses a steward's admission decision without a fresh authentication", async () => {
    const steward = await createStewardAndLogin(app);
    const holder = await registerAndLogin(app, {}, { admitted: false });
    const applied = await app.request('POST', '/api/me/membership/application', { token: holder.accessToken });
    expect(applied.status).toBe(201);
    app.clock.advance(SIX_MINUTES);
    const refused = await app.request('POST', `/api/steward/members/${holder.id}/refuse`, {
      token: steward.accessToken,
      body: { reason: 'The application names no one we know.' },
    });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('step_up_required');
    const { accessToken } = (await stepUp(steward.accessToken, { password: steward.password })).body;
    const decided = await app.request('POST', `/api/steward/members/${holder.id}/refuse`, {
      token: accessToken,
      body: { reason: 'The application names no one we know.' },
    });
    expect(decided.status).toBe(200);
  });

  it('binds the fresh token to its session: a logout ends it too', async () => {
    const member = await registerAndLogin(app);
    const { accessToken } = (await stepUp(member.accessToken, { password: member.password })).body;
    await app.request('POST', '/api/auth/logout', { body: { refreshToken: member.refreshToken } });
    const after = await exportWith(accessToken);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('invalid_token');
    expect((await stepUp(member.accessToken, { password: member.password })).status).toBe(401);
  });

  it('needs a signed-in caller', async () => {
    const anonymous = await app.request('POST', '/api/auth/step-up', { body: { password: 'whatever password' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('not_authenticated');
  });

  it('slows guessing like log-in, and the delays count for log-in too', async () => {
    const member = await registerAndLogin(app);
    for (let i = 0; i < 2; i++) {
      expect((await stepUp(member.accessToken, { password: `wrong guess ${i}` })).status).toBe(401);
    }
    const throttled = await stepUp(member.accessToken, { password: member.password });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    const login = await app.request('POST', '/api/auth/login', {
      body: { email: member.email, password: member.password },
    });
    expect(login.status).toBe(429);
  });

  it('asks an account with an authenticator app for a code, not the password, and takes each code once', async () => {
    const member = await registerAndLogin(app);
    const secret = await enrolTotp(member);
    const challenge = await app.request('POST', '/api/auth/step-up/challenge', { token: member.accessToken });
    expect(challenge.body).toEqual({ method: 'second-factor', totp: true, passkeys: [] });
    const withPassword = await stepUp(member.accessToken, { password: member.password });
    expect(withPassword.status).toBe(400);
    expect(withPassword.body.error).toMatchObject({ code: 'second_factor_expected', details: [{ field: 'password' }] });
    // The enrolment used the current step's code: the next step's is new.
    const code = hotp(base32Decode(secret), totpStep(app.clock.now()) + 1);
    const confirmed = await stepUp(member.accessToken, { code });
    expect(confirmed.status, confirmed.text).toBe(200);
    const replayed = await stepUp(member.accessToken, { code });
    expect(replayed.status).toBe(401);
    expect(replayed.body.error.code).toBe('invalid_second_factor');
  });

  it('accepts a passkey signing the step-up challenge, once, and not one signing a log-in challenge', async () => {
    const member = await registerAndLogin(app);
    const authenticator = new SoftwareAuthenticator(ORIGIN, 'coop.test');
    const options = await app.request('POST', '/api/me/second-factor/passkeys/options', { token: member.accessToken });
    const registered = await app.request('POST', '/api/me/second-factor/passkeys', {
      token: member.accessToken,
      body: { response: authenticator.register(options.body) },
    });
    expect(registered.status).toBe(201);
    const asked = await app.request('POST', '/api/auth/step-up/challenge', { token: member.accessToken });
    expect(asked.body).toMatchObject({ method: 'second-factor', totp: false, challenge: expect.any(String) });
    const challenge = asked.body.challenge as string;
    const confirmed = await stepUp(member.accessToken, { challenge, passkey: authenticator.authenticate(challenge) });
    expect(confirmed.status, confirmed.text).toBe(200);
    // A log-in challenge is no step-up challenge, and a step-up challenge works once.
    const login = await app.request('POST', '/api/auth/login', {
      body: { email: member.email, password: member.password },
    });
    const foreign = login.body.challenge as string;
    const misused = await stepUp(member.accessToken, {
      challenge: foreign,
      passkey: authenticator.authenticate(foreign),
    });
    expect(misused.status).toBe(401);
    const replayed = await stepUp(member.accessToken, { challenge, passkey: authenticator.authenticate(challenge) });
    expect(replayed.status).toBe(401);
    expect(replayed.body.error.code).toBe('invalid_second_factor');
  });
});
