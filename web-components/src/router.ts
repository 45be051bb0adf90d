// Client-side routes with real URLs (History API): the server answers every such URL with index.html, so a
// reload or a shared link lands on the same page. Pages are loaded on demand (one chunk each).
import type { Role } from '../api/types.js';

export type RouteName =
  | 'login'
  | 'record'
  | 'outbox'
  | 'join'
  | 'dashboard'
  | 'votes'
  | 'proposal'
  | 'data'
  | 'privacy'
  | 'connect'
  | 'account'
  | 'research'
  | 'steward'
  | AccountLinkRoute
  | 'not-found';

/** The public pages behind the links the service mails (and "forgot password" from the sign-in page). */
export type AccountLinkRoute = 'forgot-password' | 'reset-password' | 'verify-email' | 'unlock';

export interface RouteMatch {
  name: RouteName;
  params: Record<string, string>;
}

const table: { pattern: RegExp; name: RouteName; keys: string[] }[] = [
  { pattern: /^\/login\/?$/, name: 'login', keys: [] },
  { pattern: /^\/record\/?$/, name: 'record', keys: [] },
  { pattern: /^\/outbox\/?$/, name: 'outbox', keys: [] },
  { pattern: /^\/join\/?$/, name: 'join', keys: [] },
  { pattern: /^\/dashboard\/?$/, name: 'dashboard', keys: [] },
  { pattern: /^\/votes\/?$/, name: 'votes', keys: [] },
  { pattern: /^\/votes\/([0-9a-fA-F-]{36})\/?$/, name: 'proposal', keys: ['id'] },
  { pattern: /^\/data\/?$/, name: 'data', keys: [] },
  { pattern: /^\/privacy\/?$/, name: 'privacy', keys: [] },
  { pattern: /^\/connect\/?$/, name: 'connect', keys: [] },
  { pattern: /^\/account\/?$/, name: 'account', keys: [] },
  { pattern: /^\/research\/?$/, name: 'research', keys: [] },
  { pattern: /^\/steward\/?$/, name: 'steward', keys: [] },
  { pattern: /^\/forgot-password\/?$/, name: 'forgot-password', keys: [] },
  { pattern: /^\/reset-password\/?$/, name: 'reset-password', keys: [] },
  { pattern: /^\/verify-email\/?$/, name: 'verify-email', keys: [] },
  { pattern: /^\/unlock\/?$/, name: 'unlock', keys: [] },
];

/** Who may open each page ('public': anyone, signed in or not). */
export const routeAccess: Record<RouteName, readonly Role[] | 'public'> = {
  login: 'public',
  record: 'public',
  // Demo mode only: the service answers the outbox routes there alone (the page says so elsewhere).
  outbox: 'public',
  join: 'public',
  dashboard: ['member'],
  votes: ['member'],
  proposal: ['member', 'steward'],
  data: ['member'],
  privacy: ['member'],
  connect: ['member'],
  account: ['member', 'researcher', 'steward'],
  research: ['researcher'],
  steward: ['steward'],
  'forgot-password': 'public',
  'reset-password': 'public',
  'verify-email': 'public',
  unlock: 'public',
  'not-found': 'public',
};

/** Loads the page element of a route (a separate chunk per page). */
export const pageLoaders: Record<RouteName, () => Promise<unknown>> = {
  login: () => import('../pages/coop-login-page/coop-login-page.js'),
  record: () => import('../pages/coop-record-page/coop-record-page.js'),
  outbox: () => import('../pages/coop-outbox-page/coop-outbox-page.js'),
  join: () => import('../pages/coop-join-page/coop-join-page.js'),
  dashboard: () => import('../pages/coop-dashboard-page/coop-dashboard-page.js'),
  votes: () => import('../pages/coop-votes-page/coop-votes-page.js'),
  proposal: () => import('../pages/coop-proposal-page/coop-proposal-page.js'),
  data: () => import('../pages/coop-data-page/coop-data-page.js'),
  privacy: () => import('../pages/coop-privacy-page/coop-privacy-page.js'),
  connect: () => import('../pages/coop-connect-page/coop-connect-page.js'),
  account: () => import('../pages/coop-account-page/coop-account-page.js'),
  research: () => import('../pages/coop-research-page/coop-research-page.js'),
  steward: () => import('../pages/coop-steward-page/coop-steward-page.js'),
  'forgot-password': () => import('../pages/coop-account-link-page/coop-account-link-page.js'),
  'reset-password': () => import('../pages/coop-account-link-page/coop-account-link-page.js'),
  'verify-email': () => import('../pages/coop-account-link-page/coop-account-link-page.js'),
  unlock: () => import('../pages/coop-account-link-page/coop-account-link-page.js'),
  'not-found': async () => undefined,
};

/** The route of a path; unknown paths give 'not-found'. */
export function matchRoute(path: string): RouteMatch {
  for (const route of table) {
    const found = route.pattern.exec(path);
    if (found) {
      const params: Record<string, string> = {};
      route.keys.forEach((key, index) => (params[key] = found[index + 1] ?? ''));
      return { name: route.name, params };
    }
  }
  return { name: 'not-found', params: {} };
}

/** The first page of each role after signing in. */
export function homeOf(role: Role): string {
  return role === 'member' ? '/dashboard' : role === 'steward' ? '/steward' : '/research';
}

/** Moves to a path without reloading; the app shell listens to popstate. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
