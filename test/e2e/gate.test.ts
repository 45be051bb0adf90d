// The gate of issue 14 (items 8 and 9): every page and state of the walk (walk.ts) in French shows no English string
// of the catalogue, axe-core finds no violation of any impact on each in English and French at 1280 and 360 px, and
// the keyboard path works (skip control first, then the navigation; focus on the new page's h1, no ring for it).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../web-components/i18n/en.js';
import { englishIn, untranslated } from './english-check.js';
import { fr } from '../../web-components/i18n/fr.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { allAxeViolations, openPage, launchBrowser, screenshots, signIn } from './browser.js';
import { SEEDED_TEXTS, WALK, accountOf, landingOf, seedCooperative, type Cooperative, type WalkRole } from './walk.js';

/**
 * Findings on pages other helpers are reworking right now (coop-proposal-summary / coop-proposal-page /
 * coop-request-form / coop-research-page; coop-privacy-page / coop-consent-form / the dashboard's empty state / the
 * login page). Owned by the card/privacy work, removed when it lands. Each entry names the walk step and the exact
 * finding it excuses; anything else on those pages still fails the gate.
 */
const OWNED_ELSEWHERE: readonly { step: string; finding: RegExp }[] = [];

/** Texts a French page rightly shows as they are (not an allow-list: they are not the app's words). */
const LEGITIMATE: readonly { step: string; finding: string }[] = [
  // The row errors name the column of the member's own file that is wrong ("components" in the fixture).
  { step: 'data-refused-upload', finding: 'untranslated "components"' },
];

/** Every visible text node and every aria-label, title, placeholder and alt, through open shadow roots. */
async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const texts: string[] = [];
    const visit = (node: Node) => {
      if (node.nodeType === Node.TEXT_NODE) {
        const parent = node.parentElement;
        const text = node.textContent?.trim();
        if (text && parent && parent.checkVisibility({ visibilityProperty: true } as never)) texts.push(text);
        return;
      }
      if (!(node instanceof Element)) {
        node.childNodes.forEach(visit);
        return;
      }
      if (['STYLE', 'SCRIPT', 'NOSCRIPT', 'TEMPLATE'].includes(node.tagName)) return;
      for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = node.getAttribute(name)?.trim();
        if (value) texts.push(value);
      }
      if (node.shadowRoot) node.shadowRoot.childNodes.forEach(visit);
      node.childNodes.forEach(visit);
    };
    visit(document.body);
    texts.push(document.title);
    return texts;
  });
}

/** Waits for the page's h1 and for its data: no "Loading…" left, the network quiet. */
async function settle(page: Page, locale: 'en' | 'fr'): Promise<void> {
  await page.locator('main h1').first().waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle', { timeout: 60_000 });
  const loading = locale === 'en' ? en['common.loading'] : fr['common.loading'];
  await expect.poll(() => page.getByText(loading, { exact: true }).count(), { timeout: 60_000 }).toBe(0);
}

let app: TestApp;
let browser: Browser;
let coop: Cooperative;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  coop = await seedCooperative(app);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const roles: WalkRole[] = ['public', 'member', 'empty', 'steward', 'researcher'];

describe('the gate: French everywhere, axe-core 0 violations', { timeout: 600_000 }, () => {
  it.each(roles)('walks every page of %s in French and English', async (role) => {
    const { page, context, problems } = await openPage(browser);
    const account = accountOf(coop, role);
    if (account) await signIn(page, app.baseUrl, account.email, account.password, landingOf(role));
    else await page.goto(`${app.baseUrl}/login`);
    const failures: string[] = [];
    const record = (step: string, finding: string) => {
      if (LEGITIMATE.some((legit) => legit.step === step && legit.finding === finding)) return;
      if (!OWNED_ELSEWHERE.some((allowed) => allowed.step === step && allowed.finding.test(finding))) {
        failures.push(`${step}: ${finding}`);
      }
    };
    const englishTexts = new Map<string, Set<string>>();
    for (const locale of ['en', 'fr'] as const) {
      await page.evaluate((lang) => localStorage.setItem('datacoop.lang', lang), locale);
      for (const step of WALK.filter((s) => s.role === role)) {
        await page.goto(`${app.baseUrl}${step.path(coop)}`);
        await settle(page, locale);
        await step.act?.(page);
        await page.waitForLoadState('networkidle', { timeout: 60_000 });
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
        const texts = await visibleTexts(page);
        if (locale === 'en') englishTexts.set(step.name, new Set(texts.map((t) => t.replace(/\s+/g, ' ').trim())));
        else {
          for (const text of texts) {
            for (const english of englishIn(text)) record(step.name, `English "${english}" in "${text}"`);
            if (untranslated(text, englishTexts.get(step.name) ?? new Set())) {
              record(step.name, `untranslated "${text}"`);
            }
          }
        }
        for (const width of [1280, 360]) {
          await page.setViewportSize({ width, height: width === 1280 ? 800 : 740 });
          for (const violation of await allAxeViolations(page)) record(step.name, `${locale} ${width}px ${violation}`);
        }
        await screenshots(page, `gate-${step.name}-${locale}`);
      }
    }
    expect(failures).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});

/** The element that has focus, through shadow roots. */
async function focused(page: Page): Promise<{ tag: string; text: string; inNav: boolean; outline: string }> {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    return {
      tag: element?.tagName ?? '',
      text: (element?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      inNav: Boolean(element?.closest('nav')),
      outline: element ? getComputedStyle(element).outlineStyle : '',
    };
  });
}

describe('the keyboard path', { timeout: 180_000 }, () => {
  it('reaches the skip control first, then the navigation; the skip control moves focus to the h1', async () => {
    const { page, context } = await openPage(browser);
    await signIn(page, app.baseUrl, coop.member.email, coop.member.password, '/dashboard');
    await page.goto(`${app.baseUrl}/dashboard`); // a fresh load: focus starts at the top of the document
    await settle(page, 'en');
    await page.keyboard.press('Tab');
    const skip = await focused(page);
    expect(skip).toMatchObject({ tag: 'BUTTON', text: en['nav.skip'] });
    expect(skip.outline).not.toBe('none'); // keyboard focus is visible
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'A', text: 'Datacoop' });
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'A', text: en['nav.dashboard'], inNav: true });
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page), { timeout: 30_000 }).toMatchObject({ tag: 'H1' });
    await context.close();
  });

  it('puts focus on the h1 of a proposal opened from the list, with no focus ring for a mouse user', async () => {
    const { page, context } = await openPage(browser);
    await signIn(page, app.baseUrl, coop.member.email, coop.member.password, '/dashboard');
    await page.getByRole('link', { name: /^Votes/ }).click();
    await page.waitForURL('**/votes');
    await expect.poll(() => focused(page), { timeout: 30_000 }).toMatchObject({ tag: 'H1', text: en['votes.title'] });
    await page.getByRole('link', { name: SEEDED_TEXTS[0] }).first().click();
    await page.waitForURL(`**/votes/${coop.openProposalId}`);
    await expect
      .poll(() => focused(page), { timeout: 30_000 })
      .toMatchObject({ tag: 'H1', text: SEEDED_TEXTS[0], outline: 'none' });
    await context.close();
  });
});
