// Passkeys in real Chromium with a virtual authenticator (CDP WebAuthn domain: CTAP2, platform, user verification):
// the member adds a named passkey on the account page, signs out, signs in with the password and the passkey,
// sees its last use, then removes it — which asks them to confirm it is them (the step-up dialog, answered by the
// same passkey) — and the next sign-in asks for no second factor. WebAuthn refuses IP addresses as relying party,
// so the service's PUBLIC_URL and the browser use http://localhost:<port> (a secure context).
import { createServer } from 'node:net';
import type { Browser, CDPSession } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { allAxeViolations, launchBrowser, openPage, screenshots, signIn } from './browser.js';

let app: TestApp;
let browser: Browser;
let member: BuiltAccount;
let origin: string;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  origin = `http://localhost:${port}`;
  app = await createTestApp({ PUBLIC_URL: origin }, { port });
  browser = await launchBrowser();
  member = await registerAndLogin(app, { name: 'Passkey Member' });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function virtualAuthenticator(cdp: CDPSession): Promise<string> {
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}

describe('passkeys in the browser', { timeout: 180_000 }, () => {
  it('adds a passkey, signs in with it, and removes it after confirming with it', async () => {
    const { page, problems, context } = await openPage(browser);
    const cdp = await context.newCDPSession(page);
    const authenticatorId = await virtualAuthenticator(cdp);

    await signIn(page, origin, member.email, member.password, '/dashboard');
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Passkeys' }).waitFor();
    await page.getByText('No passkey yet.').waitFor();
    await page.getByLabel('Name of the new passkey (for example “Laptop”), optional').fill('Laptop');
    await page.getByRole('button', { name: 'Add a passkey of this device' }).click();
    await page.getByRole('status').filter({ hasText: 'The passkey is added' }).waitFor();
    // The account's first factor: its ten recovery codes, shown once.
    await expect.poll(() => page.getByTestId('recovery-codes').getByRole('listitem').count()).toBe(10);
    const item = page.getByTestId('passkey').filter({ hasText: 'Laptop' });
    await item.getByText('not used yet').waitFor();
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    const listed = (await app.request('GET', '/api/me/second-factor', { token: member.accessToken })).body;
    expect(listed.passkeys).toEqual([expect.objectContaining({ name: 'Laptop', lastUsedAt: null })]);
    expect(listed.recoveryCodesLeft).toBe(10);
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'passkey-added');

    // Sign out, then in: the password, and the passkey instead of a code.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${origin}/login`);
    await page.getByLabel('E-mail').fill(member.email);
    await page.getByLabel('Password').fill(member.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Use a passkey' }).waitFor();
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'passkey-sign-in');
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.waitForURL('**/dashboard');
    await page.getByRole('link', { name: 'Account' }).click();
    await item.getByText('last used on').waitFor();

    // Removing it needs a fresh confirmation once the sign-in is older than five minutes: the passkey gives it.
    app.clock.advance(6 * 60_000);
    await item.getByRole('button', { name: 'Remove the passkey “Laptop”' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await dialog.waitFor();
    expect(await allAxeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Use my passkey' }).click();
    await page.getByRole('status').filter({ hasText: 'The passkey is removed' }).waitFor();
    await page.getByText('No passkey yet.').waitFor();
    expect((await app.request('GET', '/api/me/second-factor', { token: member.accessToken })).body).toEqual({
      totpSince: null,
      passkeys: [],
      recoveryCodesLeft: 0,
    });
    await screenshots(page, 'passkey-removed');
    const next = await app.request('POST', '/api/auth/login', {
      body: { email: member.email, password: member.password },
    });
    expect(next.body.accessToken).toEqual(expect.any(String));
    expect(problems).toEqual([]);
    await context.close();
  });

  it('reads in French', async () => {
    const { page, problems, context } = await openPage(browser, { locale: 'fr-CH' });
    const other = await registerAndLogin(app, { name: 'Membre Clé' });
    await page.goto(`${origin}/login`);
    await page.locator('input[type=email]').fill(other.email);
    await page.locator('input[type=password]').fill(other.password);
    await page.locator('button[type=submit]').click();
    await page.waitForURL('**/dashboard');
    await page.goto(`${origin}/account`);
    await page.getByRole('heading', { name: 'Clés d’accès' }).waitFor();
    await page.getByText('Aucune clé d’accès pour l’instant.').waitFor();
    await page.getByRole('button', { name: 'Ajouter une clé d’accès de cet appareil' }).waitFor();
    expect(await allAxeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
