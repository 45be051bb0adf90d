// The public record in real Chromium, without signing in: reached from the sign-in page, in English and French.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStewardAndLogin, insertMembers } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { carryPolicy, DAY, verifiedResearcher } from '../integration/research-fixture.js';
import { launchBrowser, openPage, screenshots, seriousAxeViolations } from './browser.js';

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  const steward = await createStewardAndLogin(app);
  const voters = await insertMembers(app, 3, { joinedAt: new Date(app.clock.now().getTime() - DAY) });
  const researcher = await verifiedResearcher(app, steward.id);
  await carryPolicy(app, steward.id, researcher, voters);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('public record in the browser', { timeout: 120_000 }, () => {
  it('is linked from the sign-in page and readable without an account, in English and French', async () => {
    const { page, problems, context } = await openPage(browser);
    await page.goto(`${app.baseUrl}/login`);
    await page.getByRole('link', { name: 'Read the public record without signing in' }).click();
    await page.getByRole('heading', { name: 'Public record', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/record');
    const policies = page.getByRole('region', { name: 'Research access policies', exact: true });
    await policies.getByText('University of Bern').waitFor();
    expect((await policies.textContent())!.replace(/\s+/g, ' ')).toContain('Resting heart rate and age');
    const decisions = page.getByRole('region', { name: 'Decisions of the general assembly', exact: true });
    const text = (await decisions.textContent())!.replace(/\s+/g, ' ');
    expect(text).toContain('Approved');
    expect(text).toContain('in force');
    expect(text).toContain('3 / 0 / 0');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { name: 'Registre public', level: 1 }).waitFor();
    await page
      .getByRole('region', { name: 'Décisions de l’assemblée générale', exact: true })
      .getByText('en vigueur')
      .waitFor();
    await screenshots(page, 'record');
    expect(problems).toEqual([]);
    await context.close();
  });
});
