// The gate's walk: a realistic cooperative (members with data and one without, a steward, a researcher with an
// approved policy and a query result, a closed and an open vote) and every page and state each role sees, so
// gate.test.ts can look at each in English and French, at desktop and phone sizes.
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { generateObservations } from '../../fixtures/demo-observations.js';
import {
  buildAccessPolicy,
  createStewardAndLogin,
  issueAccessToken,
  login,
  registerAndLogin,
  type BuiltAccount,
} from '../helpers/builders.js';
import type { TestApp } from '../helpers/test-app.js';
import { carryPolicy, seedMembers } from '../integration/research-fixture.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Texts the walk itself seeds (in English): a French page may show them, they are not the app's strings. */
export const SEEDED_TEXTS = [
  'Heart rate and sleep of shift workers',
  'The Institute of Public Health asks for averages of heart rate and sleep, by age group, for two years.',
  'Understand how night shifts change resting heart rate and sleep.',
  'Resting heart rate by sex',
  'Resting heart rate by sex, for public-health research.',
  'Maya Member',
  'Elena Empty',
  'Rita Researcher',
  'University of Bern',
  'Test Steward',
  'Other Member',
];

export interface Cooperative {
  steward: BuiltAccount;
  member: BuiltAccount;
  empty: BuiltAccount;
  researcher: BuiltAccount;
  openProposalId: string;
  closedProposalId: string;
}

/** Seeds the cooperative through the existing builders and the real API. */
export async function seedCooperative(app: TestApp): Promise<Cooperative> {
  const steward = await createStewardAndLogin(app);
  // 30 consenting members with heart rates: the researcher's cohort and the assembly that approves the request.
  const cohort = await seedMembers(app, 30, {
    profile: (i) => ({ sex: i % 2 === 0 ? 'female' : 'male', birthYear: 1960 + i }),
  });
  const researcher = await registerAndLogin(app, {
    role: 'researcher',
    name: 'Rita Researcher',
    organisation: 'University of Bern',
  });
  const verified = await app.request('POST', `/api/steward/researchers/${researcher.id}/verify`, {
    token: steward.accessToken,
    body: {
      organisation: 'University of Bern',
      nonProfit: true,
      evidence: { method: 'institutional_directory', note: 'Listed on the university staff page' },
    },
  });
  expect(verified.status, verified.text).toBe(200);
  // The closed vote: the researcher's request carried through the assembly (approved), the clock moved past its count.
  const closed = await carryPolicy(
    app,
    steward.id,
    { token: () => issueAccessToken(app, researcher.id, 'researcher', app.clock.now()) },
    cohort,
    { title: SEEDED_TEXTS[3], purpose: SEEDED_TEXTS[4], statistics: ['count', 'mean'], epsilon: 3 },
  );
  expect(closed.policyId).toBeTruthy();
  // Tokens issued before the clock moved are too old now: sign the steward in again.
  Object.assign(steward, await login(app, steward.email, steward.password));
  researcher.accessToken = (await login(app, researcher.email, researcher.password)).accessToken;
  const member = await registerAndLogin(app, { name: 'Maya Member' });
  const now = app.clock.now();
  await app.services.vault.storeObservations(
    member.id,
    generateObservations({ seed: 'gate-member' }, { from: new Date(now.getTime() - 120 * DAY), to: now }),
  );
  const empty = await registerAndLogin(app, { name: 'Elena Empty' });
  // The open vote, with one ballot already cast by another member.
  const other = await registerAndLogin(app, { name: 'Other Member' });
  const draft = await app.request('POST', '/api/proposals', {
    token: steward.accessToken,
    body: {
      kind: 'access-policy',
      title: SEEDED_TEXTS[0],
      summary: SEEDED_TEXTS[1],
      policy: buildAccessPolicy(app.clock.now(), {
        purpose: SEEDED_TEXTS[2],
        categories: ['heart-rate', 'sleep-duration'],
        statistics: ['mean', 'quantiles'],
        groupBy: ['ageBand'],
        validUntil: '2028-12-31T00:00:00.000Z',
      }),
    },
  });
  expect(draft.status, draft.text).toBe(201);
  app.clock.advance(1000); // members must have joined strictly before the opening
  const opened = await app.request('POST', `/api/proposals/${draft.body.id}/open`, {
    token: steward.accessToken,
    body: { closesAt: new Date(app.clock.now().getTime() + 170 * HOUR).toISOString() },
  });
  expect(opened.status, opened.text).toBe(200);
  const ballot = await app.request('POST', `/api/proposals/${draft.body.id}/ballots`, {
    token: other.accessToken,
    body: { choice: 'no', secret: randomBytes(32).toString('hex') },
  });
  expect(ballot.status, ballot.text).toBe(200);
  return {
    steward,
    member,
    empty,
    researcher,
    openProposalId: draft.body.id as string,
    closedProposalId: closed.proposalId,
  };
}

