// Research in real Chromium: a researcher files a request, a steward turns it into a proposal (with its impact
// preview) and opens the vote, the assembly approves it, the researcher queries (released and suppressed
// cells, budget, CSV); a member sets consent, reads the access log, leaves the study and compares with the cohort.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINALISATION_GRACE_MS } from '../../services/assembly/index.js';
import {
  createStewardAndLogin,
  issueAccessToken,
  registerAndLogin,
  type BuiltAccount,
  type InsertedMember,
} from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { seedMembers } from '../integration/research-fixture.js';
import { allAxeViolations, launchBrowser, openPage, screenshots, seriousAxeViolations, signIn } from './browser.js';

const HOUR = 3_600_000;
const title = 'Resting heart rate by sex';
let app: TestApp;
let browser: Browser;
let steward: BuiltAccount;
let researcher: BuiltAccount;
let members: InsertedMember[];
let policyId: string;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  steward = await createStewardAndLogin(app);
  // 80 consenting members (40 female, 40 male): a cell is released when its *noisy* count reaches 11, so the whole
  // cohort is released except about 5 runs in 10,000 at ε 0.1; the two empty sex cells are suppressed with
  // probability 0.83 each.
  members = await seedMembers(app, 80, {
    profile: (i) => ({ sex: i % 2 === 0 ? 'female' : 'male', birthYear: 1970 + i }),
  });
  researcher = await registerAndLogin(app, {
    role: 'researcher',
    name: 'Rita Researcher',
    organisation: 'University of Bern',
  });
  const verified = await app.request('POST', `/api/steward/researchers/${researcher.id}/verify`, {
    token: steward.accessToken,
    body: {
      organisation: 'University of Bern',
      nonProfit: true,
      evidence: { method: 'institutional_directory', note: 'Listed in the staff directory' },
    },
  });
  expect(verified.status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('research in the browser', { timeout: 150_000 }, () => {
  it('files a request, which a steward turns into a proposal with its impact preview and opens', async () => {
    const researcherPage = await openPage(browser);
    const page = researcherPage.page;
    await signIn(page, app.baseUrl, researcher.email, researcher.password, '/research');
    await page.getByText('No policy of yours is active yet').waitFor();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Purpose (what you want to learn and why)').fill('How resting heart rate differs by sex.');
    // The DUO use in words: a radio per permission, a checkbox per condition, each with its explanation.
    const use = page.getByRole('group', { name: 'Permitted use' });
    expect(await use.getByRole('radio', { name: /health, medical or biomedical research/ }).isChecked()).toBe(true);
    expect(await use.getByRole('radio').count()).toBe(5);
    await page
      .getByRole('group', { name: 'Conditions your study accepts' })
      .getByRole('checkbox', { name: /not-for-profit, non-commercial use only/ })
      .check();
    expect(await page.getByRole('textbox', { name: /DUO|modifier/i }).count()).toBe(0);
    await page.getByRole('group', { name: 'Which data' }).getByLabel('Heart rate').check();
    await page.getByRole('group', { name: 'Statistics' }).getByLabel('Count').check();
    await page.getByRole('group', { name: 'Statistics' }).getByLabel('Mean').check();
    await page.getByRole('group', { name: 'Grouped by' }).getByLabel('Sex').check();
    await page.getByRole('button', { name: 'File the request' }).click();
    await page.getByText('Your request is filed.').waitFor();
    await page.getByRole('cell', { name: 'Waiting for a steward' }).waitFor();
    expect(await allAxeViolations(page)).toEqual([]);
    await use.scrollIntoViewIfNeeded();
    await screenshots(page, 'researcher-request-form');
    const filed = await app.request('GET', '/api/research/requests', {
      token: await issueAccessToken(app, researcher.id, 'researcher', app.clock.now()),
    });
    expect(filed.status, filed.text).toBe(200);
    expect(filed.body.requests[0].request.duo).toEqual({ permission: 'HMB', modifiers: ['NPUNCU'] });
    // In French, the same form in words, with no code standing alone.
    await page.getByLabel('Language').selectOption('fr');
    await page
      .getByRole('group', { name: 'Usage permis' })
      .getByRole('radio', { name: /recherche en santé, médicale ou biomédicale/ })
      .waitFor();
    await page.getByRole('cell', { name: 'En attente d’un intendant' }).waitFor();
    // The message of the filing follows the language too.
    await page.getByText('Votre demande est déposée', { exact: false }).waitFor();
    expect(await allAxeViolations(page)).toEqual([]);
    await page.getByRole('group', { name: 'Usage permis' }).scrollIntoViewIfNeeded();
    await screenshots(page, 'researcher-request-form-fr');
    await page.getByLabel('Langue').selectOption('en');
    expect(researcherPage.problems).toEqual([]);
    await researcherPage.context.close();

    const stewardPage = await openPage(browser);
    await signIn(stewardPage.page, app.baseUrl, steward.email, steward.password, '/steward');
    await stewardPage.page.getByRole('button', { name: `Turn "${title}" into a proposal` }).click();
    await stewardPage.page.getByTestId('impact').waitFor();
    expect(await stewardPage.page.getByTestId('impact').textContent()).toContain('Heart rate: 80 to 89 members');
    await stewardPage.page.getByRole('button', { name: `Open the vote on ${title}` }).click();
    await stewardPage.page.getByText(`The vote on "${title}" is open.`).waitFor();
    expect(await seriousAxeViolations(stewardPage.page)).toEqual([]);
    expect(stewardPage.problems).toEqual([]);
    await stewardPage.context.close();

    const open = await app.request('GET', '/api/proposals?status=open', { token: steward.accessToken });
    const proposal = open.body.proposals.find((p: { title: string }) => p.title === title);
    for (const member of members) {
      const ballot = await app.request('POST', `/api/proposals/${proposal.id}/ballots`, {
        token: await issueAccessToken(app, member.id, 'member', app.clock.now()),
        body: { choice: 'yes', secret: randomBytes(32).toString('hex') },
      });
      expect(ballot.status, ballot.text).toBe(200);
    }
    // While the assembly votes, the researcher reads "being voted on", not "approved".
    const during = await openPage(browser);
    await signIn(during.page, app.baseUrl, researcher.email, researcher.password, '/research');
    await during.page.getByRole('cell', { name: 'Being voted on by the assembly' }).waitFor();
    expect(await during.page.getByRole('cell', { name: /Approved/ }).count()).toBe(0);
    expect(await allAxeViolations(during.page)).toEqual([]);
    await during.context.close();
    app.clock.advance(new Date(proposal.closesAt).getTime() - app.clock.now().getTime() + FINALISATION_GRACE_MS + HOUR);
  });

  it('queries the approved policy: released and suppressed cells, the budget, a chart, a table and a CSV', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, researcher.email, researcher.password, '/research');
    await page.getByRole('cell', { name: 'Approved by the assembly: the access policy is in force' }).waitFor();
    const policies = await app.request('GET', '/api/policies', {
      token: await issueAccessToken(app, researcher.id, 'researcher', app.clock.now()),
    });
    policyId = policies.body.policies[0].id;

    await page.getByLabel('Statistic').selectOption('count');
    // The ε is chosen before running: a tenth of the budget is offered, with what it buys in words.
    const epsilon = page.getByLabel('ε to spend on this query');
    expect(await epsilon.inputValue()).toBe('0.1');
    const hint = page.getByTestId('epsilon-hint');
    expect(await hint.textContent()).toContain('each released count is within 30 members of the true count');
    expect(await hint.textContent()).toContain('ε 0.9 would be left after it: enough for 9 more queries');
    await epsilon.fill('0.3');
    await expect.poll(() => hint.textContent()).toContain('within 10 members');
    await expect.poll(() => hint.textContent()).toContain('enough for 2 more queries');
    // More than is left: the browser's own range check keeps the query from being sent.
    await epsilon.fill('1.5');
    await expect.poll(() => hint.textContent()).toContain('Choose an ε from 0.001 to 1');
    await page.getByRole('button', { name: 'Run the query' }).click();
    expect(await epsilon.evaluate((input: HTMLInputElement) => input.validity.rangeOverflow)).toBe(true);
    expect(await page.getByTestId('budget').count()).toBe(0);
    await epsilon.fill('0.05');
    await page.getByRole('button', { name: 'Run the query' }).click();
    await page.getByTestId('budget').waitFor();
    expect((await page.getByTestId('budget').textContent())?.trim()).toBe('This answer spent ε 0.05; ε 0.95 is left.');
    const all = page.getByRole('row', { name: /All consenting members/ });
    expect(await all.count()).toBe(1);
    expect(await page.locator('coop-query-result coop-chart').count()).toBe(1);
    // The value axis says what is counted: members, each once.
    expect(await page.locator('coop-query-result coop-chart canvas').getAttribute('aria-label')).toMatch(
      /^Heart rate — Count \(Members \(noisy count\)\): All consenting members \d+$/,
    );
    // The remaining budget is re-read after the answer: the typed ε stays, the sentence follows.
    await expect.poll(() => hint.textContent()).toContain('ε 0.9 would be left after it: enough for 18 more queries');
    await epsilon.fill('0.1');
    expect(await allAxeViolations(page)).toEqual([]);
    await screenshots(page, 'researcher-query');

    await page.locator('coop-query-form').getByLabel('Sex').check();
    // Release is decided on noisy counts (40, 40, 0, 0 members at ε 0.1, τ 11): an empty cell is suppressed with
    // probability 0.83, so an answer shows at least one suppressed cell 97 times in 100; asking up to four times
    // (each pays its ε) makes a run without one about 1 in a million.
    let suppressed = 0;
    for (let attempt = 0; attempt < 4 && suppressed === 0; attempt++) {
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/research/queries') && r.status() === 200);
      await page.getByRole('button', { name: 'Run the query' }).click();
      await answered;
      await page.getByRole('row', { name: /Sex: female/ }).waitFor();
      suppressed = await page.getByText('suppressed (noisy count below 11)').count();
    }
    expect(suppressed).toBeGreaterThanOrEqual(1);
    // A suppressed group is on the chart's axis, marked, and named under the chart.
    const notInChart = await page.getByTestId('not-in-chart').textContent();
    expect(notInChart).toMatch(
      /^\s*Not in the chart \(suppressed, noisy count below 11\): Sex: (other|not given|unknown)/,
    );
    expect(await page.locator('coop-query-result coop-chart canvas').getAttribute('aria-label')).toMatch(
      /Sex: (other|not given|unknown) suppressed/,
    );
    expect(await page.getByTestId('delta').textContent()).toContain('δ spent: 0');
    expect(await allAxeViolations(page)).toEqual([]);
    await page.getByTestId('not-in-chart').scrollIntoViewIfNeeded();
    await screenshots(page, 'researcher-query-suppressed');
    await page.getByLabel('Language').selectOption('fr');
    await page.getByText('Absents du graphique (supprimés, effectif bruité sous 11', { exact: false }).waitFor();
    await page.getByText('chaque effectif publié est exact à 30 membres près', { exact: false }).waitFor();
    // The drawn chart's axis titles follow the language too (chart.js keeps them in its options, not in the DOM).
    const titles = await page.locator('coop-query-result coop-chart').evaluate((element) => {
      const scales = (
        element as unknown as { chart: { options: { scales: Record<string, { title: { text: string } }> } } }
      ).chart.options.scales;
      return [scales['x']!.title.text, scales['y']!.title.text];
    });
    expect(titles).toEqual(['Groupe', 'Membres (effectif bruité)']);
    expect(await allAxeViolations(page)).toEqual([]);
    await page.getByTestId('not-in-chart').scrollIntoViewIfNeeded();
    await screenshots(page, 'researcher-query-suppressed-fr');
    await page.getByLabel('Langue').selectOption('en');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download as CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    // Heart rate has no component and a count no detail: those columns, empty in every row, are left out.
    expect(csv.split('\n')[0]).toBe('group,suppressed,value,interval95_low,interval95_high,noise_scale');
    expect(csv).toMatch(/\nSex: other,(true|false)/);
    const widths = new Set(
      csv
        .trimEnd()
        .split('\n')
        .map((line) => line.split(',').length),
    );
    expect(widths).toEqual(new Set([6]));
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a member their consent, the access log, lets them leave the study and compares them', async () => {
    const member = members[0]!;
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, 'correct horse battery staple', '/dashboard');
    await page.getByRole('link', { name: 'Privacy' }).click();
    await page.getByRole('heading', { name: 'Who used your data' }).waitFor();
    await page.getByRole('cell', { name: title }).first().waitFor();
    expect(
      await page
        .getByRole('group', { name: /^Heart rate/ })
        .getByRole('radio', { name: 'In statistics only' })
        .isChecked(),
    ).toBe(true);
    // What a researcher receives under "pseudonymised records", in the member's words.
    await expect
      .poll(() => page.getByTestId('pseudonymised-explained').textContent())
      .toMatch(/exact value rounded.*no noise is added.*different in every study/);
    await page.getByRole('heading', { name: 'What the privacy guarantee means for you' }).waitFor();
    // The study's budget ε 1: any conclusion at most e ≈ 2.72 times more or less likely with the member's data.
    expect(await page.getByTestId('guarantee').textContent()).toMatch(
      /Guarantee: ε 1 for the whole study.*2\.72 times/,
    );

    await page
      .getByRole('group', { name: /^Body weight/ })
      .getByRole('radio', { name: 'In statistics and pseudonymised records' })
      .check();
    await page.getByLabel('are not commercial').check();
    await page.getByRole('button', { name: 'Save my consent' }).click();
    await page.getByText('Your consent is saved.').waitFor();
    await page
      .getByTestId('consent-history')
      .getByRole('listitem')
      .filter({ hasText: 'Body weight: Not at all → In statistics and pseudonymised records' })
      .waitFor();

    await page.getByRole('button', { name: `Leave the study "${title}"` }).click();
    await page.getByText(`You left "${title}".`).waitFor();
    const consent = await app.request('GET', '/api/me/consent', {
      token: await issueAccessToken(app, member.id, 'member', app.clock.now()),
    });
    expect(consent.body.consent.optedOutPolicies).toEqual([policyId]);
    expect(consent.body.consent.categories).toEqual({ 'heart-rate': 'aggregate', 'body-weight': 'pseudonymised' });
    // The privacy page is not part of this work: serious and critical violations only, as before.
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'member-privacy');

    const insight = await app.request('GET', '/api/me/insights?category=heart-rate', {
      token: await issueAccessToken(app, member.id, 'member', app.clock.now()),
    });
    expect(insight.status).toBe(200);
    await page.getByRole('link', { name: 'My data' }).click();
    await page
      .getByText(/How you compare/)
      .first()
      .waitFor();
    // What the comparison cost, from the cooperative's yearly ε for the category (the founding default: ε 1); or,
    // when the noisy count fell below the minimum (about 3 runs in 100 with 80 members at ε 1/24 for the count),
    // the one note above the charts names the metric.
    if (insight.body.suppressed) {
      await page.getByText('No comparison yet for Heart rate: too few members share it.').waitFor();
    } else {
      await page
        .getByText(/This comparison used ε 0\.083 of the cooperative’s 1 for Heart rate/)
        .first()
        .waitFor();
      expect(await page.getByTestId('cohort-size').textContent()).toContain(
        `Compared with about ${insight.body.cohort.members} members who share Heart rate`,
      );
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
