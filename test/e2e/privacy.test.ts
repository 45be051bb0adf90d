// The privacy page as "who sees what", in real Chromium: a study card per active policy saying whether the member's
// own heart rate is in it, the consent levels explained once, the choice grouped by what each category measures,
// and the history as what changed — in English and French, 0 axe violations, screenshots at 1280 and 360 px.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStewardAndLogin, type InsertedMember } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { carryPolicy, seedMembers, verifiedResearcher } from '../integration/research-fixture.js';
import { allAxeViolations, launchBrowser, openPage, screenshots, signIn } from './browser.js';

const NNBSP = '\u202f';
const title = 'Resting heart rate and age';
let app: TestApp;
let browser: Browser;
let members: InsertedMember[];

beforeAll(async () => {
  app = await createTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  browser = await launchBrowser();
  const stewardId = (await createStewardAndLogin(app)).id;
  // Twelve members who share heart rate "in statistics only" vote the study in; the first two use the page.
  members = await seedMembers(app, 12);
  const researcher = await verifiedResearcher(app, stewardId);
  await carryPolicy(app, stewardId, researcher, members, { categories: ['heart-rate', 'body-weight'] });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const card = (page: Page) => page.getByTestId('study-card').filter({ hasText: title });

describe('the privacy page in the browser', { timeout: 150_000 }, () => {
  it('shows the study that includes the member’s heart rate, and follows a change of consent', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, members[0]!.email, 'correct horse battery staple', '/dashboard');
    await page.goto(`${app.baseUrl}/privacy`);
    await page.getByRole('heading', { name: 'Who sees what' }).waitFor();
    await card(page).getByText('Heart rate: your data is included').waitFor();
    await card(page).getByText('Body weight: not included — you share it with no study').waitFor();
    // Who, why, what it receives, until when.
    await expect.poll(() => card(page).textContent()).toMatch(/For\s*Test Member, University of Bern/);
    expect(await card(page).textContent()).toMatch(/Aggregate statistics only/);
    expect(await card(page).textContent()).toMatch(/1 Dec 2027/);
    // The three levels, explained once near the choice; the choice grouped and named with units.
    const levels = page.getByTestId('levels-explained');
    expect(await levels.locator('dt').allTextContents()).toEqual([
      'Not at all',
      'In statistics only',
      'In statistics and pseudonymised records',
    ]);
    await page.getByRole('heading', { name: 'Heart and breathing' }).waitFor();
    const heartRate = page.getByRole('group', { name: 'Heart rate (beats per minute)' });
    expect(await heartRate.getByRole('radio', { name: 'In statistics only' }).isChecked()).toBe(true);
    await expect
      .poll(() => page.getByTestId('consent-history').textContent())
      .toMatch(/Heart rate: Not at all → In statistics only/);
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'privacy-included');

    await heartRate.getByRole('radio', { name: 'Not at all' }).check();
    await page.getByRole('button', { name: 'Save my consent' }).click();
    await page.getByText('Your consent is saved.').waitFor();
    await card(page).getByText('Heart rate: not included — you share it with no study').waitFor();
    expect(await card(page).getByText('Heart rate: your data is included').count()).toBe(0);
    const newest = page.getByTestId('consent-history').getByRole('listitem').first();
    expect(await newest.textContent()).toMatch(/Heart rate: In statistics only → Not at all/);
    expect(await page.getByTestId('consent-history').getByRole('listitem').count()).toBe(2);
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'privacy-changed');
    await page.getByTestId('levels-explained').scrollIntoViewIfNeeded();
    await screenshots(page, 'privacy-form');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('says the same in French, and shows a study the member left as left', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, members[1]!.email, 'correct horse battery staple', '/dashboard');
    await page.goto(`${app.baseUrl}/privacy`);
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { name: 'Qui voit quoi' }).waitFor();
    await card(page).getByText(`Fréquence cardiaque${NNBSP}: vos données sont incluses`).waitFor();
    await page.getByRole('group', { name: 'Fréquence cardiaque (battements par minute)' }).waitFor();
    await page.getByRole('button', { name: `Quitter l’étude «${NNBSP}${title}${NNBSP}»` }).click();
    await card(page).getByTestId('study-left').waitFor();
    await card(page).getByText(`Fréquence cardiaque${NNBSP}: non incluses — vous avez quitté cette étude`).waitFor();
    await expect
      .poll(() => page.getByTestId('consent-history').getByRole('listitem').first().textContent())
      .toContain(`étude «${NNBSP}${title}${NNBSP}» quittée`);
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'privacy-left-fr');

    await page.getByRole('button', { name: 'Rejoindre à nouveau' }).click();
    await card(page).getByText(`Fréquence cardiaque${NNBSP}: vos données sont incluses`).waitFor();
    expect(await card(page).getByTestId('study-left').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