export type WalkRole = 'public' | 'member' | 'empty' | 'steward' | 'researcher';

export interface WalkStep {
  /** The page and state, also the screenshot's name (gate-<name>-<size>.png). */
  name: string;
  role: WalkRole;
  path: (coop: Cooperative) => string;
  /** Brings the page into its state after it loaded (e.g. a refused upload, a query run). Language-neutral. */
  act?: (page: Page) => Promise<void>;
}

/** Every page and state per role. */
export const WALK: readonly WalkStep[] = [
  { name: 'login', role: 'public', path: () => '/login' },
  { name: 'join', role: 'public', path: () => '/join' },
  { name: 'record', role: 'public', path: () => '/record' },
  { name: 'forgot-password', role: 'public', path: () => '/forgot-password' },
  { name: 'not-found', role: 'public', path: () => '/no-such-page' },
  { name: 'dashboard', role: 'member', path: () => '/dashboard' },
  { name: 'dashboard-empty', role: 'empty', path: () => '/dashboard' },
  { name: 'votes', role: 'member', path: () => '/votes' },
  { name: 'proposal-open', role: 'member', path: (c) => `/votes/${c.openProposalId}` },
  { name: 'proposal-closed', role: 'member', path: (c) => `/votes/${c.closedProposalId}` },
  { name: 'data', role: 'member', path: () => '/data' },
  {
    name: 'data-refused-upload',
    role: 'member',
    path: () => '/data',
    act: async (page) => {
      await page.locator('#file').setInputFiles('fixtures/uploads/invalid-observations.csv');
      await page.locator('coop-data-page form button[type="submit"]').first().click();
      await page.locator('coop-row-errors tbody tr').first().waitFor({ timeout: 30_000 });
    },
  },
  { name: 'privacy', role: 'member', path: () => '/privacy' },
  { name: 'connect', role: 'member', path: () => '/connect' },
  { name: 'account', role: 'member', path: () => '/account' },
  { name: 'steward', role: 'steward', path: () => '/steward' },
  { name: 'steward-account', role: 'steward', path: () => '/account' },
  { name: 'research', role: 'researcher', path: () => '/research' },
  {
    name: 'research-query-result',
    role: 'researcher',
    path: () => '/research',
    act: async (page) => {
      await page.locator('coop-query-form select').first().waitFor({ timeout: 30_000 });
      await page.locator('coop-query-form button[type="submit"]').first().click();
      await page.locator('coop-query-result table').first().waitFor({ timeout: 30_000 });
    },
  },
];

/** The account a role signs in with (undefined for the public pages). */
export function accountOf(coop: Cooperative, role: WalkRole): BuiltAccount | undefined {
  return role === 'public' ? undefined : role === 'empty' ? coop.empty : coop[role];
}

/** The first page of a role after signing in. */
export function landingOf(role: WalkRole): string {
  return role === 'steward' ? '/steward' : role === 'researcher' ? '/research' : '/dashboard';
}
