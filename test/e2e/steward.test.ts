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
import { allAxeViolations, launchBrowser, openPage, screenshots, seriousAxeViolations, signIn } from './browser.js';

const title = 'Sleep duration and steps, by region';
let app: TestApp;
let browser: Browser;
let steward: BuiltAccount;
let researcherId: string;
let frenchResearcherId: string;

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
  const french = await app.request('POST', '/api/auth/register', {
    body: buildRegistration({
      role: 'researcher',
      name: 'Zoé Chercheuse',
      organisation: 'Institut du sommeil',
      email: 'zoe@unige.example',
    }),
  });
  expect(french.status).toBe(201);
  frenchResearcherId = french.body.id;
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

    const pia = page.getByRole('listitem').filter({ hasText: 'Pia Researcher' });
    await pia.getByLabel('Non-profit organisation').check();
    await pia.getByLabel('How the identity and affiliation were checked').selectOption('video_call');
    // The review step refuses an empty note: nothing is sent, the form stays.
    await pia.getByRole('button', { name: 'Review the verification of Pia Researcher' }).click();
    expect(await page.getByTestId('verification-review').count()).toBe(0);
    await pia.getByLabel('What you saw (evidence note)').fill('Video call on 3 December, staff card shown');
    await pia.getByRole('button', { name: 'Review the verification of Pia Researcher' }).click();
    const review = page.getByTestId('verification-review');
    await review.getByRole('heading', { name: 'You are about to verify Pia Researcher' }).waitFor();
    const reviewText = (await review.textContent())!.replace(/\s+/g, ' ');
    expect(reviewText).toContain('Sleep Lab Geneva');
    expect(reviewText).toContain('Yes: the organisation is recorded as non-profit');
    expect(reviewText).toContain('example.org');
    expect(reviewText).toContain('Video call with an identity document');
    expect(reviewText).toContain('Video call on 3 December, staff card shown');
    // Reviewing sends nothing: the researcher is still pending until the second click.
    const stillPending = await app.request('GET', '/api/steward/researchers?status=pending', {
      token: steward.accessToken,
    });
    expect(stillPending.body.researchers.map((r: { id: string }) => r.id)).toContain(researcherId);
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'steward-verification-review');
    await review.getByRole('button', { name: 'Confirm: verify Pia Researcher' }).click();
    await page.getByText('Pia Researcher is verified.').waitFor();
    const verified = await app.request('GET', '/api/steward/researchers?status=verified', {
      token: steward.accessToken,
    });
    expect(verified.body.researchers).toContainEqual(
      expect.objectContaining({
        id: researcherId,
        verification: 'verified',
        nonProfit: true,
        evidence: { method: 'video_call', note: 'Video call on 3 December, staff card shown' },
      }),
    );
    const shown = page.getByRole('listitem').filter({ hasText: 'Pia Researcher' }).getByTestId('evidence');
    expect((await shown.textContent())!.replace(/\s+/g, ' ')).toContain(
      'Video call with an identity document: Video call on 3 December, staff card shown',
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

    // No member shares this draft's data yet: its impact warns, and the vote opens once the steward ticks that
    // they read it (test/e2e/steward-impact.test.ts covers the warning itself).
    await page.getByTestId('thin-warning').waitFor();
    await page.getByRole('checkbox', { name: 'I have read this and want to open the vote anyway' }).check();
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

  it('asks for the evidence and a confirmation in French, and can go back without verifying', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, steward.email, steward.password, '/steward');
    await page.getByLabel('Language').selectOption('fr');
    const zoe = page.getByRole('listitem').filter({ hasText: 'Zoé Chercheuse' });
    await zoe.getByLabel('Comment l’identité et l’affiliation ont été vérifiées').selectOption('signed_letter');
    await zoe.getByLabel('Ce que vous avez constaté (note de preuve)').fill('Lettre du doyen reçue le 2 décembre');
    await zoe.getByRole('button', { name: 'Relire la vérification de Zoé Chercheuse' }).click();
    const review = page.getByTestId('verification-review');
    await review.getByRole('heading', { name: 'Vous allez vérifier Zoé Chercheuse' }).waitFor();
    // Only ordinary white space collapsed: the narrow no-break space of French typography must stay.
    const text = (await review.textContent())!.replace(/[\t\n ]+/g, ' ');
    expect(text).toContain('unige.example');
    expect(text).toContain('Non\u202f: l’organisation est enregistrée comme à but lucratif');
    expect(text).toContain('Lettre signée par l’organisation');
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'steward-verification-review-fr');
    await review.getByRole('button', { name: 'Revenir au formulaire' }).click();
    await zoe.getByRole('button', { name: 'Relire la vérification de Zoé Chercheuse' }).waitFor();
    const pending = await app.request('GET', '/api/steward/researchers?status=pending', { token: steward.accessToken });
    expect(pending.body.researchers.map((r: { id: string }) => r.id)).toContain(frenchResearcherId);
    expect(problems).toEqual([]);
    await context.close();
  });
});
