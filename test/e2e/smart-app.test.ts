// SMART on FHIR end to end in real Chromium (issue 17 items 4 and 5): a test app sends the member's browser to
// /oauth/authorize, the member signs in and allows it on the consent screen, the browser lands at the app's loopback
// redirect URI with a code, the app exchanges it (PKCE), reads the member's data, refreshes, and the member
// disconnects it on the privacy page — after which the app's token is refused.
import { fhirSchemaErrors } from '../helpers/fhir-schema.js';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStewardAndLogin, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import {
  authorizeQuery,
  exchange,
  pkcePair,
  refresh,
  registerSmartApp,
  type SmartClient,
} from '../helpers/smart-client.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage, screenshots, seriousAxeViolations } from './browser.js';

const screenshotDir = fileURLToPath(new URL('../../.cache/screenshots', import.meta.url));
let app: TestApp;
let browser: Browser;
let member: BuiltAccount;
let client: SmartClient;
/** The app's own web server on the loopback interface: its redirect URI, which records what it received. */
let appServer: Server;
const received: URL[] = [];

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  appServer = createServer((request, response) => {
    received.push(new URL(request.url ?? '/', 'http://127.0.0.1'));
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      '<!doctype html><html lang="en"><title>Pulse Tracker</title><h1>Pulse Tracker is connected</h1></html>',
    );
  });
  await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
  const redirectUri = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}/callback`;
  const steward = await createStewardAndLogin(app);
  member = await registerAndLogin(app, { name: 'App Member' });
  client = await registerSmartApp(app, steward.accessToken, { redirectUris: [redirectUri] });
  client.redirectUri = redirectUri;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => appServer?.close(resolve));
  await app?.close();
});

/**
 * The app's use of the member's data through the FHIR API: a search with the app's access token, valid R4 while
 * connected (true), 401 after the grant ends (false).
 */
async function appCanReadData(accessToken: string): Promise<boolean> {
  const response = await fetch(`${app.baseUrl}/fhir/Observation?_count=5`, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/fhir+json' },
  });
  const body = (await response.json()) as { resourceType?: string };
  if (response.status === 401) return false;
  expect(response.status).toBe(200);
  expect(body.resourceType).toBe('Bundle');
  expect(fhirSchemaErrors(body)).toEqual([]);
  return true;
}

describe('a SMART app in the browser', { timeout: 180_000 }, () => {
  it('is authorised on the consent screen, used, refreshed, and disconnected from the privacy page', async () => {
    const { verifier, challenge } = pkcePair();
    const query = authorizeQuery(app, client, challenge, { state: 'xyz-state' });
    const { page, problems, context } = await openPage(browser);

    // authorize → sign-in (not signed in yet) → back on the consent screen with the whole request.
    await page.goto(`${app.baseUrl}/oauth/authorize?${query}`);
    await page.waitForURL('**/login');
    await page.getByLabel('E-mail').fill(member.email);
    await page.getByLabel('Password').fill(member.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/connect?**');
    await page.getByRole('heading', { name: 'Connect an app' }).waitFor();
    await page.getByText('“Pulse Tracker” asks to:').waitFor();
    const scopes = page.getByTestId('requested-scopes');
    await expect
      .poll(() => scopes.locator('li').allTextContents())
      .toEqual([
        'read your observations (heart rate, steps, sleep and your other measurements)',
        'add observations to your data',
      ]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'smart-consent');

    // consent → the app's redirect URI with a code and its state.
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: 'Pulse Tracker is connected' }).waitFor();
    const callback = received.at(-1)!;
    expect(callback.searchParams.get('state')).toBe('xyz-state');
    const code = callback.searchParams.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // token → the app uses the member's data (the FHIR step), and the grant shows its last use.
    const tokens = await exchange(app, client, code, verifier);
    expect(tokens.status).toBe(200);
    expect(tokens.body.patient).toBe(member.id);
    expect(await appCanReadData(tokens.body.access_token)).toBe(true);
    const grants = await app.request('GET', '/api/me/apps', { token: member.accessToken });
    expect(grants.body.grants).toEqual([
      expect.objectContaining({
        app: expect.objectContaining({ name: 'Pulse Tracker' }),
        lastUsedAt: expect.any(String),
      }),
    ]);

    // refresh → a new pair; the new access token works.
    const refreshed = await refresh(app, client, tokens.body.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(await appCanReadData(refreshed.body.access_token)).toBe(true);

    // revoke on the privacy page → the app's tokens are refused at once.
    await page.goto(`${app.baseUrl}/privacy`);
    const item = page.getByTestId('connected-app').filter({ hasText: 'Pulse Tracker' });
    await item.waitFor();
    await item.getByText('Last used on').waitFor();
    // Its two searches are in the member's access log, beside research uses.
    const appRows = page.getByRole('row').filter({ hasText: 'App: Pulse Tracker' });
    await expect.poll(() => appRows.count()).toBe(2);
    await appRows.first().getByText('searched your observations').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    // The section is far down the page: scrolled to at each size (the shared helper keeps the top of the page).
    mkdirSync(screenshotDir, { recursive: true });
    for (const [width, height] of [
      [1280, 800],
      [360, 740],
    ] as const) {
      await page.setViewportSize({ width, height });
      await item.evaluate((element) => element.scrollIntoView({ block: 'center' }));
      await page.screenshot({ path: `${screenshotDir}/smart-connected-apps-${width}x${height}.png` });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await item.getByRole('button', { name: 'Disconnect Pulse Tracker' }).click();
    await page.getByText('“Pulse Tracker” is disconnected: it can no longer use your data.').waitFor();
    await expect.poll(() => page.getByTestId('connected-app').count()).toBe(0);
    expect(await appCanReadData(refreshed.body.access_token)).toBe(false);
    expect((await refresh(app, client, refreshed.body.refresh_token)).body).toMatchObject({ error: 'invalid_grant' });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the consent screen in French', async () => {
    const { page, problems, context } = await openPage(browser, { locale: 'fr-CH' });
    const query = authorizeQuery(app, client, pkcePair().challenge);
    await page.goto(`${app.baseUrl}/oauth/authorize?${query}`);
    await page.waitForURL('**/login');
    await page.locator('input[type=email]').fill(member.email);
    await page.locator('input[type=password]').fill(member.password);
    await page.locator('button[type=submit]').click();
    await page.getByRole('heading', { name: 'Connecter une application' }).waitFor();
    await page.getByText('« Pulse Tracker » demande à :').waitFor();
    await page.getByRole('button', { name: 'Autoriser' }).waitFor();
    await screenshots(page, 'smart-consent-fr');
    expect(problems).toEqual([]);
    await context.close();
  });
});
