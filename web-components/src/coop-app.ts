// The app shell: who is signed in, which page shows, the navigation with the pending-votes badge, the
// language switch. It owns the session state; pages own their data.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { fetchMe } from '../api/account.api.js';
import { fetchPendingVotes } from '../api/assembly.api.js';
import { clearSession, hasSession, onSessionEnded, signOut } from '../api/session.js';
import type { Account } from '../api/types.js';
import '../components/coop-language-switch/coop-language-switch.js';
import '../pages/coop-checkpoint-watch/coop-checkpoint-watch.js';
import { LocaleController, setLocale, t, type Locale } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/en.js';
import { homeOf, matchRoute, navigate, pageLoaders, routeAccess, type RouteMatch } from './router.js';
import { sharedStyles } from './shared-styles.js';

const pageTitles: Record<RouteMatch['name'], MessageKey> = {
  login: 'login.title',
  record: 'record.title',
  outbox: 'outbox.title',
  join: 'join.title',
  dashboard: 'dashboard.title',
  votes: 'votes.title',
  proposal: 'proposal.title',
  data: 'data.title',
  privacy: 'privacy.title',
  connect: 'connect.title',
  research: 'research.title',
  account: 'account.title',
  steward: 'steward.title',
  'forgot-password': 'accountLink.forgot-password.title',
  'reset-password': 'accountLink.reset-password.title',
  'verify-email': 'accountLink.verify-email.title',
  unlock: 'accountLink.unlock.title',
  'not-found': 'notFound.title',
};

