// The hourly housekeeping job against the real database: what it deletes (expired account tokens, single-use claims
// nothing can present again, notifications past their year) and what it must keep (live tokens, recovery-code
// claims: a used recovery code stays used).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, hotp, totpStep } from '../../services/members/index.js';
import { registerAndLogin } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const DAY = 86_400_000;
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const tokensOf = (userId: string) => app.connection.collection('account_tokens').countDocuments({ userId });
const claimsLike = (prefix: string) =>
  app.connection.collection('claims').countDocuments({ _id: { $regex: `^${prefix}` } as never });

describe('housekeeping', () => {
  it('deletes account tokens past their expiry and keeps live ones', async () => {
    const member = await registerAndLogin(app);
    const reset = () => app.request('POST', '/api/auth/password-reset', { body: { email: member.email } });
    expect((await reset()).status).toBe(202);
    await expect.poll(() => tokensOf(member.id)).toBeGreaterThan(0);
    const before = await tokensOf(member.id);
    app.clock.advance(31 * 60_000); // a reset link lives 30 minutes
    expect((await reset()).status).toBe(202);
    await expect.poll(() => tokensOf(member.id)).toBe(before + 1);
    // The registration's verification link (24 hours) is still live too.
    const swept = await app.services.runHousekeeping(app.clock.now());
    expect(swept.accountTokens).toBeGreaterThanOrEqual(1);
    const left = await app.connection.collection('account_tokens').find({ userId: member.id }).toArray();
    expect(left.map((t) => t.purpose).sort()).toEqual(['email-verification', 'password-reset']);
    expect(left.every((t) => t.expiresAt > app.clock.now())).toBe(true);
  });

  it('deletes old TOTP-step claims but keeps recovery-code claims: a used recovery code stays refused', async () => {
    const member = await registerAndLogin(app);
    const started = await app.request('POST', '/api/me/second-factor/totp', { token: member.accessToken });
    const confirmed = await app.request('POST', '/api/me/second-factor/totp/confirm', {
      token: member.accessToken,
      body: { code: hotp(base32Decode(started.body.secret), totpStep(app.clock.now())) },
    });
    const recoveryCode = confirmed.body.recoveryCodes[0] as string;
    const passwordStep = () =>
      app.request('POST', '/api/auth/login', { body: { email: member.email, password: member.password } });
    const used = await app.request('POST', '/api/auth/login/second-factor', {
      body: { challenge: (await passwordStep()).body.challenge, recoveryCode },
    });
    expect(used.status).toBe(200);
    expect(await claimsLike(`totp-used:${member.id}:`)).toBe(1);
    app.clock.advance(3 * DAY);
    const swept = await app.services.runHousekeeping(app.clock.now());
    expect(swept.claims).toBeGreaterThanOrEqual(1);
    expect(await claimsLike(`totp-used:${member.id}:`)).toBe(0);
    expect(await claimsLike('recovery-code-used:')).toBeGreaterThanOrEqual(1);
    const replayed = await app.request('POST', '/api/auth/login/second-factor', {
      body: { challenge: (await passwordStep()).body.challenge, recoveryCode },
    });
    expect(replayed.status).toBe(401);
  });

  it('deletes notifications older than a year, and only those', async () => {
    const member = await registerAndLogin(app);
    const notify = (eventId: string) =>
      app.services.notifications.notify(
        { kind: 'vote-opened', eventId, userId: member.id, params: { title: eventId } },
        app.clock.now(),
      );
    await notify('old-vote');
    app.clock.advance(300 * DAY);
    await notify('newer-vote');
    app.clock.advance(66 * DAY);
    await app.services.runHousekeeping(app.clock.now());
    const left = await app.services.notifications.list(member.id);
    expect(left.map((n) => n.params.title)).toContain('newer-vote');
    expect(left.map((n) => n.params.title)).not.toContain('old-vote');
  });
});
