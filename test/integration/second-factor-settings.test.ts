// The owner's own second factors through the real app: the list (no key material), removing the authenticator app
// or a passkey and renewing recovery codes — each only after a fresh confirmation (step-up), audited, and never
// leaving a steward without a factor; another account's passkey is answered like a missing one.
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
  app = await createTestApp({ PUBLIC_URL: ORIGIN });
});
afterAll(() => app.close());

const enrolTotp = (account: BuiltAccount) => enrolTotpFor(app, account);

async function addPasskey(account: BuiltAccount, name?: string): Promise<SoftwareAuthenticator> {
  const authenticator = new SoftwareAuthenticator(ORIGIN, 'coop.test');
  const options = await app.request('POST', '/api/me/second-factor/passkeys/options', { token: account.accessToken });
  const registered = await app.request('POST', '/api/me/second-factor/passkeys', {
    token: account.accessToken,
    body: { response: authenticator.register(options.body), ...(name !== undefined && { name }) },
  });
  expect(registered.status, registered.text).toBe(201);
  return authenticator;
}

const factorsOf = async (account: BuiltAccount) =>
  (await app.request('GET', '/api/me/second-factor', { token: account.accessToken })).body;

const passwordStep = (account: BuiltAccount) =>
  app.request('POST', '/api/auth/login', { body: { email: account.email, password: account.password } });

