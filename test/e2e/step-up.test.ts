// Step-up in real Chromium: a member whose sign-in is older than five minutes exports their data; the page asks for
// the password in a dialog (a wrong one is told, in the page's language), then the export goes ahead.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, openPage, screenshots, seriousAxeViolations, signIn } from './browser.js';

let app: TestApp;
let browser: Browser;
let member: BuiltAccount;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  member = await registerAndLogin(app, { name: 'Careful Member' });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('step-up in the browser', { timeout: 120_000 }, () => {
  it('asks for the password before an export when the sign-in is old, then downloads', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Export everything' }).waitFor();
    app.clock.advance(6 * 60_000);
    await page.getByRole('button', { name: 'Download JSON' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await dialog.waitFor();
    await dialog.getByLabel('Your password').fill('not my password at all');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'The password is not correct.' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'step-up-dialog');
    await dialog.getByLabel('Your password').fill(member.password);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Confirm' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('datacoop-export.json');
    await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('says nothing was done when the dialog is cancelled, in French', async () => {
    const { page, context } = await openPage(browser, { locale: 'fr-FR' });
    await page.goto(`${app.baseUrl}/login`);
    await page.getByLabel('Adresse e-mail').fill(member.email);
    await page.getByLabel('Mot de passe', { exact: true }).fill(member.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL('**/dashboard');
    await page.goto(`${app.baseUrl}/account`);
    app.clock.advance(6 * 60_000);
    await page.getByRole('button', { name: /JSON/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirmez que c’est bien vous' });
    await dialog.waitFor();
    await screenshots(page, 'step-up-dialog-fr');
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await page.getByRole('alert').filter({ hasText: 'Non confirmé\u202f: rien n’a été fait.' }).waitFor();
    await context.close();
  });
});
