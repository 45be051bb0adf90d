// Proxies in real Chromium: a member names another member as proxy by e-mail, the proxy votes for them, the receipt
// reaches the principal, and after the count the principal finds it in the published list.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAccessPolicy, createStewardAndLogin, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, openPage, seriousAxeViolations, signIn } from './browser.js';

const HOUR = 3_600_000;
const title = 'Step counts of commuters';
let app: TestApp;
let browser: Browser;
let principal: BuiltAccount;
let proxy: BuiltAccount;
let proposalId: string;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  const steward = await createStewardAndLogin(app);
  principal = await registerAndLogin(app, { name: 'Principal Member' });
  proxy = await registerAndLogin(app, { name: 'Proxy Member' });
  const draft = await app.request('POST', '/api/proposals', {
    token: steward.accessToken,
    body: {
      kind: 'access-policy',
      title,
      summary: 'A transport study asks for average daily steps by region.',
      policy: buildAccessPolicy(app.clock.now()),
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
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('proxies in the browser', { timeout: 120_000 }, () => {
  it('names a proxy who votes, and the receipt reaches the principal', async () => {
    const asPrincipal = await openPage(browser);
    await signIn(asPrincipal.page, app.baseUrl, principal.email, principal.password, '/dashboard');
    await asPrincipal.page.goto(`${app.baseUrl}/votes/${proposalId}`);
    await asPrincipal.page.getByRole('heading', { name: 'Proxy' }).waitFor();
    // A refusal first: oneself.
    await asPrincipal.page.getByLabel('E-mail address of the member you name').fill(principal.email);
    await asPrincipal.page.getByRole('button', { name: 'Name as proxy' }).click();
    await asPrincipal.page.getByText('You cannot name yourself.').waitFor();
    await asPrincipal.page.getByLabel('E-mail address of the member you name').fill(proxy.email);
    await asPrincipal.page.getByRole('button', { name: 'Name as proxy' }).click();
    await asPrincipal.page.getByText('Your proxy is named.').waitFor();
    await asPrincipal.page.getByTestId('proxy-named').waitFor();
    await asPrincipal.page.getByText('Your proxy has not voted yet.').waitFor();
    expect(await seriousAxeViolations(asPrincipal.page)).toEqual([]);

    const asProxy = await openPage(browser);
    await signIn(asProxy.page, app.baseUrl, proxy.email, proxy.password, '/dashboard');
    await asProxy.page.goto(`${app.baseUrl}/votes/${proposalId}`);
    const section = asProxy.page.getByTestId('proxy-vote');
    await section.getByRole('heading', { name: 'Vote for the member you represent' }).waitFor();
    await section.getByLabel('Yes').check();
    await section.getByRole('button', { name: 'Continue' }).click();
    await section.getByText('You are voting: Yes.').waitFor();
    await section.getByRole('button', { name: 'Confirm my vote' }).click();
    await asProxy.page.getByText('The ballot (Yes) for the member you represent is recorded.').waitFor();
    expect(await seriousAxeViolations(asProxy.page)).toEqual([]);

    await asPrincipal.page.reload();
    const receipt = asPrincipal.page.getByTestId('proxy-receipt');
    await receipt.waitFor();
    const shown = (await receipt.textContent())!.trim();
    expect(shown).toMatch(/^[0-9a-f]{64}$/);

    // After the count the principal finds the ballot their proxy cast in the published list.
    app.clock.advance(171 * HOUR);
    await asPrincipal.page.reload();
    await asPrincipal.page.getByRole('heading', { name: 'Result' }).waitFor();
    await asPrincipal.page.getByText('Your receipt is in the published list, counted as: Yes.').waitFor();
    expect(await asPrincipal.page.locator('tr.mine').textContent()).toContain(shown);
    expect(await seriousAxeViolations(asPrincipal.page)).toEqual([]);
    expect(asPrincipal.problems).toEqual([]);
    expect(asProxy.problems).toEqual([]);
    await asPrincipal.context.close();
    await asProxy.context.close();
  });
});
