// Admission in real Chromium: an account holder applies on the account page; a steward sees the application (with
// a possible duplicate) at the admission desk, admits it, and the register and the account page show the member.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStewardAndLogin, issueAccessToken, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, openPage, seriousAxeViolations, signIn } from './browser.js';

let app: TestApp;
let browser: Browser;
let steward: BuiltAccount;
let applicant: BuiltAccount;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  steward = await createStewardAndLogin(app);
  await registerAndLogin(app, { name: 'Tom Applicant', birthYear: 1990 });
  applicant = await registerAndLogin(app, { name: 'Tom  applicant', birthYear: 1990 }, { admitted: false });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('admission in the browser', { timeout: 120_000 }, () => {
  it('an applicant applies on the account page and a steward admits them at the admission desk', async () => {
    const member = await openPage(browser);
    await signIn(member.page, app.baseUrl, applicant.email, applicant.password, '/dashboard');
    await member.page.getByRole('link', { name: 'Account' }).click();
    await member.page.getByTestId('membership-status').getByText('Account holder (not a member)').waitFor();
    await member.page.getByRole('button', { name: 'Apply for membership' }).click();
    await member.page.getByText('Your application was sent. A steward will decide.').waitFor();
    await member.page.getByTestId('membership-status').getByText('Application waiting for a steward').waitFor();
    expect(await seriousAxeViolations(member.page)).toEqual([]);

    const desk = await openPage(browser);
    await signIn(desk.page, app.baseUrl, steward.email, steward.password, '/steward');
    await desk.page.getByText('Possible duplicates — check before admitting:').waitFor();
    await desk.page.getByText(/same name and birth year/).waitFor();
    await desk.page.getByLabel('Share capital of 100 CHF subscribed').check();
    await desk.page.getByRole('button', { name: 'Admit Tom  applicant' }).click();
    await desk.page.getByText('Tom  applicant is now a member.').waitFor();
    await desk.page.getByText('No application is waiting.').waitFor();
    const row = desk.page.getByRole('row', { name: /Tom applicant/ });
    expect(await row.textContent()).toContain('Member');
    expect(await seriousAxeViolations(desk.page)).toEqual([]);

    const token = await issueAccessToken(app, applicant.id, 'member', app.clock.now());
    const me = await app.request('GET', '/api/me', { token });
    expect(me.body.membership).toMatchObject({ status: 'admitted', votingRights: true, identityMethod: 'in-person' });
    await member.page.reload();
    await member.page.getByTestId('membership-status').getByText('Member').waitFor();
    await member.page.getByRole('button', { name: 'Resign from the cooperative' }).waitFor();
    expect(member.problems).toEqual([]);
    expect(desk.problems).toEqual([]);
    await member.context.close();
    await desk.context.close();
  });
});
