// Notifications in real Chromium (issue 15 item 4): a vote opens, the service's notice job runs, and the member
// finds it on the account page, in their language, and marks it read.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAccessPolicy, createStewardAndLogin, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, openPage, screenshots, seriousAxeViolations, signIn } from './browser.js';

const HOUR = 3_600_000;
const title = 'Sleep of night-shift nurses';
let app: TestApp;
let browser: Browser;
let member: BuiltAccount;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  const steward = await createStewardAndLogin(app);
  member = await registerAndLogin(app, { name: 'Noted Member' });
  const draft = await app.request('POST', '/api/proposals', {
    token: steward.accessToken,
    body: {
      kind: 'access-policy',
      title,
      summary: 'Averages of sleep duration by age group.',
      policy: buildAccessPolicy(app.clock.now(), { categories: ['sleep-duration'], statistics: ['mean'] }),
    },
  });
  expect(draft.status, draft.text).toBe(201);
  app.clock.advance(1000); // members must have joined strictly before the opening
  const opened = await app.request('POST', `/api/proposals/${draft.body.id}/open`, {
    token: steward.accessToken,
    body: { closesAt: new Date(app.clock.now().getTime() + 170 * HOUR).toISOString() },
  });
  expect(opened.status, opened.text).toBe(200);
  await app.services.runVoteNotices(app.clock.now());
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('notifications in the browser', { timeout: 120_000 }, () => {
  it('shows the opened vote on the account page and marks it read', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Notifications', exact: true }).waitFor();
    const item = page.getByTestId('notification').filter({ hasText: `A vote is open: “${title}”.` });
    await item.waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'member-notifications');
    await item.getByRole('button', { name: 'Mark as read' }).click();
    await expect.poll(() => item.getByRole('button', { name: 'Mark as read' }).count(), { timeout: 10_000 }).toBe(0);
    const list = await app.request('GET', '/api/me/notifications', { token: member.accessToken });
    expect(list.body.notifications.find((n: { kind: string }) => n.kind === 'vote-opened')).toMatchObject({
      read: true,
    });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('switches the e-mail of one kind off on the account page, and the service keeps it', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'E-mail notifications' }).waitFor();
    const opened = page.getByRole('checkbox', { name: 'a vote opens' });
    await expect.poll(() => opened.isChecked(), { timeout: 10_000 }).toBe(true);
    await opened.uncheck();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const settings = async () =>
      (await app.request('GET', '/api/me/notification-settings', { token: member.accessToken })).body.settings;
    expect(await settings()).toContainEqual({ kind: 'vote-opened', email: false });
    expect(await settings()).toContainEqual({ kind: 'vote-reminder', email: true });
    await page.reload();
    await expect
      .poll(() => page.getByRole('checkbox', { name: 'a vote opens' }).isChecked(), { timeout: 10_000 })
      .toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'member-notification-settings');
    expect(problems).toEqual([]);
    await context.close();
  });
});
