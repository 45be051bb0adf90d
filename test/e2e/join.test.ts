// Joining in real Chromium (issue 14 item 5): from the sign-in page to an account, as a member and as a researcher,
// with the same answer whether the address is new or already used (no e-mail enumeration), in English and French.
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, openPage, screenshots, seriousAxeViolations } from './browser.js';

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const address = () => `joiner-${randomBytes(4).toString('hex')}@example.org`;

describe('joining in the browser', { timeout: 120_000 }, () => {
  it('creates a member account from the sign-in page, then the member signs in', async () => {
    const { page, problems, context } = await openPage(browser);
    await page.goto(`${app.baseUrl}/login`);
    await page.getByRole('link', { name: 'Join as a member or a researcher' }).click();
    await page.getByRole('heading', { name: 'Join Datacoop', level: 1 }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'join');
    const email = address();
    await page.getByLabel('Your name').fill('Nora Newcomer');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('a long enough passphrase');
    await page.getByLabel('Year of birth', { exact: false }).fill('1988');
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByText('Thank you. We sent a message', { exact: false }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    const login = await app.request('POST', '/api/auth/login', {
      body: { email, password: 'a long enough passphrase' },
    });
    expect(login.status, login.text).toBe(200);
    const me = await app.request('GET', '/api/me', { token: login.body.accessToken });
    expect(me.body).toMatchObject({ name: 'Nora Newcomer', role: 'member' });

    // The same address again: the same page, and still one account.
    await page.goto(`${app.baseUrl}/join`);
    await page.getByLabel('Your name').fill('Someone Else');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill('another long passphrase');
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByText('Thank you. We sent a message', { exact: false }).waitFor();
    const again = await app.request('POST', '/api/auth/login', {
      body: { email, password: 'a long enough passphrase' },
    });
    expect(again.status).toBe(200);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('asks a researcher for the organisation, in French', async () => {
    const { page, problems, context } = await openPage(browser);
    await page.goto(`${app.baseUrl}/join`);
    await page.getByRole('heading', { name: 'Join Datacoop', level: 1 }).waitFor();
    await page.getByLabel('Language', { exact: false }).first().selectOption('fr');
    await page.getByRole('heading', { name: 'Rejoindre Datacoop', level: 1 }).waitFor();
    await page.getByLabel('chercheur ou chercheuse', { exact: false }).check();
    await page.getByLabel('Organisation', { exact: true }).waitFor();
    const email = address();
    await page.getByLabel('Votre nom').fill('Rita Recherche');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Mot de passe').fill('une phrase assez longue');
    await page.getByLabel('Organisation', { exact: true }).fill('Université de Genève');
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await page.getByText('Merci. Nous avons envoyé un message', { exact: false }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    const login = await app.request('POST', '/api/auth/login', {
      body: { email, password: 'une phrase assez longue' },
    });
    expect(login.status, login.text).toBe(200);
    const me = await app.request('GET', '/api/me', { token: login.body.accessToken });
    expect(me.body).toMatchObject({ role: 'researcher' });
    expect(problems).toEqual([]);
    await context.close();
  });
});
