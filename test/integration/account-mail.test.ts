// E-mail verification, password reset and the unlock link, through the real app and a real SMTP server: every
// answer is the same whether an address has an account, every mailed token works once and only in time.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildRegistration, registerAndLogin } from '../helpers/builders.js';
import { startSmtpTestServer, type ReceivedMail, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { postFrom } from '../helpers/from-address.js';

let app: TestApp;
let smtp: SmtpTestServer;

beforeAll(async () => {
  smtp = await startSmtpTestServer();
  app = await createTestApp({
    SMTP_URL: smtp.url,
    PUBLIC_URL: 'http://coop.test',
    MAIL_RETRY_BASE_MS: '50',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '2',
  });
});
afterAll(async () => {
  await app.close();
  await smtp.close();
});
beforeEach(() => {
  smtp.received.length = 0;
});

/** The one message that arrives for `address` (waits for it), and checks no second one comes. */
async function onlyMailTo(address: string): Promise<ReceivedMail> {
  await expect.poll(() => smtp.received.filter((m) => m.to.includes(address)).length, { timeout: 15_000 }).toBe(1);
  return smtp.received.find((m) => m.to.includes(address))!;
}

function tokenIn(mail: ReceivedMail, path: string): string {
  const token = new RegExp(`http://coop\\.test${path}\\?token=([\\w-]+)`).exec(mail.text)?.[1];
  if (!token) throw new Error(`no ${path} link in: ${mail.text}`);
  return token;
}

describe('registration without enumeration', () => {
  it('answers a new and a taken address alike, and mails a verification link or a warning', async () => {
    const owner = buildRegistration({ locale: 'fr' });
    const first = await app.request('POST', '/api/auth/register', { body: owner });
    const second = await app.request('POST', '/api/auth/register', {
      body: { ...owner, name: 'Someone Else', password: 'another long password', locale: 'en' },
    });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(Object.keys(second.body).sort()).toEqual(Object.keys(first.body).sort());
    expect(second.body.id).not.toBe(first.body.id);
    await expect.poll(() => smtp.received.length, { timeout: 15_000 }).toBe(2);
    const [verification, warning] = ['Confirmez', "Quelqu'un"].map((start) =>
      smtp.received.find((m) => m.subject.startsWith(start))!,
    );
    // Both in the owner's language (French), the warning never carries a verification link.
    expect(verification!.to).toEqual([owner.email]);
    expect(warning!.to).toEqual([owner.email]);
    expect(warning!.text).toContain('http://coop.test/forgot-password');
    expect(warning!.text).not.toContain('verify-email');
    const token = tokenIn(verification!, '/verify-email');
    expect((await app.request('POST', '/api/auth/verify-email', { body: { token } })).status).toBe(204);
    const again = await app.request('POST', '/api/auth/verify-email', { body: { token } });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: 'invalid_token', details: [{ field: 'token' }] });
    const login = await app.request('POST', '/api/auth/login', {
      body: { email: owner.email, password: owner.password },
    });
    const me = await app.request('GET', '/api/me', { token: login.body.accessToken });
    expect(me.body).toMatchObject({ emailVerified: true, locale: 'fr', name: owner.name });
  });

  it('refuses a made-up verification token', async () => {
    const response = await app.request('POST', '/api/auth/verify-email', { body: { token: 'A'.repeat(43) } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_token');
  });
});

describe('password reset', () => {
  it('answers alike for a known and an unknown address, and mails only the known one', async () => {
    const account = await registerAndLogin(app, {}, { admitted: false });
    await onlyMailTo(account.email); // the verification link
    smtp.received.length = 0;
    const known = await app.request('POST', '/api/auth/password-reset', { body: { email: account.email } });
    const unknown = await app.request('POST', '/api/auth/password-reset', { body: { email: 'nobody@example.org' } });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(known.text).toBe(unknown.text);
    const mail = await onlyMailTo(account.email);
    expect(mail.subject).toBe('Reset your password');
    expect(smtp.received.some((m) => m.to.includes('nobody@example.org'))).toBe(false);
  });

  it('sets the new password once, ends every session, and makes the old password useless', async () => {
    const account = await registerAndLogin(app, {}, { admitted: false });
    await onlyMailTo(account.email);
    smtp.received.length = 0;
    await app.request('POST', '/api/auth/password-reset', { body: { email: account.email } });
    const token = tokenIn(await onlyMailTo(account.email), '/reset-password');
    const newPassword = 'a brand new passphrase';
    const reset = await app.request('POST', '/api/auth/password-reset/confirm', {
      body: { token, password: newPassword },
    });
    expect(reset.status).toBe(204);
    expect((await app.request('GET', '/api/me', { token: account.accessToken })).status).toBe(401);
    const refresh = await app.request('POST', '/api/auth/refresh', { body: { refreshToken: account.refreshToken } });
    expect(refresh.status).toBe(401);
    const reuse = await app.request('POST', '/api/auth/password-reset/confirm', {
      body: { token, password: 'yet another passphrase' },
    });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error.code).toBe('invalid_token');
    const old = await app.request('POST', '/api/auth/login', {
      body: { email: account.email, password: account.password },
    });
    expect(old.status).toBe(401);
    const fresh = await app.request('POST', '/api/auth/login', {
      body: { email: account.email, password: newPassword },
    });
    expect(fresh.status).toBe(200);
  });

  it('lets only one of two concurrent uses of a reset token through', async () => {
    const account = await registerAndLogin(app, {}, { admitted: false });
    await onlyMailTo(account.email);
    smtp.received.length = 0;
    await app.request('POST', '/api/auth/password-reset', { body: { email: account.email } });
    const token = tokenIn(await onlyMailTo(account.email), '/reset-password');
    const answers = await Promise.all(
      ['first new passphrase', 'second new passphrase'].map((password) =>
        app.request('POST', '/api/auth/password-reset/confirm', { body: { token, password } }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([204, 400]);
  });

  it('refuses a reset token after 30 minutes', async () => {
    const account = await registerAndLogin(app, {}, { admitted: false });
    await onlyMailTo(account.email);
    smtp.received.length = 0;
    await app.request('POST', '/api/auth/password-reset', { body: { email: account.email } });
    const token = tokenIn(await onlyMailTo(account.email), '/reset-password');
    app.clock.advance(31 * 60_000);
    const late = await app.request('POST', '/api/auth/password-reset/confirm', {
      body: { token, password: 'too late passphrase' },
    });
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('invalid_token');
  });

  it('mails an account at most three reset links an hour, answering every request alike', async () => {
    const account = await registerAndLogin(app, {}, { admitted: false });
    await onlyMailTo(account.email);
    smtp.received.length = 0;
    const answers = [];
    for (let i = 0; i < 5; i++) {
      answers.push((await app.request('POST', '/api/auth/password-reset', { body: { email: account.email } })).status);
    }
    expect(answers).toEqual([202, 202, 202, 202, 202]);
    await expect.poll(() => smtp.received.length, { timeout: 15_000 }).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.received).toHaveLength(3);
  });
});

describe('the unlock link', () => {
  it('mails the owner of a slowed-down account a link that lets them in at once', async () => {
    const account = await registerAndLogin(app, {}, { admitted: false });
    await onlyMailTo(account.email);
    smtp.received.length = 0;
    for (let i = 0; i < 2; i++) {
      const wrong = await app.request('POST', '/api/auth/login', {
        body: { email: account.email, password: 'wrong guess!' },
      });
      expect(wrong.status).toBe(401);
    }
    const slowed = await app.request('POST', '/api/auth/login', {
      body: { email: account.email, password: account.password },
    });
    expect(slowed.status).toBe(429);
    const mail = await onlyMailTo(account.email);
    expect(mail.subject).toBe('Sign-in attempts on your account were slowed down');
    const token = tokenIn(mail, '/unlock');
    expect((await app.request('POST', '/api/auth/unlock', { body: { token } })).status).toBe(204);
    const after = await app.request('POST', '/api/auth/login', {
      body: { email: account.email, password: account.password },
    });
    expect(after.status).toBe(200);
    expect((await app.request('POST', '/api/auth/unlock', { body: { token } })).status).toBe(400);
  });

  it('lifts the delay only for the address that opens the link: an attacker elsewhere keeps waiting', async () => {
    const account = await registerAndLogin(app, {}, { admitted: false });
    await onlyMailTo(account.email);
    smtp.received.length = 0;
    const attacker = (password: string) =>
      postFrom(app.baseUrl, '127.0.0.2', '/api/auth/login', { email: account.email, password });
    for (let i = 0; i < 2; i++) expect((await attacker(`guess ${i}`)).status).toBe(401);
    expect((await attacker('guess 2')).status).toBe(429);
    const token = tokenIn(await onlyMailTo(account.email), '/unlock');
    const unlocked = await postFrom(app.baseUrl, '127.0.0.3', '/api/auth/unlock', { token });
    expect(unlocked.status).toBe(204);
    const owner = await postFrom(app.baseUrl, '127.0.0.3', '/api/auth/login', {
      email: account.email,
      password: account.password,
    });
    expect(owner.status).toBe(200);
    // Even the right password from the attacker's address waits: the unlock was not for it.
    expect((await attacker(account.password)).status).toBe(429);
  });

  it('mails nothing for an unknown address under the same throttling', async () => {
    for (let i = 0; i < 3; i++) {
      await app.request('POST', '/api/auth/login', { body: { email: 'ghost@example.org', password: 'wrong guess!' } });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.received.filter((m) => m.to.includes('ghost@example.org'))).toHaveLength(0);
  });
});

describe('one-click unsubscribe over HTTP', () => {
  it('switches a kind off by the List-Unsubscribe POST, without sign-in; a visit only shows a button', async () => {
    const account = await registerAndLogin(app, {}, { admitted: false });
    await onlyMailTo(account.email);
    smtp.received.length = 0;
    await app.services.mail.enqueue(
      {
        kind: 'vote-opened',
        recipientId: account.id,
        to: account.email,
        locale: 'en',
        params: { name: 'A', title: 'T', closesAt: 'x' },
      },
      app.clock.now(),
    );
    const mail = await onlyMailTo(account.email);
    const link = /<http:\/\/coop\.test(\/api\/mail\/unsubscribe\?token=[\w.-]+)>/.exec(
      mail.headers['list-unsubscribe']!,
    )![1]!;
    const page = await app.request('GET', link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form method="post"');
    expect(await app.services.mail.optedOutKinds(account.id)).toEqual([]);
    const done = await app.request('POST', link, {
      rawBody: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ kind: 'vote-opened' });
    expect(await app.services.mail.optedOutKinds(account.id)).toEqual(['vote-opened']);
    const forged = await app.request('POST', `${link.slice(0, -4)}AAAA`, { rawBody: 'List-Unsubscribe=One-Click' });
    expect(forged.status).toBe(400);
    expect(forged.body.error).toMatchObject({ code: 'invalid_token', details: [{ field: 'token' }] });
  });
});
