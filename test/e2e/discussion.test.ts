// Deliberation and the register in real Chromium: a steward announces a draft for discussion, a member posts, the
// steward hides the post with a reason shown in its place, and the steward excludes a member with a reason.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAccessPolicy, createStewardAndLogin, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, openPage, seriousAxeViolations, signIn } from './browser.js';

const title = 'Blood pressure of cyclists';
let app: TestApp;
let browser: Browser;
let steward: BuiltAccount;
let member: BuiltAccount;
let proposalId: string;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  steward = await createStewardAndLogin(app);
  member = await registerAndLogin(app, { name: 'Posting Member' });
  await registerAndLogin(app, { name: 'Excluded Member' });
  const draft = await app.request('POST', '/api/proposals', {
    token: steward.accessToken,
    body: {
      kind: 'access-policy',
      title,
      summary: 'A sports clinic asks for average blood pressure by age group.',
      policy: buildAccessPolicy(app.clock.now()),
    },
  });
  expect(draft.status).toBe(201);
  proposalId = draft.body.id;
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('discussion and register in the browser', { timeout: 120_000 }, () => {
  it('announces, posts, hides with a reason, and excludes a member with a reason', async () => {
    const asSteward = await openPage(browser);
    await signIn(asSteward.page, app.baseUrl, steward.email, steward.password, '/steward');
    const announce = asSteward.page.getByRole('button', { name: `Announce for discussion: ${title}` });
    await announce.waitFor();
    expect(await seriousAxeViolations(asSteward.page)).toEqual([]);
    await announce.click();
    await asSteward.page.getByText(`"${title}" is announced: members can read and discuss it.`).waitFor();
    await asSteward.page.getByRole('link', { name: /Under discussion since/ }).waitFor();

    // The exclusion, on the register: a reason is required, then the status changes.
    const row = asSteward.page.locator('coop-member-register tr', { hasText: 'Excluded Member' });
    await row.getByText('Exclude Excluded Member…').click();
    await row.getByLabel('Reason for the exclusion (recorded and shown to the member)').fill('Unpaid share');
    await row.getByRole('button', { name: 'Exclude', exact: true }).click();
    await asSteward.page.getByText('Excluded Member is excluded; their voting rights ended now.').waitFor();
    await expect.poll(() => row.locator('td').nth(1).textContent()).toContain('Excluded');
    expect(await seriousAxeViolations(asSteward.page)).toEqual([]);

    const asMember = await openPage(browser);
    await signIn(asMember.page, app.baseUrl, member.email, member.password, '/dashboard');
    await asMember.page.goto(`${app.baseUrl}/votes/${proposalId}`);
    const discussion = asMember.page.getByTestId('discussion');
    await discussion.getByRole('heading', { name: 'Discussion' }).waitFor();
    await discussion.getByLabel('Your question or answer').fill('Is the clinic paid by a drug maker?');
    await discussion.getByRole('button', { name: 'Post' }).click();
    await asMember.page.getByText('Your post is published.').waitFor();
    await discussion.getByText('Is the clinic paid by a drug maker?').waitFor();
    expect(await seriousAxeViolations(asMember.page)).toEqual([]);

    await asSteward.page.goto(`${app.baseUrl}/votes/${proposalId}`);
    const stewardView = asSteward.page.getByTestId('discussion');
    await stewardView.getByText('Is the clinic paid by a drug maker?').waitFor();
    await stewardView.getByText('Hide this post…').click();
    await stewardView.getByLabel('Reason, shown in its place').fill('Off topic');
    await stewardView.getByRole('button', { name: 'Hide', exact: true }).click();
    await asSteward.page.getByText('The post is hidden.').waitFor();

    await asMember.page.reload();
    await asMember.page.getByTestId('hidden-post').waitFor();
    expect(await asMember.page.getByTestId('hidden-post').textContent()).toContain('Hidden by the stewards: Off topic');
    expect(await asMember.page.getByText('Is the clinic paid by a drug maker?').count()).toBe(0);
    expect(await seriousAxeViolations(asMember.page)).toEqual([]);
    expect(asSteward.problems).toEqual([]);
    expect(asMember.problems).toEqual([]);
    await asSteward.context.close();
    await asMember.context.close();
  });
});