export class CoopApp extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .skip {
        position: absolute;
        left: -999px;
        top: 0;
        background: var(--coop-surface);
        padding: 0.5rem 1rem;
        z-index: 10;
      }
      .skip:focus {
        left: 0.5rem;
      }
      header {
        background: var(--coop-accent);
        color: var(--coop-accent-ink);
      }
      .bar {
        max-width: 72rem;
        margin: 0 auto;
        padding: 0.5rem 1rem;
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
      }
      .brand {
        font-weight: 700;
        font-size: 1.2rem;
        color: inherit;
        text-decoration: none;
        margin-right: auto;
      }
      .menu-button {
        display: none;
      }
      nav ul {
        list-style: none;
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.75rem;
        margin: 0;
        padding: 0;
      }
      nav a {
        color: inherit;
        display: inline-block;
        padding: 0.5rem 0.25rem;
      }
      nav a[aria-current='page'] {
        font-weight: 700;
        text-decoration-thickness: 3px;
      }
      .badge {
        display: inline-block;
        min-width: 1.5rem;
        padding: 0 0.4rem;
        margin-left: 0.25rem;
        border-radius: 999px;
        background: #ffffff;
        color: #1b1f24;
        font-weight: 700;
        text-align: center;
      }
      .tools {
        display: flex;
        gap: 0.5rem;
        align-items: center;
      }
      header button.secondary {
        min-height: 40px;
      }
      main {
        max-width: 72rem;
        margin: 0 auto;
        padding: 1rem;
      }
      main:focus {
        outline: none;
      }
      /* Below 600 px the links fold behind one "Menu" button, so the bar is one row. */
      @media (max-width: 599px) {
        .brand {
          margin-right: 0;
        }
        .bar {
          justify-content: space-between;
        }
        .menu-button {
          display: inline-block;
          min-height: 40px;
          padding: 0.25rem 0.75rem;
        }
        header {
          position: relative;
        }
        nav:not(.open) ul {
          display: none;
        }
        nav ul {
          position: absolute;
          left: 0;
          right: 0;
          top: 100%;
          z-index: 5;
          flex-direction: column;
          gap: 0;
          padding: 0.25rem 1rem 0.75rem;
          background: var(--coop-accent);
          box-shadow: 0 4px 8px rgb(0 0 0 / 25%);
        }
        .tools {
          gap: 0.25rem;
        }
      }
    `,
  ];

  static override properties = {
    account: { state: true },
    route: { state: true },
    pendingCount: { state: true },
    notice: { state: true },
    menuOpen: { state: true },
  };

  declare private account: Account | null | undefined;
  declare private route: RouteMatch | undefined;
  declare private pendingCount: number | undefined;
  declare private notice: string;
  declare private menuOpen: boolean;
  private readonly locale = new LocaleController(this);
  private stopListening?: () => void;
  private focusAfterRender = false;
  private stopWaitingForHeading: (() => void) | undefined;

  constructor() {
    super();
    this.account = undefined;
    this.route = undefined;
    this.pendingCount = undefined;
    this.notice = '';
    this.menuOpen = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    this.addEventListener('click', this.onClick);
    this.addEventListener('coop-signed-in', this.onSignedIn);
    this.addEventListener('coop-ballot-cast', this.onBallotCast);
    this.addEventListener('coop-account-erased', this.onAccountErased);
    this.addEventListener('coop-account-changed', this.onAccountChanged);
    this.stopListening = onSessionEnded(() => {
      this.account = null;
      void this.resolveRoute();
    });
    void this.start();
  }

  override disconnectedCallback(): void {
    window.removeEventListener('popstate', this.onPopState);
    this.removeEventListener('click', this.onClick);
    this.removeEventListener('coop-signed-in', this.onSignedIn);
    this.removeEventListener('coop-ballot-cast', this.onBallotCast);
    this.removeEventListener('coop-account-erased', this.onAccountErased);
    this.removeEventListener('coop-account-changed', this.onAccountChanged);
    this.stopListening?.();
    super.disconnectedCallback();
  }

  override updated(): void {
    document.title = `${t(pageTitles[this.route?.name ?? 'not-found'])} — Datacoop`;
    if (this.focusAfterRender && this.route) {
      this.focusAfterRender = false;
      void this.focusPageHeading();
    }
  }

  private async start(): Promise<void> {
    this.account = hasSession() ? await fetchMe().catch(() => null) : null;
    await this.resolveRoute();
  }

  /** Decides the page for the current URL: sign-in first, then the role's pages only. */
  private async resolveRoute(): Promise<void> {
    const match = matchRoute(location.pathname);
    const access = routeAccess[match.name];
    if (!this.account && access !== 'public') {
      sessionStorage.setItem('datacoop.next', location.pathname + location.search);
      return navigate('/login', { replace: true });
    }
    if (this.account && (location.pathname === '/' || match.name === 'login')) {
      return navigate(homeOf(this.account.role), { replace: true });
    }
    if (!this.account && location.pathname === '/') return navigate('/login', { replace: true });
    if (this.account && access !== 'public' && !access.includes(this.account.role)) {
      return navigate(homeOf(this.account.role), { replace: true });
    }
    await pageLoaders[match.name]();
    this.menuOpen = false;
    // Only a navigation inside the app moves focus: on a fresh load it stays at the top, so Tab reaches the skip control.
    this.focusAfterRender = this.route !== undefined;
    this.route = match;
    if (this.account?.role === 'member') void this.refreshPendingCount();
  }

  private async refreshPendingCount(): Promise<void> {
    this.pendingCount = (await fetchPendingVotes().catch(() => undefined))?.length;
  }

  /**
   * After a navigation, focus moves to the new page's heading so screen readers announce it. A page that loads its
   * data first (a proposal) renders a placeholder h1, then the real one: for 15 s, unless another navigation comes
   * first, a heading that replaces the focused one takes the focus — only while focus has not gone anywhere else.
   */
  private async focusPageHeading(): Promise<void> {
    this.stopWaitingForHeading?.();
    await this.updateComplete;
    const page = this.renderRoot.querySelector('main > [data-page], main > :last-child') as LitElement | null;
    await page?.updateComplete;
    const root = page?.shadowRoot;
    if (!root) return;
    let focused = root.querySelector('h1');
    focused?.focus();
    const focusLost = () => document.activeElement === document.body || document.activeElement === null;
    const observer = new MutationObserver(() => {
      if (focused?.isConnected) return;
      const heading = root.querySelector('h1');
      if (heading && (focused === null || focusLost())) {
        focused = heading;
        heading.focus();
      }
    });
    const timer = setTimeout(() => this.stopWaitingForHeading?.(), 15_000);
    this.stopWaitingForHeading = () => {
      observer.disconnect();
      clearTimeout(timer);
      this.stopWaitingForHeading = undefined;
    };
    observer.observe(root, { childList: true, subtree: true });
  }

  private readonly onPopState = () => void this.resolveRoute();

  /** Same-origin links navigate inside the app (also links inside pages' shadow roots). */
  private readonly onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const anchor = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.origin !== location.origin) return;
    if (anchor.pathname.startsWith('/api/')) return;
    event.preventDefault();
    if (anchor.pathname !== location.pathname) navigate(anchor.pathname);
  };

  private readonly onSignedIn = async () => {
    this.notice = '';
    this.account = await fetchMe().catch(() => null);
    const next = sessionStorage.getItem('datacoop.next');
    sessionStorage.removeItem('datacoop.next');
    const target =
      next && this.account && next !== '/login' ? next : this.account ? homeOf(this.account.role) : '/login';
    navigate(target, { replace: true });
  };

  private readonly onBallotCast = () => void this.refreshPendingCount();

  /** The account page applied or resigned: its answer is the account as it is now. */
  private readonly onAccountChanged = (event: Event) => {
    this.account = (event as CustomEvent<Account>).detail;
  };

  private readonly onAccountErased = () => {
    this.notice = t('erase.done');
    clearSession();
  };

  private onLanguageSelected(event: CustomEvent<{ locale: Locale }>): void {
    void setLocale(event.detail.locale);
  }

  private async onSignOut(): Promise<void> {
    await signOut();
    this.account = null;
    this.pendingCount = undefined;
    navigate('/login', { replace: true });
  }

  private link(path: string, label: string, extra: TemplateResult | typeof nothing = nothing): TemplateResult {
    const current = location.pathname === path || (path === '/votes' && location.pathname.startsWith('/votes/'));
    return html`<li><a href=${path} aria-current=${current ? 'page' : 'false'}>${label}${extra}</a></li>`;
  }

  private renderNav(): TemplateResult | typeof nothing {
    const account = this.account;
    if (!account) return nothing;
    const count = this.pendingCount ?? 0;
    const badge =
      count > 0 ? html`<span class="badge" aria-label=${t('nav.pendingBadge', { count })}>${count}</span>` : nothing;
    return html`<nav aria-label=${t('nav.label')} class=${this.menuOpen ? 'open' : ''}>
      <button
        class="secondary menu-button"
        aria-expanded=${this.menuOpen ? 'true' : 'false'}
        aria-controls="nav-links"
        @click=${() => (this.menuOpen = !this.menuOpen)}
      >
        ${t('nav.menu')}${count > 0 ? html` <span class="badge" aria-hidden="true">${count}</span>` : nothing}
      </button>
      <ul id="nav-links">
        ${
          account.role === 'member'
            ? [
                this.link('/dashboard', t('nav.dashboard')),
                this.link('/votes', t('nav.votes'), badge),
                this.link('/data', t('nav.data')),
                this.link('/privacy', t('nav.privacy')),
              ]
            : nothing
        }
        ${account.role === 'steward' ? this.link('/steward', t('nav.steward')) : nothing}
        ${account.role === 'researcher' ? this.link('/research', t('nav.research')) : nothing}
        ${this.link('/account', t('nav.account'))}
      </ul>
    </nav>`;
  }

  private renderPage(): TemplateResult {
    const route = this.route;
    switch (route?.name) {
      case undefined:
        return html`<p role="status">${t('common.loading')}</p>`;
      case 'login':
        return html`<coop-login-page></coop-login-page>`;
      case 'record':
        return html`<coop-record-page></coop-record-page>`;
      case 'outbox':
        return html`<coop-outbox-page></coop-outbox-page>`;
      case 'dashboard':
        return html`<coop-dashboard-page></coop-dashboard-page>`;
      case 'votes':
        return html`<coop-votes-page></coop-votes-page>`;
      case 'proposal':
        return html`<coop-proposal-page .account=${this.account} .proposalId=${route.params.id}></coop-proposal-page>`;
      case 'data':
        return html`<coop-data-page></coop-data-page>`;
      case 'privacy':
        return html`<coop-privacy-page></coop-privacy-page>`;
      case 'connect':
        return html`<coop-connect-page></coop-connect-page>`;
      case 'research':
        return html`<coop-research-page></coop-research-page>`;
      case 'account':
        return html`<coop-account-page .account=${this.account}></coop-account-page>`;
      case 'steward':
        return html`<coop-steward-page></coop-steward-page>`;
      case 'join':
        return html`<coop-join-page></coop-join-page>`;
      case 'forgot-password':
      case 'reset-password':
      case 'verify-email':
      case 'unlock':
        return html`<coop-account-link-page .mode=${route.name}></coop-account-link-page>`;
      case 'not-found':
        return html`<section>
          <h1 tabindex="-1">${t('notFound.title')}</h1>
          <p><a href="/">${t('notFound.home')}</a></p>
        </section>`;
    }
  }

  override render(): TemplateResult {
    return html`
      <header>
        <button class="skip secondary" @click=${this.onSkip}>${t('nav.skip')}</button>
        <div class="bar">
          <a class="brand" href="/">Datacoop</a>
          ${this.renderNav()}
          <div class="tools">
            <coop-language-switch @coop-language-selected=${this.onLanguageSelected}></coop-language-switch>
            ${
              this.account
                ? html`<button class="secondary" @click=${this.onSignOut}>${t('nav.signOut')}</button>`
                : nothing
            }
          </div>
        </div>
      </header>
      <main id="main" tabindex="-1">
        ${this.account?.role === 'member' ? html`<coop-checkpoint-watch></coop-checkpoint-watch>` : nothing}
        ${this.notice ? html`<p class="card success" role="status">${this.notice}</p>` : nothing} ${this.renderPage()}
      </main>
    `;
  }

  private onSkip(event: Event): void {
    event.preventDefault();
    void this.focusPageHeading();
  }
}

customElements.define('coop-app', CoopApp);

declare global {
  interface HTMLElementTagNameMap {
    'coop-app': CoopApp;
  }
}
