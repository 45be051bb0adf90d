// A member votes in real Chromium: the pending badge, the proposal in plain language, a ballot with a
// confirmation step (by keyboard too), the receipt, a changed ballot, and after the close the outcome as a
// chart with a table and the receipt found in the published list.
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAccessPolicy, createStewardAndLogin, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, openPage, screenshots, seriousAxeViolations, signIn } from './browser.js';

const HOUR = 3_600_000;
const title = 'Heart rate and sleep of shift workers';
let app: TestApp;
let browser: Browser;
let member: BuiltAccount;
let proposalId: string;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  const steward = await createStewardAndLogin(app);
  member = await registerAndLogin(app, { name: 'Voting Member' });
  const other = await registerAndLogin(app, { name: 'Other Member' });
  const draft = await app.request('POST', '/api/proposals', {
    token: steward.accessToken,
    body: {
      kind: 'access-policy',
      title,
      summary: 'The Institute of Public Health asks for averages of heart rate and sleep, by age group, for two years.',
      policy: buildAccessPolicy(app.clock.now(), {
        purpose: 'Understand how night shifts change resting heart rate and sleep.',
        categories: ['heart-rate', 'sleep-duration'],
        statistics: ['mean', 'quantiles'],
        groupBy: ['ageBand'],
        validUntil: '2028-12-31T00:00:00.000Z',
      }),
    },
  });
  expect(draft.status).toBe(201);
  proposalId = draft.body.id;
  app.clock.advance(1000); // members must have joined strictly before the opening
  const opened = await app.request('POST', `/api/proposals/${proposalId}/open`, {
    token: steward.accessToken,
    body: { closesAt: new Date(app.clock.now().getTime() + 170 * HOUR).toISOString() },
  });
  expect(opened.status).toBe(200);
  const ballot = await app.request('POST', `/api/proposals/${proposalId}/ballots`, {
    token: other.accessToken,
    body: { choice: 'no', secret: randomBytes(32).toString('hex') },
  });
  expect(ballot.status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('voting in the browser', { timeout: 120_000 }, () => {
  it('casts, keeps and changes a ballot, then finds the receipt in the published result', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');

    const votesLink = page.getByRole('link', { name: /^Votes/ });
    await page.getByLabel('1 pending').waitFor();
    await votesLink.click();
    await page.getByRole('heading', { name: 'Waiting for your vote (1)' }).waitFor();
    // The pending list and "All proposals" both link to it (the open one is part of the whole list).
    await page.getByRole('link', { name: title }).first().click();
    await page.waitForURL(`**/votes/${proposalId}`);
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    await page.getByText('Who asks').waitFor();
    // The fixture's grantee is no account: the card says so rather than showing an id.
    await page.getByText('The researcher’s account no longer exists.').waitFor();
    expect(
      await page
        .getByText('Only statistics about groups of members leave the cooperative, never a member’s own values.')
        .count(),
    ).toBe(1);
    expect(
      await page
        .getByRole('listitem')
        .filter({ hasText: /^Heart rate$/ })
        .count(),
    ).toBe(1);
    expect(
      await page
        .getByRole('listitem')
        .filter({ hasText: /^Sleep duration$/ })
        .count(),
    ).toBe(1);
    // This member has never shared anything: the card says why their data would stay out.
    await page
      .getByText('Heart rate: your data would not be included, because your consent for heart rate is “not shared”.')
      .waitFor();
    expect(await page.getByText('1 of 2 members').count()).toBe(1);

    // Choose, go back, choose again, confirm.
    await page.getByLabel('Yes').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('You are voting: Yes.').waitFor();
    await page.getByRole('button', { name: 'Go back' }).click();
    await page.getByLabel('No', { exact: true }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('You are voting: No.').waitFor();
    await page.getByRole('button', { name: 'Confirm my vote' }).click();
    await page.getByText('Your vote (No) is recorded.').waitFor();
    const receipt = (await page.getByTestId('receipt').textContent())!.trim();
    expect(receipt).toMatch(/^[0-9a-f]{64}$/);
    await expect.poll(() => page.getByLabel('1 pending').count(), { timeout: 10_000 }).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'member-vote');

    // Change it with the keyboard only, after a reload (the secret and receipt are kept in this browser).
    await page.reload();
    await page.getByRole('heading', { name: 'Change your vote' }).waitFor();
    await page.getByLabel('Yes').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('You are voting: Yes.').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Your vote is changed to: Yes.').waitFor();
    expect((await page.getByTestId('receipt').textContent())!.trim()).toBe(receipt);

    // After the deadline and the counting grace, the result.
    app.clock.advance(171 * HOUR);
    await page.reload();
    await page.getByRole('heading', { name: 'Result' }).waitFor();
    await page.getByText('Rejected — a tie is not an approval', { exact: true }).waitFor();
    // The status under the title says the same, as a closed vote.
    expect(await page.getByTestId('proposal-status').textContent()).toContain(
      'Closed: rejected — a tie is not an approval',
    );
    await page.getByText('Your receipt is in the published list, counted as: Yes.').waitFor();
    const chart = page.locator('coop-chart');
    await chart.getByText('Show the numbers as a table').click();
    // The table renders after the click; poll until it shows (reading at once raced the render on a fast machine).
    const rows = async () =>
      (await chart.locator('tbody tr').allTextContents()).map((r) => r.replace(/\s+/g, ' ').trim());
    await expect.poll(rows, { timeout: 10_000 }).toEqual(['Yes 1', 'No 1', 'Abstain 0']);
    expect(await page.locator('tr.mine').textContent()).toContain(receipt);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'member-results');
    expect(problems).toEqual([]);
    await context.close();
  });
});