describe('the list of second factors', () => {
  it('shows the app, named passkeys with their last use, and recovery codes left — never a secret or key', async () => {
    const member = await registerAndLogin(app);
    expect(await factorsOf(member)).toEqual({ totpSince: null, passkeys: [], recoveryCodesLeft: 0 });
    const { secret, recoveryCodes } = await enrolTotp(member);
    const laptop = await addPasskey(member, 'Laptop');
    const listed = await factorsOf(member);
    expect(listed).toEqual({
      totpSince: expect.any(String),
      passkeys: [
        {
          id: laptop.credentialId.toString('base64url'),
          name: 'Laptop',
          createdAt: expect.any(String),
          lastUsedAt: null,
        },
      ],
      recoveryCodesLeft: 10,
    });
    const text = JSON.stringify(listed);
    expect(text).not.toContain(secret);
    for (const code of recoveryCodes) expect(text).not.toContain(code);

    // A recovery code used at log-in is one fewer; a passkey's log-in is its last use.
    const byCode = await passwordStep(member);
    await app.request('POST', '/api/auth/login/second-factor', {
      body: { challenge: byCode.body.challenge, recoveryCode: recoveryCodes[0] },
    });
    const byKey = await passwordStep(member);
    const signed = await app.request('POST', '/api/auth/login/second-factor', {
      body: { challenge: byKey.body.challenge, passkey: laptop.authenticate(byKey.body.challenge) },
    });
    expect(signed.status).toBe(200);
    const after = await factorsOf(member);
    expect(after.recoveryCodesLeft).toBe(9);
    expect(after.passkeys[0].lastUsedAt).toEqual(expect.any(String));
  });

  it('gives the recovery codes with the first factor only: a passkey-only account can still recover', async () => {
    const member = await registerAndLogin(app);
    const register = async () => {
      const authenticator = new SoftwareAuthenticator(ORIGIN, 'coop.test');
      const options = await app.request('POST', '/api/me/second-factor/passkeys/options', {
        token: member.accessToken,
      });
      const answer = await app.request('POST', '/api/me/second-factor/passkeys', {
        token: member.accessToken,
        body: { response: authenticator.register(options.body) },
      });
      expect(answer.status).toBe(201);
      return answer.body as { id: string; recoveryCodes?: string[] };
    };
    const first = await register();
    expect(first.recoveryCodes).toHaveLength(10);
    const second = await register();
    expect(second.recoveryCodes).toBeUndefined();
    expect((await factorsOf(member)).recoveryCodesLeft).toBe(10);
    const step = await passwordStep(member);
    const recovered = await app.request('POST', '/api/auth/login/second-factor', {
      body: { challenge: step.body.challenge, recoveryCode: first.recoveryCodes![3] },
    });
    expect(recovered.status).toBe(200);
  });

  it('refuses a passkey name with control or bidi-override characters', async () => {
    const member = await registerAndLogin(app);
    const authenticator = new SoftwareAuthenticator(ORIGIN, 'coop.test');
    const options = await app.request('POST', '/api/me/second-factor/passkeys/options', { token: member.accessToken });
    const refused = await app.request('POST', '/api/me/second-factor/passkeys', {
      token: member.accessToken,
      body: { response: authenticator.register(options.body), name: 'Lap\u202Etop' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].field).toBe('name');
  });
});

describe('removing a factor', () => {
  it('needs a fresh confirmation: a stale session is refused, and a password alone does not confirm it', async () => {
    const member = await registerAndLogin(app);
    await enrolTotp(member);
    app.clock.advance(SIX_MINUTES);
    const stale = await app.request('DELETE', '/api/me/second-factor/totp', { token: member.accessToken });
    expect(stale.status).toBe(401);
    expect(stale.body.error.code).toBe('step_up_required');
    expect((await factorsOf(member)).totpSince).toEqual(expect.any(String));

    const challenge = await app.request('POST', '/api/auth/step-up/challenge', { token: member.accessToken });
    expect(challenge.status).toBe(200);
    // A password alone does not confirm an account with a second factor.
    const byPassword = await app.request('POST', '/api/auth/step-up', {
      token: member.accessToken,
      body: { password: member.password },
    });
    expect(byPassword.status).not.toBe(200);
    expect(
      (await app.request('DELETE', '/api/me/second-factor/totp', { token: member.accessToken })).body.error.code,
    ).toBe('step_up_required');
  });

  it('removes the app after a step-up with its code; the next log-in asks for no second factor', async () => {
    const member = await registerAndLogin(app);
    const { secret } = await enrolTotp(member);
    app.clock.advance(SIX_MINUTES);
    app.clock.advance(30_000); // a new TOTP step: the enrolment's code is used
    const stepped = await app.request('POST', '/api/auth/step-up', {
      token: member.accessToken,
      body: { code: hotp(base32Decode(secret), totpStep(app.clock.now())) },
    });
    expect(stepped.status, stepped.text).toBe(200);
    const removed = await app.request('DELETE', '/api/me/second-factor/totp', { token: stepped.body.accessToken });
    expect(removed.status).toBe(204);
    expect(await factorsOf(member)).toEqual({ totpSince: null, passkeys: [], recoveryCodesLeft: 0 });
    const next = await passwordStep(member);
    expect(next.status).toBe(200);
    expect(next.body.accessToken).toEqual(expect.any(String));
    const stored = await app.connection.db!.collection('users').findOne({ _id: member.id as never });
    expect(stored!.secondFactor).toBeUndefined();
    const audited = await app.request('GET', '/api/me/audit-entries', { token: next.body.accessToken });
    const removal = audited.body.entries.find((e: { type: string }) => e.type === 'account.second_factor_removed');
    expect(removal.data).toEqual({ method: 'totp' });
    expect((await app.request('DELETE', '/api/me/second-factor/totp', { token: next.body.accessToken })).status).toBe(
      404,
    );
  });

  it('removes one passkey and keeps the other; another account’s passkey id is 404 and untouched', async () => {
    const member = await registerAndLogin(app);
    const other = await registerAndLogin(app);
    const phone = await addPasskey(member, 'Phone');
    const laptop = await addPasskey(member, 'Laptop');
    const stranger = await addPasskey(other, 'Theirs');
    const phoneId = phone.credentialId.toString('base64url');
    const strangerId = stranger.credentialId.toString('base64url');
    const theirs = await app.request('DELETE', `/api/me/second-factor/passkeys/${strangerId}`, {
      token: member.accessToken,
    });
    expect(theirs.status).toBe(404);
    expect((await factorsOf(other)).passkeys).toHaveLength(1);
    const removed = await app.request('DELETE', `/api/me/second-factor/passkeys/${phoneId}`, {
      token: member.accessToken,
    });
    expect(removed.status).toBe(204);
    expect((await factorsOf(member)).passkeys.map((p: { name: string }) => p.name)).toEqual(['Laptop']);
    // The removed passkey no longer signs a log-in; the kept one does.
    const first = await passwordStep(member);
    const refused = await app.request('POST', '/api/auth/login/second-factor', {
      body: { challenge: first.body.challenge, passkey: phone.authenticate(first.body.challenge) },
    });
    expect(refused.status).toBe(401);
    const second = await passwordStep(member);
    const accepted = await app.request('POST', '/api/auth/login/second-factor', {
      body: { challenge: second.body.challenge, passkey: laptop.authenticate(second.body.challenge) },
    });
    expect(accepted.status).toBe(200);
  });

  it('never leaves a steward without a second factor', async () => {
    const steward = await createStewardAndLogin(app);
    const key = await addPasskey(steward, 'Only key');
    const id = key.credentialId.toString('base64url');
    const refused = await app.request('DELETE', `/api/me/second-factor/passkeys/${id}`, { token: steward.accessToken });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('last_second_factor');
    expect((await factorsOf(steward)).passkeys).toHaveLength(1);
    // With an authenticator app too, the passkey can go — and then the app cannot.
    await enrolTotp(steward);
    expect(
      (await app.request('DELETE', `/api/me/second-factor/passkeys/${id}`, { token: steward.accessToken })).status,
    ).toBe(204);
    const last = await app.request('DELETE', '/api/me/second-factor/totp', { token: steward.accessToken });
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('last_second_factor');
    expect((await factorsOf(steward)).totpSince).toEqual(expect.any(String));
  });
});

describe('renewing recovery codes', () => {
  it('gives ten new codes once a step-up confirms it; the old ones stop working, the new ones work', async () => {
    const member = await registerAndLogin(app);
    const { recoveryCodes: old } = await enrolTotp(member);
    const renewed = await app.request('POST', '/api/me/second-factor/recovery-codes', { token: member.accessToken });
    expect(renewed.status).toBe(200);
    const fresh = renewed.body.recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh.some((code) => old.includes(code))).toBe(false);
    const withOld = await passwordStep(member);
    expect(
      (
        await app.request('POST', '/api/auth/login/second-factor', {
          body: { challenge: withOld.body.challenge, recoveryCode: old[1] },
        })
      ).status,
    ).toBe(401);
    const withNew = await passwordStep(member);
    expect(
      (
        await app.request('POST', '/api/auth/login/second-factor', {
          body: { challenge: withNew.body.challenge, recoveryCode: fresh[0] },
        })
      ).status,
    ).toBe(200);
    const audited = await app.request('GET', '/api/me/audit-entries', { token: member.accessToken });
    const entry = audited.body.entries.find((e: { type: string }) => e.type === 'account.recovery_codes_renewed');
    expect(entry).toBeDefined();
    for (const code of fresh) expect(JSON.stringify(audited.body)).not.toContain(code);

    app.clock.advance(SIX_MINUTES);
    const stale = await app.request('POST', '/api/me/second-factor/recovery-codes', { token: member.accessToken });
    expect(stale.body.error.code).toBe('step_up_required');
  });

  it('is refused without a second factor', async () => {
    const member = await registerAndLogin(app);
    const refused = await app.request('POST', '/api/me/second-factor/recovery-codes', { token: member.accessToken });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('no_second_factor');
  });
});
