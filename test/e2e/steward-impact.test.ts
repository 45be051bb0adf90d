// The steward opens a vote knowing what it would cover: in real Chromium, each access-policy draft shows its impact
// preview beside "Open the vote"; a draft with a category below the small-cell minimum warns that its answers would
// all be suppressed and opens only once the steward ticks that they read it (the browser's own required-checkbox
// refusal: nothing is sent before). A draft with enough consenting members opens with no extra step. EN and FR,
// axe-core at 0 violations of any impact, screenshots at 1280 and 360 px.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStewardAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { consentFor, requestBody, seedMembers, verifiedResearcher } from '../integration/research-fixture.js';
import { allAxeViolations, launchBrowser, openPage, screenshots, signIn } from './browser.js';

let app: TestApp;
let browser: Browser;
let steward: BuiltAccount;

const thinTitle = 'Sleep and blood pressure in shift workers';
const fullTitle = 'Resting heart rate across ages';

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  steward = await createStewardAndLogin(app);
  // 30 members share heart rate; 3 of them also share blood pressure: below the bylaws' minimum of 11.
  const members = await seedMembers(app, 30, { consent: consentFor(['heart-rate']) });
  await Promise.all(
    members
      .slice(0, 3)
      .map((m) =>
        app.services.research.seedConsent(m.id, consentFor(['heart-rate', 'blood-pressure']), app.clock.now()),
      ),
  );
  const researcher = await verifiedResearcher(app, steward.id);
  for (const body of [
    requestBody({ title: thinTitle, categories: ['blood-pressure'] }),
    requestBody({ title: fullTitle, categories: ['heart-rate'] }),
  ]) {
    const filed = await app.request('POST', '/api/research/requests', { token: await researcher.token(), body });
    expect(filed.status, filed.text).toBe(201);
  }
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function statusOf(title: string): Promise<string | undefined> {
  const all = await app.request('GET', '/api/proposals', { token: steward.accessToken });
  expect(all.status, all.text).toBe(200);
  return all.body.proposals.find((p: { title: string }) => p.title === title)?.status;
}

describe('the impact preview beside "Open the vote"', { timeout: 120_000 }, () => {
  it('warns on a category with too few consenting members and opens only once the steward confirms', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, steward.email, steward.password, '/steward');
    for (const title of [thinTitle, fullTitle]) {
      await page.getByRole('button', { name: `Turn "${title}" into a proposal` }).click();
      await page.getByText(`A draft proposal was made from "${title}".`).waitFor();
    }
    const thin = page
      .getByRole('listitem')
      .filter({ hasText: thinTitle })
      .filter({ has: page.getByTestId('impact') });
    const full = page
      .getByRole('listitem')
      .filter({ hasText: fullTitle })
      .filter({ has: page.getByTestId('impact') });
    await thin.getByTestId('thin-warning').waitFor();
    expect(await thin.getByTestId('impact').textContent()).toContain('Blood pressure: fewer than 11 members');
    expect(await thin.getByTestId('thin-warning').textContent()).toContain('researchers would get no answer at all');
    // The preview is coarse: 30 members show as a band, never the exact count.
    expect(await full.getByTestId('impact').textContent()).toContain('Heart rate: 30 to 39 members');
    expect(await full.getByTestId('thin-warning').count()).toBe(0);
    expect(await full.getByRole('checkbox').count()).toBe(0);
    expect(await allAxeViolations(page)).toEqual([]);
    await thin.scrollIntoViewIfNeeded();
    await screenshots(page, 'steward-impact-warning');

    // Without the tick the browser refuses the form: nothing reaches the service.
    await page.getByRole('button', { name: `Open the vote on ${thinTitle}` }).click();
    const box = thin.getByRole('checkbox', { name: 'I have read this and want to open the vote anyway' });
    expect(await box.evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(true);
    expect(await statusOf(thinTitle)).toBe('draft');

    // In French, the same warning in words.
    await page.getByLabel('Language').selectOption('fr');
    await thin.getByText('Aucune catégorie de cette proposition', { exact: false }).waitFor();
    expect(await allAxeViolations(page)).toEqual([]);
    await thin.scrollIntoViewIfNeeded();
    await screenshots(page, 'steward-impact-warning-fr');
    await page.getByLabel('Langue').selectOption('en');

    await box.check();
    await page.getByRole('button', { name: `Open the vote on ${thinTitle}` }).click();
    await page.getByText(`The vote on "${thinTitle}" is open.`).waitFor();
    expect(await statusOf(thinTitle)).toBe('open');

    // The well-covered draft opens with one click.
    await page.getByRole('button', { name: `Open the vote on ${fullTitle}` }).click();
    await page.getByText(`The vote on "${fullTitle}" is open.`).waitFor();
    expect(await statusOf(fullTitle)).toBe('open');
    expect(problems).toEqual([]);
    await context.close();
  });
});
