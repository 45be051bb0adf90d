// A member in real Chromium against the real service: the dashboard, links that survive a reload, French,
// uploads (refused with every bad row listed, then accepted), a value by hand, export and erasure.
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateObservations } from '../../fixtures/demo-observations.js';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, openPage, screenshots, seriousAxeViolations, signIn } from './browser.js';

const DAY = 86_400_000;
let app: TestApp;
let browser: Browser;
let member: BuiltAccount;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  member = await registerAndLogin(app, { name: 'Maya Member' });
  const to = app.clock.now();
  await app.services.vault.storeObservations(
    member.id,
    generateObservations({ seed: 'e2e-member' }, { from: new Date(to.getTime() - 365 * DAY), to }),
  );
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('member in the browser', { timeout: 120_000 }, () => {
  it('sends a signed-out visitor of a deep link to sign in, refuses a wrong password, then returns to the link', async () => {
    const { page, problems, context } = await openPage(browser);
    await page.goto(`${app.baseUrl}/data`);
    await page.waitForURL('**/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel('E-mail').fill(member.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('E-mail or password is not correct.').waitFor();
    await page.getByLabel('Password').fill(member.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/data');
    await page.getByRole('heading', { name: 'Upload a file' }).waitFor();
    await screenshots(page, 'member-data');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a chart per category, the latest values, blood pressure as two lines and a table alternative', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    await page.getByRole('heading', { name: 'Latest values' }).waitFor();

    const focused = await page.evaluate(() => {
      let element = document.activeElement;
      while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
      return `${element?.tagName} ${element?.textContent}`;
    });
    expect(focused).toBe('H1 My data');
    expect(await page.locator('coop-chart').count()).toBeGreaterThanOrEqual(5);

    // One switch for every chart (not ten links before the content).
    await page.getByLabel('Show the numbers as tables').check();
    const pressure = page.locator('coop-chart').filter({ hasText: 'Blood pressure' });
    await pressure.getByRole('columnheader', { name: 'Systolic' }).waitFor();
    expect(await pressure.getByRole('columnheader', { name: 'Diastolic' }).count()).toBe(1);

    await page.getByLabel('One point per').selectOption('month');
    await page.getByRole('heading', { name: 'Charts (average per month)' }).waitFor();
    const heart = page.locator('coop-chart').filter({ hasText: 'Heart rate' }).first();
    await expect.poll(async () => heart.locator('tbody tr').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(12);
    expect(await heart.locator('tbody tr').count()).toBeLessThanOrEqual(13);

    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel('One point per').selectOption('day');
    await page.getByRole('heading', { name: 'Charts (average per day)' }).waitFor();
    await screenshots(page, 'member-dashboard');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('tries a read again when the database is briefly unavailable (503 with Retry-After)', async () => {
    const { page, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    let refused = 0;
    await page.route('**/api/me/access-log', async (route) => {
      if (refused++ === 0) {
        await route.fulfill({
          status: 503,
          headers: { 'content-type': 'application/json', 'retry-after': '1' },
          body: JSON.stringify({ error: { code: 'database_unavailable', message: 'Try again shortly.' } }),
        });
      } else {
        await route.continue();
      }
    });
    await page.getByRole('link', { name: 'Privacy' }).click();
    await page.getByRole('heading', { name: 'Who used your data' }).waitFor();
    await page.getByText('No study or app has used your data.').waitFor();
    expect(refused).toBe(2);
    expect(await page.getByRole('alert').count()).toBe(0);
    await context.close();
  });

  it('keeps the page and the session on reload and remembers French', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    await page.goto(`${app.baseUrl}/votes`);
    await page.getByRole('heading', { name: 'Waiting for your vote (0)' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Waiting for your vote (0)' }).waitFor();
    expect(page.url()).toBe(`${app.baseUrl}/votes`);

    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { name: 'En attente de votre vote (0)' }).waitFor();
    await page.getByRole('link', { name: 'Ajouter des données' }).click();
    await page.waitForURL('**/data');
    await page.reload();
    await page.getByRole('heading', { name: 'Téléverser un fichier' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    expect(await page.evaluate(() => JSON.stringify(Object.keys(localStorage)))).not.toContain('refresh');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lists every bad row of a refused upload, then stores a good file with its progress shown', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    await page.getByRole('link', { name: 'Add data' }).click();
    await page.waitForURL('**/data');

    await page.locator('#file').setInputFiles('fixtures/uploads/invalid-observations.csv');
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText('Nothing was stored: 8 rows have problems.').waitFor();
    const errors = page.locator('coop-row-errors tbody tr');
    expect(await errors.count()).toBe(8);
    expect(await errors.first().textContent()).toContain('Line 3');
    expect(await errors.first().textContent()).toContain('Unknown category.');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'member-upload-errors');

    await page.locator('#file').setInputFiles('fixtures/uploads/watch-heart-rate.csv');
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText(/^Stored \d+ values/).waitFor();
    expect(await page.locator('progress').evaluate((p) => (p as HTMLProgressElement).value)).toBe(1);
    expect(await page.locator('coop-row-errors tbody tr').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('reads a Swiss spreadsheet (semicolons, decimal commas, local times) after asking how its slash dates read', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    await page.goto(`${app.baseUrl}/data`);
    await page.locator('#file').setInputFiles('fixtures/uploads/swiss-spreadsheet.csv');
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText('Dates like 03/04/2024 can be read two ways.', { exact: false }).waitFor();
    // Refused: the progress bar is gone, and the choice is offered with day first preselected.
    expect(await page.locator('progress').count()).toBe(0);
    await page.getByLabel('Day first (3 April 2024)', { exact: false }).check();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText(/^Stored 3 values/).waitFor();
    const weights = await app.request('GET', '/api/me/observations?category=body-weight&limit=10', {
      token: member.accessToken,
    });
    const atWeight = (value: number) => weights.body.observations.find((o: { value: number }) => o.value === value);
    expect(atWeight(72.5)).toBeDefined();
    expect(atWeight(72.1)).toBeDefined();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('adds a value by hand', async () => {
    const { page, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    await page.goto(`${app.baseUrl}/data`);
    await page.getByLabel('What').selectOption('blood-glucose');
    await page.getByLabel('Value (mmol/L)').fill('5.4');
    await page.getByLabel('Note (optional)').fill('after lunch');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    const stored = await app.request('GET', '/api/me/observations?category=blood-glucose', {
      token: member.accessToken,
    });
    expect(stored.body.observations.map((o: { value: number; note?: string }) => [o.value, o.note])).toContainEqual([
      5.4,
      'after lunch',
    ]);
    await context.close();
  });

  it('exports everything as a JSON file', async () => {
    const { page, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    await page.getByRole('link', { name: 'Account' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download JSON' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('datacoop-export.json');
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(JSON.stringify(exported)).toContain('heart-rate');
    await context.close();
  });

  it('erases the account only after the warning is acknowledged and the password given', async () => {
    const leaving = await registerAndLogin(app, { name: 'Leaving Member' });
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, leaving.email, leaving.password, '/dashboard');
    await page.goto(`${app.baseUrl}/account`);
    const erase = page.getByRole('button', { name: 'Erase my account' });
    expect(await erase.isDisabled()).toBe(true);
    await page.getByText('This cannot be undone.').waitFor();
    await page.getByLabel('I understand that my account and data will be erased for good.').check();
    await page.getByLabel('Your password, to confirm').fill('wrong password');
    await erase.click();
    await page.getByText('The password is not correct. Nothing was erased.').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByLabel('Your password, to confirm').fill(leaving.password);
    await erase.click();
    await page.waitForURL('**/login');
    await page.getByText('Your account and data have been erased.').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('datacoop.refresh'))).toBeNull();
    const login = await app.request('POST', '/api/auth/login', {
      body: { email: leaving.email, password: leaving.password },
    });
    expect(login.status).toBe(401);
    expect(problems).toEqual([]);
    await context.close();
  });
});
