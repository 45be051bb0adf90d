// A steward in real Chromium: verifies a researcher, opens a drafted proposal for a vote, follows the turnout
// (never the choices) and verifies the audit log.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAccessPolicy,
  buildRegistration,
  createStewardAndLogin,
  registerAndLogin,
  type BuiltAccount,
} from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, openPage, screenshots, seriousAxeViolations, signIn } from './browser.js';

const title = 'Sleep duration and steps, by region';
let app: TestApp;
let browser: Browser;
let steward: BuiltAccount;
let researcherId: string;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  steward = await createStewardAndLogin(app);
  await registerAndLogin(app, { name: 'Only Member' });
  const researcher = await app.request('POST', '/api/auth/register', {
    body: buildRegistration({ role: 'researcher', name: 'Pia Researcher', organisation: 'Sleep Lab Geneva' }),
  });
  expect(researcher.status).toBe(201);
  researcherId = researcher.body.id;
  const draft = await app.request('POST', '/api/proposals', {
    token: steward.accessToken,
    body: {
      kind: 'access-policy',
      title,
      summary: 'Monthly averages of sleep duration and steps, grouped by region.',
      policy: buildAccessPolicy(app.clock.now(), {
        purpose: 'Regional differences in sleep.',
        categories: ['sleep-duration', 'steps'],
      }),
    },
  });
  expect(draft.status).toBe(201);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('steward in the browser', { timeout: 120_000 }, () => {
  it('verifies a researcher, opens a draft, sees the turnout only and verifies the audit log', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, steward.email, steward.password, '/steward');
    await page.getByText('Pia Researcher').waitFor();
    await page.getByText(title).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByLabel('Non-profit organisation').check();
    await page.getByRole('button', { name: 'Verify Pia Researcher' }).click();
    await page.getByText('Pia Researcher is verified.').waitFor();
    await page.getByText('No researcher is waiting.').waitFor();
    const verified = await app.request('GET', '/api/steward/researchers?status=verified', {
      token: steward.accessToken,
    });
    expect(verified.body.researchers).toContainEqual(
      expect.objectContaining({ id: researcherId, verification: 'verified', nonProfit: true }),
    );

    // A verified researcher is not verified again: the affiliation changes as its own step, with a reason.
    await page.getByRole('heading', { name: 'Verified researchers' }).waitFor();
    await page.getByLabel('Non-profit organisation (Pia Researcher)').uncheck();
    await page.getByLabel('Reason for the change').selectOption('status_corrected');
    await page.getByRole('button', { name: 'Change the affiliation of Pia Researcher' }).click();
    await page.getByText('The affiliation of Pia Researcher is changed.').waitFor();
    const changed = await app.request('GET', '/api/steward/researchers?status=verified', {
      token: steward.accessToken,
    });
    expect(changed.body.researchers).toContainEqual(
      expect.objectContaining({ id: researcherId, verification: 'verified', nonProfit: false }),
    );
    await page.getByRole('button', { name: 'Change the affiliation of Pia Researcher' }).click();
    await page.getByText('That is the affiliation already.').waitFor();

    await page.getByRole('button', { name: `Open the vote on ${title}` }).click();
    await page.getByText(`The vote on "${title}" is open.`).waitFor();
    await page.getByText('No drafts.').waitFor();
    const row = page.getByRole('row', { name: new RegExp(title) });
    expect((await row.textContent())!.replace(/\s+/g, ' ')).toContain('0 of 1 member');

    await page.getByRole('button', { name: 'Verify the audit log' }).click();
    await page.getByTestId('audit-result').waitFor();
    expect(await page.getByTestId('audit-result').textContent()).toMatch(/The audit log is intact: \d+ entries/);

    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'steward');
    expect(problems).toEqual([]);
    await context.close();
  });
});
