// The pages and states the gate tests walk (French text, axe-core at 1280 and 360 px, both languages). One list,
// so a new page is added in one place: give it a name, the role that opens it, its path, and optionally what to
// do on it before the checks (open a disclosure, submit a form…). `ready` is a locator the state must show first.
import type { Page } from 'playwright-core';

export type WalkRole = 'visitor' | 'member' | 'newMember' | 'researcher' | 'steward';

export interface WalkContext {
  proposalId: string;
}

export interface WalkState {
  name: string;
  role: WalkRole;
  path: (context: WalkContext) => string;
  /** A CSS selector (pierces shadow roots) that is visible once the state is ready. */
  ready: string;
  /** Brings the page into the state (after `ready`); must wait for what it changes. */
  act?: (page: Page) => Promise<void>;
}

export const walkStates: readonly WalkState[] = [
  { name: 'login', role: 'visitor', path: () => '/login', ready: 'coop-login-page h1' },
  { name: 'join', role: 'visitor', path: () => '/join', ready: 'coop-join-page h1' },
  { name: 'forgot-password', role: 'visitor', path: () => '/forgot-password', ready: 'coop-account-link-page h1' },
  { name: 'not-found', role: 'visitor', path: () => '/nowhere', ready: 'main h1' },
  { name: 'member-dashboard', role: 'member', path: () => '/dashboard', ready: 'coop-dashboard-page coop-chart' },
  {
    name: 'member-dashboard-tables',
    role: 'member',
    path: () => '/dashboard',
    ready: 'coop-dashboard-page coop-chart',
    act: async (page) => {
      await page.locator('coop-dashboard-page label.tables input').check();
      await page.locator('coop-chart table').first().waitFor();
    },
  },
  { name: 'new-member-dashboard', role: 'newMember', path: () => '/dashboard', ready: 'coop-dashboard-page h2' },
  { name: 'member-votes', role: 'member', path: () => '/votes', ready: 'coop-votes-page h2' },
  {
    name: 'member-proposal',
    role: 'member',
    path: (c) => `/votes/${c.proposalId}`,
    ready: 'coop-proposal-page coop-ballot-form fieldset',
  },
  {
    name: 'member-ballot-hint',
    role: 'member',
    path: (c) => `/votes/${c.proposalId}`,
    ready: 'coop-proposal-page coop-ballot-form fieldset',
    act: async (page) => {
      await page.locator('coop-ballot-form button[type=submit]').click();
      await page.locator('coop-ballot-form [role=alert]').waitFor();
    },
  },
  { name: 'member-data', role: 'member', path: () => '/data', ready: 'coop-data-page h1' },
  {
    name: 'member-upload-refused',
    role: 'member',
    path: () => '/data',
    ready: 'coop-data-page #file',
    act: async (page) => {
      await page.locator('#file').setInputFiles('fixtures/uploads/invalid-observations.csv');
      await page.locator('coop-data-page form:has(#file) button[type=submit]').click();
      await page.locator('coop-row-errors tbody tr').first().waitFor({ timeout: 10_000 });
    },
  },
  { name: 'member-privacy', role: 'member', path: () => '/privacy', ready: 'coop-privacy-page h2' },
  { name: 'member-account', role: 'member', path: () => '/account', ready: 'coop-account-page h2' },
  {
    name: 'member-menu-open',
    role: 'member',
    path: () => '/votes',
    ready: 'coop-votes-page h2',
    act: async (page) => {
      await page.setViewportSize({ width: 360, height: 740 });
      await page.locator('coop-app .menu-button').click();
      await page.locator('coop-app nav ul').waitFor();
    },
  },
  { name: 'researcher-research', role: 'researcher', path: () => '/research', ready: 'coop-research-page h2' },
  { name: 'researcher-account', role: 'researcher', path: () => '/account', ready: 'coop-account-page h2' },
  { name: 'steward-steward', role: 'steward', path: () => '/steward', ready: 'coop-steward-page h2' },
  {
    name: 'steward-proposal',
    role: 'steward',
    path: (c) => `/votes/${c.proposalId}`,
    ready: 'coop-proposal-page h1',
  },
  { name: 'steward-account', role: 'steward', path: () => '/account', ready: 'coop-account-page h2' },
];

/** Strings that are the same in every language (names, units, symbols); never flagged as English left in French. */
export const invariantStrings: ReadonlySet<string> = new Set(['Datacoop', 'Menu', 'E-mail', 'Date', 'Note', 'Total']);
