// Enrolling an authenticator app in real Chromium: the key shown once, a first code, the ten recovery codes shown
// once with a download; then the sign-in page asks for a code.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, hotp, totpStep } from '../../services/members/index.js';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, openPage, screenshots, seriousAxeViolations, signIn } from './browser.js';

let app: TestApp;
let browser: Browser;
let member: BuiltAccount;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  member = await registerAndLogin(app, { name: 'Two Factor Member' });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('second factor in the browser', { timeout: 120_000 }, () => {
  it('sets up an authenticator app, shows the recovery codes once, and then asks for a code at sign-in', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    await page.getByLabel('The six-digit code the app shows now').fill('000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('alert').filter({ hasText: 'This code is not right' }).waitFor();
    const code = hotp(base32Decode(secret), totpStep(app.clock.now()));
    await page.getByLabel('The six-digit code the app shows now').fill(code);
    await page.getByRole('button', { name: 'Confirm' }).click();
    const codes = page.getByTestId('recovery-codes').getByRole('listitem');
    await expect.poll(() => codes.count(), { timeout: 10_000 }).toBe(10);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'second-factor-recovery-codes');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the recovery codes' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('datacoop-recovery-codes.txt');
    expect((await app.request('GET', '/api/me', { token: member.accessToken })).body.secondFactor).toBe(true);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${app.baseUrl}/login`);
    await page.getByLabel('E-mail').fill(member.email);
    await page.getByLabel('Password').fill(member.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const next = hotp(base32Decode(secret), totpStep(app.clock.now()) + 1);
    await page.getByLabel('Code from your authenticator app (or a recovery code)').fill(next);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL('**/dashboard');
    expect(problems).toEqual([]);
    await context.close();
  });
});
