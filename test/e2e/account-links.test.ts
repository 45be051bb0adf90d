// Forgot password, reset and the second factor in real Chromium: the links from the mail open their pages, every
// page is axe-clean, and an account with an authenticator app signs in with its code.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, hotp, totpStep } from '../../services/members/index.js';
import { registerAndLogin } from '../helpers/builders.js';
import { startSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, openPage, seriousAxeViolations, signIn } from './browser.js';

let app: TestApp;
let smtp: SmtpTestServer;
let browser: Browser;

beforeAll(async () => {
  smtp = await startSmtpTestServer();
  app = await createTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: 'http://coop.test' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await smtp?.close();
});

describe('account links in the browser', { timeout: 120_000 }, () => {
  it('asks for a reset link from the sign-in page, sets a new password from the mailed link, signs in', async () => {
    const account = await registerAndLogin(app);
    const { page, problems } = await openPage(browser);
    await page.goto(`${app.baseUrl}/login`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Forgot password' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel('E-mail').fill(account.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByRole('status').filter({ hasText: 'a link is on its way' }).waitFor();

    await expect
      .poll(() => smtp.received.find((m) => m.to.includes(account.email) && m.subject === 'Reset your password'), {
        timeout: 20_000,
      })
      .toBeDefined();
    const mail = smtp.received.find((m) => m.subject === 'Reset your password' && m.to.includes(account.email))!;
    const link = /http:\/\/coop\.test(\/reset-password\?token=[\w-]+)/.exec(mail.text)![1]!;
    await page.goto(`${app.baseUrl}${link}`);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel('New password').fill('a fresh browser passphrase');
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();
    await signIn(page, app.baseUrl, account.email, 'a fresh browser passphrase', '/dashboard');
    expect(problems).toEqual([]);
  });

  it('signs in an account with an authenticator app in two steps', async () => {
    const account = await registerAndLogin(app);
    const started = await app.request('POST', '/api/me/second-factor/totp', { token: account.accessToken });
    const secret = base32Decode(started.body.secret);
    const step = totpStep(app.clock.now());
    await app.request('POST', '/api/me/second-factor/totp/confirm', {
      token: account.accessToken,
      body: { code: hotp(secret, step) },
    });
    const { page, problems } = await openPage(browser);
    await page.goto(`${app.baseUrl}/login`);
    await page.getByLabel('E-mail').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Code from your authenticator app').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel('Code from your authenticator app').fill(hotp(secret, step + 1));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL('**/dashboard');
    expect(problems).toEqual([]);
  });

  it('shows the verification landing page in French', async () => {
    const { page } = await openPage(browser, { locale: 'fr-CH' });
    await page.goto(`${app.baseUrl}/verify-email?token=${'A'.repeat(43)}`);
    await page.getByRole('heading', { name: 'Confirmez votre adresse e-mail' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Confirmer mon adresse' }).click();
    await page.getByRole('alert').filter({ hasText: 'Ce lien est invalide' }).waitFor();
  });
});
