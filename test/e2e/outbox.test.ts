// The demo outbox page in real Chromium: a registration's verification e-mail is listed at /outbox, opens as its
// text with the link clickable, and the link confirms the address; outside demo mode the page says there is none.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRegistration } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { allAxeViolations, launchBrowser, openPage, screenshots } from './browser.js';

const outboxDir = mkdtempSync(join(tmpdir(), 'datacoop-outbox-e2e-'));
let demo: TestApp;
let plain: TestApp;
let browser: Browser;

beforeAll(async () => {
  demo = await createTestApp({ MAIL_OUTBOX_DIR: outboxDir, DATACOOP_DEMO: 'true' });
  plain = await createTestApp({});
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await demo?.close();
  await plain?.close();
  rmSync(outboxDir, { recursive: true, force: true });
});

describe('the demo outbox page', { timeout: 120_000 }, () => {
  it('lists the verification e-mail, shows its text, and its link confirms the address', async () => {
    const registration = buildRegistration({ locale: 'en' });
    expect((await demo.request('POST', '/api/auth/register', { body: registration })).status).toBe(201);
    await expect
      .poll(async () => (await demo.request('GET', '/api/demo/outbox')).body?.length ?? 0, { timeout: 15_000 })
      .toBe(1);
    const { page, problems, context } = await openPage(browser);
    await page.goto(`${demo.baseUrl}/outbox`);
    await page.getByRole('heading', { name: 'Outbox (demo)' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: registration.email });
    await row.waitFor();
    expect(await allAxeViolations(page)).toEqual([]);
    await row.getByRole('button').click();
    const message = page.getByTestId('outbox-message');
    await message.waitFor();
    const link = message.getByRole('link').filter({ hasText: '/verify-email?token=' });
    expect(await link.count()).toBe(1);
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'outbox');
    // The link names the service's PUBLIC_URL (here not the test server's port): followed on the test server.
    const target = new URL((await link.getAttribute('href'))!);
    await page.goto(`${demo.baseUrl}${target.pathname}${target.search}`);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByRole('status').filter({ hasText: 'confirmed' }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('says there is no outbox when the service sends real e-mail', async () => {
    const { page, problems, context } = await openPage(browser, { locale: 'fr-CH' });
    await page.goto(`${plain.baseUrl}/outbox`);
    await page.getByText('Ce service envoie de vrais e-mails').waitFor();
    expect(await allAxeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
