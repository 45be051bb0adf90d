// The gates of issue 14: every page and state of walk.ts, as a visitor, a member, a new member, a researcher and a
// steward, (a) in French with no string of the English catalogue left in it and French typography, (b) with 0
// axe-core violations of any impact in both languages at 1280 and 360 px.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateObservations } from '../../fixtures/demo-observations.js';
import { en } from '../../web-components/i18n/en.js';
import { fr } from '../../web-components/i18n/fr.js';
import {
  buildAccessPolicy,
  createStewardAndLogin,
  registerAndLogin,
  seedEnactedPolicy,
  type BuiltAccount,
} from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { consentFor } from '../integration/research-fixture.js';
import { allAxeViolations, launchBrowser, openPage, screenshots } from './browser.js';
import { invariantStrings, walkStates, type WalkContext, type WalkRole, type WalkState } from './walk.js';

const DAY = 86_400_000;
/** Texts the test itself seeds (in English on purpose): skipped by the French check. */
const seededTexts = [
  'Walking Member',
  'New Member',
  'Rita Researcher',
  'Test Steward',
  'Heart rate and sleep of shift workers',
  'Averages of heart rate and sleep',
  'Sleep duration by region',
];
const HOUR = 3_600_000;
let app: TestApp;
let browser: Browser;
let accounts: Record<Exclude<WalkRole, 'visitor'>, BuiltAccount>;
let context: WalkContext;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  const steward = await createStewardAndLogin(app);
  const member = await registerAndLogin(app, { name: 'Walking Member' });
  const newMember = await registerAndLogin(app, { name: 'New Member' });
  const researcher = await registerAndLogin(app, {
    role: 'researcher',
    name: 'Rita Researcher',
    organisation: 'University of Bern',
  });
  accounts = { member, newMember, researcher, steward };
  const to = app.clock.now();
  await app.services.vault.storeObservations(
    member.id,
    generateObservations({ seed: 'e2e-walk' }, { from: new Date(to.getTime() - 90 * DAY), to }),
  );
  await app.services.research.seedConsent(member.id, consentFor(['heart-rate', 'sleep-duration']), to);
  await seedEnactedPolicy(app, { grantee: researcher.id, categories: ['heart-rate'], groupBy: ['sex'] });
  const draft = await app.request('POST', '/api/proposals', {
    token: steward.accessToken,
    body: {
      kind: 'access-policy',
      title: 'Heart rate and sleep of shift workers',
      summary: 'Averages of heart rate and sleep, by age group, for two years.',
      policy: buildAccessPolicy(app.clock.now(), {
        grantee: researcher.id,
        categories: ['heart-rate', 'sleep-duration'],
        statistics: ['mean', 'quantiles'],
        groupBy: ['ageBand'],
      }),
    },
  });
  expect(draft.status).toBe(201);
  app.clock.advance(1000);
  const opened = await app.request('POST', `/api/proposals/${draft.body.id}/open`, {
    token: steward.accessToken,
    body: { closesAt: new Date(app.clock.now().getTime() + 170 * HOUR).toISOString() },
  });
  expect(opened.status).toBe(200);
  context = { proposalId: draft.body.id };
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Signs in through the form by field ids (the labels depend on the language). */
async function signInAs(page: Page, role: WalkRole): Promise<void> {
  if (role === 'visitor') return;
  const account = accounts[role];
  await page.goto(`${app.baseUrl}/login`);
  await page.locator('#email').fill(account.email);
  await page.locator('#password').fill(account.password);
  await page.locator('coop-login-page button[type=submit]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** Opens a state: navigates, waits until it is ready, runs its action. */
async function visit(page: Page, state: WalkState): Promise<void> {
  await page.goto(`${app.baseUrl}${state.path(context)}`);
  await page.locator(state.ready).first().waitFor({ timeout: 10_000 });
  await page.locator('[role=status]:text-is("Chargement…"), [role=status]:text-is("Loading…")').first().waitFor({
    state: 'detached',
  });
  await state.act?.(page);
}

/** Visible text, options, and the names a screen reader reads (aria-label, title, placeholder, alt), through shadow roots. */
function collectTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const visit = (root: Document | ShadowRoot) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.nodeType === Node.TEXT_NODE) {
          const parent = node.parentElement;
          const text = node.textContent?.trim();
          if (!text || !parent || parent.closest('style, script')) continue;
          if (parent.closest('option') || parent.checkVisibility()) found.push(text.replace(/\s+/g, ' '));
          continue;
        }
        const element = node as Element;
        for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
          const value = element.getAttribute(name)?.trim();
          if (value) found.push(value);
        }
        if (element.shadowRoot) visit(element.shadowRoot);
      }
    };
    visit(document);
    found.push(document.title);
    return found;
  });
}

