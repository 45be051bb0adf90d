// The ballot receipt leaves the browser: a member downloads it as a small text file (the proposal, the receipt, where
// and how to check it; never the secret), and after the count anyone checks it on the public record without signing
// in ("counted" or "not found"), in English and French, the receipt never sent to the service.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAccessPolicy, createStewardAndLogin, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { launchBrowser, openPage, screenshots, signIn } from './browser.js';

const axeSource = await readFile(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

/**
 * Every axe-core violation of any impact (the issue asks for 0, not only 0 serious), outside the app shell's skip
 * link: the shell and its landmarks are another change's (issue 14 item 9).
 */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    type Run = (context: object) => Promise<{ violations: unknown[] }>;
    const axe = (window as unknown as { axe: { run: Run } }).axe;
    return (await axe.run({ include: [['body']], exclude: [[['coop-app', '.skip']]] })).violations;
  })) as { id: string; impact: string | null; nodes: { target: unknown[] }[] }[];
  return violations.map((v) => `${v.impact} ${v.id} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

const HOUR = 3_600_000;
const title = 'Sleep duration of night nurses';
let app: TestApp;
let browser: Browser;
let member: BuiltAccount;
let proposalId: string;
let receipt: string;

beforeAll(async () => {
  app = await createTestApp();
  browser = await launchBrowser();
  const steward = await createStewardAndLogin(app);
  member = await registerAndLogin(app, { name: 'Receipt Keeper' });
  const other = await registerAndLogin(app, { name: 'Other Member' });
  const draft = await app.request('POST', '/api/proposals', {
    token: steward.accessToken,
    body: {
      kind: 'access-policy',
      title,
      summary: 'A nursing school asks for the average sleep duration of members, by age group, for a year.',
      policy: buildAccessPolicy(app.clock.now(), {
        purpose: 'Understand how night shifts shorten sleep.',
        categories: ['sleep-duration'],
        statistics: ['mean'],
        groupBy: ['ageBand'],
        validUntil: '2028-12-31T00:00:00.000Z',
      }),
    },
  });
  expect(draft.status).toBe(201);
  proposalId = draft.body.id;
  app.clock.advance(1000); // members must have joined strictly before the opening
  const opened = await app.request('POST', `/api/proposals/${proposalId}/open`, {
    token: steward.accessToken,
    body: { closesAt: new Date(app.clock.now().getTime() + 170 * HOUR).toISOString() },
  });
  expect(opened.status).toBe(200);
  const ballot = await app.request('POST', `/api/proposals/${proposalId}/ballots`, {
    token: other.accessToken,
    body: { choice: 'yes', secret: randomBytes(32).toString('hex') },
  });
  expect(ballot.status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the ballot receipt in the browser', { timeout: 180_000 }, () => {
  it('downloads as a text file that says how to check it and holds no secret', async () => {
    const { page, problems, context } = await openPage(browser);
    await signIn(page, app.baseUrl, member.email, member.password, '/dashboard');
    await page.goto(`${app.baseUrl}/votes/${proposalId}`);
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    // While open: turnout with progress towards the quorum (1 in 10 of 2 members: one ballot is enough).
    await page.getByText('Turnout so far').waitFor();
    expect(await page.getByRole('progressbar', { name: 'Progress towards the quorum' }).count()).toBe(1);
    expect(await page.getByTestId('quorum-progress').textContent()).toContain('The quorum is reached.');
    await page.getByLabel('No', { exact: true }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Confirm my vote' }).click();
    await page.getByText('Your vote (No) is recorded.').waitFor();
    receipt = (await page.getByTestId('receipt').textContent())!.trim();
    expect(receipt).toMatch(/^[0-9a-f]{64}$/);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the receipt (text file)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`datacoop-receipt-${proposalId.slice(0, 8)}.txt`);
    const text = await readFile((await download.path())!, 'utf8');
    expect(text).toContain(`Proposal: ${title}`);
    expect(text).toContain(`Proposal id: ${proposalId}`);
    expect(text).toContain(`Your receipt: ${receipt}`);
    expect(text).toContain(`${app.baseUrl}/record`);
    expect(text).toContain(`${app.baseUrl}/api/public/proposals/${proposalId}`);
    expect(text).toMatch(/^4\. /m);
    // The secret kept in this browser never goes into the file, nor does the choice.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    const secrets = (stored.match(/[0-9a-f]{64}/g) ?? []).filter((hex) => hex !== receipt);
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/\bNo\b/);
    await page.getByText('The receipt file is downloaded.').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'receipt-download');

    // In French, the file is written in French.
    await page.getByLabel('Language').selectOption('fr');
    const [frenchDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Télécharger le reçu (fichier texte)' }).click(),
    ]);
    const french = await readFile((await frenchDownload.path())!, 'utf8');
    expect(french).toContain(`Votre reçu\u202f: ${receipt}`);
    expect(french).toContain('Comment vérifier');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('is checked on the public record without signing in, and the receipt is not sent to the service', async () => {
    expect(receipt).toMatch(/^[0-9a-f]{64}$/);
    app.clock.advance(171 * HOUR); // past the deadline and the counting grace
    const { page, problems, context } = await openPage(browser);
    const sent: string[] = [];
    page.on('request', (request) => sent.push(`${request.url()} ${request.postData() ?? ''}`));
    await page.goto(`${app.baseUrl}/record`);
    const check = page.getByRole('region', { name: 'Check a receipt' });
    await check.getByLabel('Proposal').waitFor();
    expect(await check.getByRole('option').allTextContents()).toEqual([expect.stringContaining(title)]);

    // Not a receipt: said at the field, nothing fetched.
    await check.getByLabel('Receipt (64 characters, 0–9 and a–f)').fill('not a receipt');
    await check.getByRole('button', { name: 'Check' }).click();
    await check.getByText('A receipt is 64 characters').waitFor();
    await expect
      .poll(() => check.getByLabel('Receipt (64 characters, 0–9 and a–f)').getAttribute('aria-invalid'))
      .toBe('true');
    expect(await axeViolations(page)).toEqual([]);

    // The member's receipt, pasted with a line break and in capitals as a mail client might: counted.
    await check
      .getByLabel('Receipt (64 characters, 0–9 and a–f)')
      .fill(`${receipt.slice(0, 32).toUpperCase()}\n${receipt.slice(32)}`);
    await check.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => check.getByTestId('receipt-check').textContent()).toContain('Counted, as: No.');
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'receipt-check-counted');

    // A receipt nobody holds: not found.
    const stranger = randomBytes(32).toString('hex');
    await check.getByLabel('Receipt (64 characters, 0–9 and a–f)').fill(stranger);
    await check.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => check.getByTestId('receipt-check').textContent()).toContain('Not found');
    expect(sent.filter((line) => line.includes(receipt) || line.includes(stranger))).toEqual([]);

    // In French.
    await page.getByLabel('Language').selectOption('fr');
    const verifier = page.getByRole('region', { name: 'Vérifier un reçu' });
    await verifier.getByLabel('Reçu (64 caractères, 0 à 9 et a à f)').fill(receipt);
    await verifier.getByRole('button', { name: 'Vérifier' }).click();
    await expect.poll(() => verifier.getByTestId('receipt-check').textContent()).toContain('Compté, comme\u202f: Non.');
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'receipt-check-fr');
    expect(problems).toEqual([]);
    await context.close();
  });
});
