// A way in, in real Chromium: a new member's first steps on the dashboard (add data, choose what to share, how
// votes work) — dismissible, remembered per account, gone once they have data — and the password reset from the
// sign-in page giving the same answer whether or not the address has an account; in English and French.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { startSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { allAxeViolations, launchBrowser, openPage, screenshots, signIn } from './browser.js';

const NNBSP = '\u202f';
let app: TestApp;
let smtp: SmtpTestServer;
let browser: Browser;

beforeAll(async () => {
  smtp = await startSmtpTestServer();
  app = await createTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: 'http://coop.test', LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await smtp?.close();
});

const firstSteps = (page: Page) => page.getByTestId('first-steps');
const newMember = (): Promise<BuiltAccount> => registerAndLogin(app);

describe('a new member’s first steps', { timeout: 150_000 }, () => {
  it('shows three steps with their links, stays hidden once dismissed, for that account only', async () => {
    const [first, second] = [await newMember(), await newMember()];
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, first.email, first.password, '/dashboard');
    await firstSteps(page).getByRole('heading', { name: 'Your first steps' }).waitFor();
    const links = firstSteps(page).getByRole('link');
    expect(await links.evaluateAll((all) => all.map((a) => a.getAttribute('href')))).toEqual([
      '/data',
      '/privacy',
      '/votes',
    ]);
    const votes = await firstSteps(page)
      .getByText(/One member, one vote/)
      .textContent();
    expect(votes).toMatch(/secret/);
    expect(votes).toMatch(/receipt/);
    expect(await page.getByText('No data in this period yet.').count()).toBe(0);
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'first-steps');

    await firstSteps(page).getByRole('button', { name: 'Hide these first steps' }).click();
    await page.getByText('No data in this period yet.').waitFor();
    expect(await firstSteps(page).count()).toBe(0);
    await page.reload();
    await page.getByText('No data in this period yet.').waitFor();
    expect(await firstSteps(page).count()).toBe(0);
    expect(await allAxeViolations(page)).toEqual([]);

    // The same browser, another new account: its first steps are still there.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, app.baseUrl, second.email, second.password, '/dashboard');
    await firstSteps(page).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('goes away once the member has uploaded data, without being dismissed', async () => {
    const member = await newMember();
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    await firstSteps(page).getByRole('link', { name: 'Add data' }).click();
    await page.waitForURL('**/data');
    await page.locator('#file').setInputFiles('fixtures/uploads/watch-heart-rate.csv');
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText(/^Stored \d+ values/).waitFor();
    await page.getByRole('link', { name: 'My data' }).click();
    await page.waitForURL('**/dashboard');
    // The file's values are from 2024, outside the last 30 days: the period is empty but the member has data.
    await page.getByText('No data in this period yet.').waitFor();
    expect(await firstSteps(page).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('speaks French, with its typography, and is dismissed in French', async () => {
    const member = await newMember();
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    await page.getByLabel('Language').selectOption('fr');
    await firstSteps(page).getByRole('heading', { name: 'Vos premiers pas' }).waitFor();
    expect(await firstSteps(page).textContent()).toContain(`Un membre, une voix${NNBSP}; le vote est secret`);
    expect(await firstSteps(page).textContent()).toContain(`pour commencer${NNBSP}:`);
    await firstSteps(page).getByRole('link', { name: 'Choisir ce que je partage' }).waitFor();
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'first-steps-fr');
    await firstSteps(page).getByRole('button', { name: 'Masquer ces premiers pas' }).click();
    await page.getByText('Aucune donnée sur cette période pour l’instant.').waitFor();
    expect(await firstSteps(page).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('password reset from the sign-in page', { timeout: 120_000 }, () => {
  it('gives the same answer for an unknown address and mails nothing to it', async () => {
    const known = await newMember();
    const unknown = 'nobody-at-all@example.org';
    const answers: string[] = [];
    // The unknown address first: by the time the known one's mail arrives, a mail to it would have too.
    for (const email of [unknown, known.email]) {
      const { page, problems, context } = await openPage(browser);
      await page.goto(`${app.baseUrl}/login`);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByRole('heading', { name: 'Forgot password' }).waitFor();
      await page.getByLabel('E-mail').fill(email);
      await page.getByRole('button', { name: 'Send the link' }).click();
      const status = page.getByRole('status').filter({ hasText: 'a link is on its way' });
      await status.waitFor();
      answers.push((await status.textContent())!.trim());
      expect(await allAxeViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      await context.close();
    }
    expect(answers[1]).toBe(answers[0]);
    await expect
      .poll(() => smtp.received.some((m) => m.to.includes(known.email) && m.subject === 'Reset your password'), {
        timeout: 20_000,
      })
      .toBe(true);
    expect(smtp.received.some((m) => m.to.includes(unknown))).toBe(false);
  });

  it('leads from the French sign-in page to the reset request, axe-clean', async () => {
    const { page, problems, context } = await openPage(browser);
    await page.goto(`${app.baseUrl}/login`);
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('link', { name: `Mot de passe oublié${NNBSP}?` }).click();
    await page.getByRole('heading', { name: 'Mot de passe oublié' }).waitFor();
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'forgot-password-fr');
    expect(problems).toEqual([]);
    await context.close();
  });
});
