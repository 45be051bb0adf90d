// The proposal members vote on, read as a research card in real Chromium: who asks (name, organisation, verified,
// non-profit), what your own consent means for you ("would be included" or why not), the DUO terms in words, the
// release rules, what a yes and a no mean; in English and French (no English left), open and closed, with
// axe-core at 0 violations of any impact, and screenshots at 1280 and 360 px.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINALISATION_GRACE_MS } from '../../services/assembly/index.js';
import { en } from '../../web-components/i18n/en.js';
import { fr } from '../../web-components/i18n/fr.js';
import {
  buildAccessPolicy,
  createStewardAndLogin,
  issueAccessToken,
  registerAndLogin,
  seedEnactedPolicy,
  type BuiltAccount,
} from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { allAxeViolations, launchBrowser, openPage, screenshots, signIn } from './browser.js';

const HOUR = 3_600_000;
const NNBSP = '\u202f';
const title = 'Night shifts and resting heart rate';
let app: TestApp;
let browser: Browser;
let sharing: BuiltAccount;
let notSharing: BuiltAccount;
let researcherEmail: string;
let proposalId: string;
let stewardId: string;

/** The text of an element and of every shadow root below it, as a person would read it. */
async function deepText(page: Page, selector: string): Promise<string> {
  return page.locator(selector).evaluate((root) => {
    const parts: string[] = [];
    const walk = (node: Node) => {
      if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
      if (node instanceof Element && node.shadowRoot) walk(node.shadowRoot);
      // A closed <details> hides its content from the reader: leave it out, as the eye does.
      if (node instanceof HTMLDetailsElement && !node.open) {
        const summary = node.querySelector('summary');
        if (summary) walk(summary);
        return;
      }
      for (const child of Array.from(node.childNodes)) walk(child);
    };
    walk(root);
    // Collapse ordinary white space only: French typography's narrow no-break spaces stay as they are.
    return parts
      .join(' ')
      .replace(/[ \t\n\r]+/g, ' ')
      .replace(/ ([,.])/g, '$1');
  });
}

/** English phrases of the card (the fixed parts of its messages) that French must not show. */
function englishPhrases(): string[] {
  const prefixes = ['card.', 'duo.', 'duoExplain.', 'inclusionReason.', 'proposal.', 'status.', 'kind', 'impact.'];
  const french = fr as Record<string, string>;
  return Object.entries(en as Record<string, string>)
    .filter(([key, value]) => prefixes.some((p) => key.startsWith(p)) && french[key] !== value)
    .flatMap(([, value]) => value.split(/\{\w+\}/))
    .map((part) => part.trim())
    .filter((part) => part.length >= 14);
}

