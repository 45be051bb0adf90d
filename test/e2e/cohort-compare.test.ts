// The cohort comparison as a picture, in real Chromium: under a metric's chart, the cohort's percentile band with the
// member's own value marked (placed where the numbers say), the same in a sentence, who the cohort is (a noisy count,
// give or take its margin) and what it cost; the metrics without a comparison named once, in one note above the
// charts, with the reason (too few members; the year's budget spent). The released records are put in the insight
// cache directly (the release itself, noise and budget, is tested in test/integration and test/services), so that
// every state is shown whatever the noise. EN and FR, axe-core at 0 violations, screenshots at 1280 and 360 px.
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalisedObservation } from '../../policies/observations/observation-types.js';
import { insightPeriodOf } from '../../policies/research/insight-budget.js';
import { INSIGHT_COLLECTION, type InsightRecord } from '../../services/research/index.js';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { allAxeViolations, launchBrowser, openPage, screenshots, signIn } from './browser.js';

const DAY = 86_400_000;

let app: TestApp;
let browser: Browser;
let member: BuiltAccount;

const bands = (values: number[]) => values.map((value, i) => ({ level: [0.1, 0.25, 0.5, 0.75, 0.9][i]!, value }));

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  member = await registerAndLogin(app);
  const now = app.clock.now().getTime();
  const days = Array.from({ length: 60 }, (_, k) => new Date(now - (k + 1) * DAY).toISOString());
  const observations: NormalisedObservation[] = days.flatMap((effectiveAt) => [
    { category: 'heart-rate', unit: '/min', value: 61, effectiveAt, source: 'manual' },
    {
      category: 'blood-pressure',
      unit: 'mm[Hg]',
      components: { systolic: 150, diastolic: 70 },
      effectiveAt,
      source: 'manual',
    },
    { category: 'body-weight', unit: 'kg', value: 72.4, effectiveAt, source: 'manual' },
    { category: 'steps', unit: '/d', value: 8000, effectiveAt, source: 'manual' },
  ]);
  await app.services.vault.storeObservations(member.id, observations);

  const period = insightPeriodOf(app.clock.now(), 'month');
  const record = (category: string, fields: Partial<InsightRecord>): InsightRecord => ({
    _id: `${category}:${period.id}`,
    category,
    periodId: period.id,
    year: period.year,
    computedAt: app.clock.now(),
    fresh: true,
    suppressed: false,
    components: [],
    epsilonMicro: 83_333,
    budgetMicro: 1_000_000,
    spentMicro: 83_333,
    ...fields,
  });
  await app.connection.db!.collection<InsightRecord>(INSIGHT_COLLECTION).insertMany([
    record('heart-rate', { components: [{ component: null, quantiles: bands([52, 57, 63, 68, 75]), count: 214 }] }),
    record('blood-pressure', {
      components: [
        { component: 'systolic', quantiles: bands([105, 112, 120, 129, 140]), count: 96 },
        { component: 'diastolic', quantiles: bands([64, 70, 77, 83, 90]), count: 101 },
      ],
    }),
    // Too few members: the release paid its ε and was suppressed.
    record('body-weight', { suppressed: true, components: [{ component: null, quantiles: null, count: null }] }),
    // This year's budget is spent and there never was a release: nothing to show again.
    record('steps', { suppressed: true, fresh: false, epsilonMicro: 0, spentMicro: 1_000_000 }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** The horizontal centre of an element, and its left and right edges, in page pixels. */
async function box(locator: Locator) {
  const b = (await locator.boundingBox())!;
  return { left: b.x, right: b.x + b.width, centre: b.x + b.width / 2 };
}

describe('how a member compares with the cohort', { timeout: 120_000 }, () => {
  it('draws the band with "you" where the numbers put it, says who the cohort is, and explains the rest once', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    const heart = page.locator('section.card').filter({ has: page.getByRole('heading', { name: 'Heart rate' }) });
    await heart.getByTestId('compare').waitFor();

    // 61 /min: between the 25th (57) and 50th (63) percentiles, so the marker is inside the dark band, left of the median.
    expect(await heart.getByTestId('compare-sentence').textContent()).toMatch(
      /^\s*Your value 61 is\s+between the 25th and 50th percentiles of members who share their data\.\s+\(median 63\)/,
    );
    const you = await box(heart.getByTestId('cohort-you'));
    const inner = await box(heart.locator('coop-cohort-band .inner'));
    const median = await box(heart.locator('coop-cohort-band .median'));
    expect(you.centre).toBeGreaterThan(inner.left);
    expect(you.centre).toBeLessThan(median.centre);
    expect(await heart.getByTestId('cohort-band').textContent()).toMatch(/You 61\s*52\s*63\s*75/);
    // Who the cohort is: the noisy count and its margin at ε 1/24 for the count (half of 1/12).
    expect((await heart.getByTestId('cohort-size').textContent())?.trim()).toBe(
      'Compared with about 214 members who share Heart rate (give or take 72).',
    );
    await heart.getByText(/This comparison used ε 0\.083 of the cooperative’s 1 for Heart rate in 2\d{3} \(/).waitFor();

    // Blood pressure, per component: a systolic 150 above the 90th percentile (140) is right of the whole band.
    const pressure = page
      .locator('section.card')
      .filter({ has: page.getByRole('heading', { name: 'Blood pressure' }) });
    const sentences = await pressure.getByTestId('compare-sentence').allTextContents();
    expect(sentences[0]).toMatch(/Systolic: your value 150 is\s+above the 90th percentile/);
    expect(sentences[1]).toMatch(/Diastolic: your value 70 is\s+between the 25th and 50th percentiles/);
    const systolicYou = await box(pressure.getByTestId('cohort-you').first());
    const systolicBand = await box(pressure.locator('coop-cohort-band .outer').first());
    expect(systolicYou.centre).toBeGreaterThan(systolicBand.right);
    // The count of the first component, its margin at ε 1/48 for each component's count.
    expect((await pressure.getByTestId('cohort-size').textContent())?.trim()).toBe(
      'Compared with about 96 members who share Blood pressure (give or take 144).',
    );

    // Without a comparison: nothing in the card, and the one note names each metric with its reason.
    const note = page.getByTestId('compare-note');
    expect(await page.getByTestId('compare-note').count()).toBe(1);
    expect(await note.getByTestId('compare-thin').textContent()).toMatch(
      /No comparison yet for Body weight: too few members share it\./,
    );
    expect(await note.getByTestId('compare-spent').textContent()).toMatch(
      /No comparison for Steps per day: this year’s privacy budget for it is spent\./,
    );
    for (const name of ['Body weight', 'Steps per day']) {
      const card = page.locator('section.card').filter({ has: page.getByRole('heading', { name, exact: true }) });
      expect(await card.getByTestId('compare').count(), name).toBe(0);
      expect(await card.getByText(/How you compare|not enough|too few/i).count(), name).toBe(0);
    }
    expect(await page.getByText(/too few members|not enough members/i).count()).toBe(1);
    expect(await allAxeViolations(page)).toEqual([]);
    await note.scrollIntoViewIfNeeded();
    await screenshots(page, 'cohort-note');
    await heart.getByTestId('compare').scrollIntoViewIfNeeded();
    await screenshots(page, 'cohort-compare');

    await page.getByLabel('Language').selectOption('fr');
    const coeur = page
      .locator('section.card')
      .filter({ has: page.getByRole('heading', { name: 'Fréquence cardiaque' }) });
    await coeur.getByText('Comparaison avec environ 214 membres', { exact: false }).waitFor();
    expect(await note.getByTestId('compare-thin').textContent()).toContain('Pas encore de comparaison pour Poids');
    expect(await coeur.getByTestId('cohort-band').textContent()).toMatch(/Vous 61/);
    expect(await allAxeViolations(page)).toEqual([]);
    await coeur.getByTestId('compare').scrollIntoViewIfNeeded();
    await screenshots(page, 'cohort-compare-fr');
    await page.getByLabel('Langue').selectOption('en');
    expect(problems).toEqual([]);
    await context.close();
  });
});