const frenchValues = new Set(Object.values(fr));
/** The literal pieces of every English message that French translates differently (placeholders cut out). */
const englishPieces: string[] = [
  ...new Set(
    (Object.keys(en) as (keyof typeof en)[])
      .filter((key) => en[key] !== fr[key])
      .flatMap((key) => en[key].split(/\{\w+\}/))
      .map((piece) => piece.trim().replace(/^[\s.,:;()–—-]+|[\s.,:;()–—-]+$/g, ''))
      // A piece that is also a whole French message ("Votes") is the same word in both languages.
      .filter((piece) => /[A-Za-z]{4,}/.test(piece) && !invariantStrings.has(piece) && !frenchValues.has(piece)),
  ),
];

const letter = /\p{L}/u;
/** Whether `piece` occurs in `text` as whole words. */
function containsWords(text: string, piece: string): boolean {
  for (let at = text.indexOf(piece); at >= 0; at = text.indexOf(piece, at + 1)) {
    const before = text[at - 1] ?? ' ';
    const after = text[at + piece.length] ?? ' ';
    if (!letter.test(before) && !letter.test(after)) return true;
  }
  return false;
}

/** English left in a French page, and French typography mistakes. */
function frenchProblems(texts: readonly string[]): string[] {
  const problems = new Set<string>();
  for (const text of texts) {
    // What people typed (names, addresses, proposal titles the test seeds) is not the catalogue's.
    if (invariantStrings.has(text) || text.includes('@') || seededTexts.some((seeded) => text.includes(seeded)))
      continue;
    for (const piece of englishPieces) if (containsWords(text, piece)) problems.add(`English "${piece}" in "${text}"`);
    if (/\p{L}[:;?!](\s|$)/u.test(text)) problems.add(`no space before : ; ? ! in "${text}"`);
    if (/\p{L}\(s\)/u.test(text)) problems.add(`"(s)" plural in "${text}"`);
    if (/"[^"]+"/.test(text)) problems.add(`straight quotes instead of « » in "${text}"`);
  }
  return [...problems];
}

describe('the gates over every page and state', { timeout: 600_000 }, () => {
  it('leaves no English and no typography mistake in French', async () => {
    const problems: string[] = [];
    for (const role of ['visitor', 'member', 'newMember', 'researcher', 'steward'] as const) {
      const { page, context: browserContext, problems: cspProblems } = await openPage(browser, { locale: 'fr-CH' });
      await signInAs(page, role);
      for (const state of walkStates.filter((s) => s.role === role)) {
        const failed = await visit(page, state).catch(
          (error: Error) => `${state.name}: ${error.message.split('\n')[0]}`,
        );
        if (failed) problems.push(failed);
        for (const problem of frenchProblems(await collectTexts(page))) problems.push(`${state.name}: ${problem}`);
        await screenshots(page, `walk-fr-${state.name}`);
      }
      expect(cspProblems).toEqual([]);
      await browserContext.close();
    }
    expect(problems).toEqual([]);
  });

  it('finds 0 axe-core violations in English and French at 1280 and 360 px', async () => {
    const violations: string[] = [];
    for (const locale of ['en-GB', 'fr-CH']) {
      for (const role of ['visitor', 'member', 'newMember', 'researcher', 'steward'] as const) {
        const { page, context: browserContext } = await openPage(browser, { locale });
        await signInAs(page, role);
        for (const state of walkStates.filter((s) => s.role === role)) {
          for (const width of [1280, 360]) {
            await page.setViewportSize({ width, height: width === 1280 ? 800 : 740 });
            const failed = await visit(page, state).catch(
              (error: Error) => `${state.name}: ${error.message.split('\n')[0]}`,
            );
            if (failed) violations.push(failed);
            for (const v of await allAxeViolations(page)) violations.push(`${locale} ${width} ${state.name}: ${v}`);
          }
        }
        await browserContext.close();
      }
    }
    expect(violations).toEqual([]);
  });
});