async function openProposal(member: BuiltAccount, language: 'en' | 'fr' = 'en') {
  const opened = await openPage(browser);
  await signIn(opened.page, app.baseUrl, member.email, member.password, '/dashboard');
  if (language === 'fr') await opened.page.getByLabel('Language').selectOption('fr');
  await opened.page.goto(`${app.baseUrl}/votes/${proposalId}`);
  await opened.page.getByRole('heading', { name: title, level: 1 }).waitFor();
  return opened;
}

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  const steward = await createStewardAndLogin(app);
  stewardId = steward.id;
  const researcher = await registerAndLogin(app, {
    role: 'researcher',
    name: 'Rita Researcher',
    organisation: 'Institute of Public Health',
  });
  researcherEmail = researcher.email;
  const verified = await app.request('POST', `/api/steward/researchers/${researcher.id}/verify`, {
    token: steward.accessToken,
    body: {
      organisation: 'Institute of Public Health',
      nonProfit: true,
      evidence: { method: 'institutional_directory', note: 'Listed in the staff directory' },
    },
  });
  expect(verified.status, verified.text).toBe(200);
  sharing = await registerAndLogin(app, { name: 'Sharing Member' });
  notSharing = await registerAndLogin(app, { name: 'Private Member' });
  const consent = await app.request('PUT', '/api/me/consent', {
    token: sharing.accessToken,
    body: { categories: { 'heart-rate': 'aggregate' } },
  });
  expect(consent.status, consent.text).toBe(200);
  const draft = await app.request('POST', '/api/proposals', {
    token: steward.accessToken,
    body: {
      kind: 'access-policy',
      title,
      summary: 'Understand how night shifts change resting heart rate and sleep.',
      policy: buildAccessPolicy(app.clock.now(), {
        grantee: researcher.id,
        purpose: 'Understand how night shifts change resting heart rate and sleep.',
        duo: { permission: 'HMB', modifiers: ['NPUNCU', 'IRB'] },
        ethicsApproval: 'KEK-BE 2026-0042',
        categories: ['heart-rate', 'sleep-duration'],
        statistics: ['mean', 'quantiles'],
        groupBy: ['sex', 'ageBand'],
        period: { from: '2025-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' },
        validUntil: '2028-12-31T00:00:00.000Z',
      }),
    },
  });
  expect(draft.status, draft.text).toBe(201);
  proposalId = draft.body.id;
  app.clock.advance(1000); // members must have joined strictly before the opening
  const opened = await app.request('POST', `/api/proposals/${proposalId}/open`, {
    token: steward.accessToken,
    body: { closesAt: new Date(app.clock.now().getTime() + 170 * HOUR).toISOString() },
  });
  expect(opened.status, opened.text).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the proposal as a research card', { timeout: 120_000 }, () => {
  it('tells a member who shares heart rate that their data would be included, in English', async () => {
    const { page, problems, context } = await openProposal(sharing);
    const meaning = page.getByTestId('consent-meaning');
    await meaning.waitFor();
    await expect.poll(() => meaning.textContent()).toContain('Heart rate: your data would be included.');
    expect(await meaning.textContent()).toContain(
      'Sleep duration: your data would not be included, because your consent for sleep duration is “not shared”.',
    );
    const text = await deepText(page, 'coop-proposal-page');
    expect(text).toContain('Rita Researcher, Institute of Public Health');
    expect(text).toContain('Verified by a steward');
    expect(text).toContain('Non-profit organisation');
    expect(text).toContain('Understand how night shifts change resting heart rate and sleep.');
    expect(text).toContain('Measurements taken in the period 1 Jan 2025 – 31 Dec 2026');
    expect(text).toContain('health, medical or biomedical research');
    expect(text).toContain('not-for-profit, non-commercial use only');
    expect(text).toContain('The researcher must show the approval of an ethics committee.');
    expect(text).toContain('Groups of fewer than 11 members are never shown.');
    expect(text).toContain('A privacy budget of ε = 1 for the whole access');
    expect(text).toContain('Answers may be grouped by sex and age band.');
    expect(text).toContain('Yes: the cooperative creates this access policy');
    expect(text).toContain('No: no access is created');
    expect(text).toContain('at least 1 member in 10 must vote');
    expect(text).toContain('1 more ballot needed for the quorum');
    // The developer's view is gone from sight: no raw codes in prose, no UUIDs, no e-mail.
    expect(text).not.toMatch(/permission: HMB|modifiers:|epsilonBudget|minCellSize|from: |to: /);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(text).not.toContain(researcherEmail);
    // … and behind the disclosure for whoever wants it.
    const technical = page.getByTestId('technical');
    await technical.getByText('Technical details').click();
    expect(await technical.textContent()).toContain('"epsilonBudget": 1');
    await technical.getByText('Technical details').click();
    expect(await page.getByText('Open for voting').count()).toBe(1);
    expect(await allAxeViolations(page)).toEqual([]);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshots(page, 'proposal-card-open');
    await meaning.scrollIntoViewIfNeeded();
    await screenshots(page, 'proposal-card-consent');
    await page.getByTestId('duo-permission').scrollIntoViewIfNeeded();
    await screenshots(page, 'proposal-card-protections');

    // "All proposals" on /votes includes the open one, with its status in words.
    await page.getByRole('link', { name: /All votes/ }).click();
    await page.getByRole('heading', { name: 'All proposals' }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(title) });
    await row.waitFor();
    expect(await row.textContent()).toContain('Open for voting');
    expect(await allAxeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('tells a member without consent why their data would not be included, in French, with no English left', async () => {
    const { page, problems, context } = await openProposal(notSharing, 'fr');
    const meaning = page.getByTestId('consent-meaning');
    await meaning.waitFor();
    await expect
      .poll(() => meaning.textContent())
      .toContain(
        `Fréquence cardiaque${NNBSP}: vos données ne seraient pas incluses, car votre consentement pour «${NNBSP}fréquence cardiaque${NNBSP}» est «${NNBSP}non partagé${NNBSP}».`,
      );
    const text = await deepText(page, 'coop-proposal-page');
    expect(text).not.toContain('seraient incluses.');
    expect(text).toContain('Vérifié par un intendant');
    expect(text).toContain('recherche en santé, médicale ou biomédicale');
    expect(text).toContain('Les groupes de moins de 11 membres ne sont jamais montrés.');
    expect(text).toContain('au moins 1 membre sur 10 doit voter');
    expect(text).toContain('0 sur 2 membres');
    expect(text).toContain('Encore 1 bulletin pour atteindre le quorum');
    expect(text).toContain(`Oui${NNBSP}: la coopérative crée cette politique d’accès`);
    expect(text).not.toContain('(s)');
    const leftovers = englishPhrases().filter((phrase) => text.includes(phrase));
    expect(leftovers).toEqual([]);
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'proposal-card-open-fr');
    await meaning.scrollIntoViewIfNeeded();
    await screenshots(page, 'proposal-card-consent-fr');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('reads closed, rejected with its reason, after the count, in both languages', async () => {
    app.clock.advance(170 * HOUR + FINALISATION_GRACE_MS + HOUR);
    const { page, problems, context } = await openProposal(sharing);
    await page.getByRole('heading', { name: 'Result' }).waitFor();
    await expect
      .poll(() => page.getByTestId('proposal-status').textContent())
      .toContain('Closed: rejected — not enough members voted');
    // What consent would have meant is moot once counted: the card no longer speaks of it.
    expect(await page.getByTestId('consent-meaning').count()).toBe(0);
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'proposal-card-closed');
    await page.getByLabel('Language').selectOption('fr');
    await expect.poll(() => page.getByTestId('proposal-status').textContent()).toContain(`Clos${NNBSP}: rejetée —`);
    const text = await deepText(page, 'coop-proposal-page');
    expect(englishPhrases().filter((phrase) => text.includes(phrase))).toEqual([]);
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'proposal-card-closed-fr');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('reads the other kinds of proposal in words too: ending an access, changing the bylaws', async () => {
    const { policyId } = await seedEnactedPolicy(app);
    const drafts = [
      { kind: 'revoke-policy', title: 'End the sleep study', summary: 'Members asked.', targetPolicyId: policyId },
      {
        kind: 'amend-bylaws',
        title: 'Remind a day earlier',
        summary: 'Reminders a day before the deadline.',
        amendment: { reminderLeadHours: 24 },
      },
    ];
    const ids: string[] = [];
    // The clock moved past the first vote: a token issued now, not the one from sign-up.
    const stewardToken = await issueAccessToken(app, stewardId, 'steward', app.clock.now());
    for (const body of drafts) {
      const drafted = await app.request('POST', '/api/proposals', { token: stewardToken, body });
      expect(drafted.status, drafted.text).toBe(201);
      const announced = await app.request('POST', `/api/proposals/${drafted.body.id}/announce`, {
        token: stewardToken,
      });
      expect(announced.status, announced.text).toBe(200);
      ids.push(drafted.body.id);
    }
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, sharing.email, sharing.password, '/dashboard');
    await page.goto(`${app.baseUrl}/votes/${ids[0]}`);
    await page.getByRole('heading', { name: 'End the sleep study', level: 1 }).waitFor();
    await expect
      .poll(() => page.getByTestId('revoke-target').textContent())
      .toMatch(/The access that would end: “Seeded sleep study”, approved on \d+ \w+ \d{4}\./);
    expect(await page.getByTestId('proposal-status').textContent()).toContain('Under discussion');
    expect(await page.getByTestId('vote-meaning').textContent()).toContain('Yes: the research access ends at once');
    expect(await page.getByTestId('consent-meaning').count()).toBe(0);
    expect(await allAxeViolations(page)).toEqual([]);
    await page.goto(`${app.baseUrl}/votes/${ids[1]}`);
    await page.getByRole('heading', { name: 'Remind a day earlier', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('amendment').textContent()).toContain('reminderLeadHours becomes 24');
    expect(await page.getByTestId('vote-meaning').textContent()).toContain('No: the bylaws stay as they are.');
    await page.getByLabel('Language').selectOption('fr');
    await expect.poll(() => page.getByTestId('amendment').textContent()).toContain('reminderLeadHours devient 24');
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'proposal-card-amendment-fr');
    expect(problems).toEqual([]);
    await context.close();
  });
});
