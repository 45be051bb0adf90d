// The member's connected apps on the privacy page: each app, what it may do in words, since when, last used when,
// and a button that disconnects it (its tokens stop working at once). Fetches its own list, like the notifications.
import { Task } from '@lit/task';
import { LitElement, css, html, nothing } from 'lit';
import { fetchGrants, revokeGrant, type AppGrant } from '../../api/apps.api.js';
import { LocaleController, formatDateTime, hasMessage, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { sharedStyles } from '../../src/shared-styles.js';

/** A scope in the page's language (an unknown one as it is). */
export function scopeInWords(scope: string): string {
  const key = `scope.${scope}`;
  return hasMessage(key) ? t(key as MessageKey) : scope;
}

export class CoopConnectedApps extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      ul.apps {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      ul.apps > li {
        border-top: 1px solid var(--coop-border);
        padding: 0.75rem 0;
      }
      h3 {
        margin: 0 0 0.25rem;
        font-size: 1rem;
      }
    `,
  ];

  static override properties = { message: { state: true }, busy: { state: true } };

  declare private message: string;
  declare private busy: string;
  private readonly locale = new LocaleController(this);
  private readonly grants = new Task(this, { task: () => fetchGrants(), args: () => [] });

  constructor() {
    super();
    this.message = '';
    this.busy = '';
  }

  private async revoke(grant: AppGrant): Promise<void> {
    this.busy = grant.id;
    this.message = '';
    try {
      await revokeGrant(grant.id);
      this.message = t('apps.revoked', { app: grant.app.name });
      await this.grants.run();
    } catch {
      this.message = t('common.failed');
    } finally {
      this.busy = '';
    }
  }

  private renderGrant(grant: AppGrant) {
    const words = grant.scopes.filter((s) => s.startsWith('patient/')).map(scopeInWords);
    return html`<li data-testid="connected-app">
      <h3>${grant.app.name}</h3>
      <ul>
        ${words.map((w) => html`<li>${w}</li>`)}
      </ul>
      <p class="muted">
        ${t('apps.granted', { when: formatDateTime(grant.grantedAt) })} ·
        ${grant.lastUsedAt ? t('apps.lastUse', { when: formatDateTime(grant.lastUsedAt) }) : t('apps.neverUsed')}
      </p>
      <button
        type="button"
        class="secondary"
        aria-label=${t('apps.revokeLabel', { app: grant.app.name })}
        ?disabled=${this.busy === grant.id}
        @click=${() => this.revoke(grant)}
      >
        ${t('apps.revoke')}
      </button>
    </li>`;
  }

  override render() {
    return html`<section class="card" aria-labelledby="apps-heading">
      <h2 id="apps-heading">${t('apps.heading')}</h2>
      <p>${t('apps.explain')}</p>
      ${this.message ? html`<p role="status">${this.message}</p>` : nothing}
      ${this.grants.render({
        pending: () => html`<p role="status">${t('common.loading')}</p>`,
        error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
        complete: (grants) =>
          grants.length === 0
            ? html`<p class="muted">${t('apps.none')}</p>`
            : html`<ul class="apps">
                ${grants.map((grant) => this.renderGrant(grant))}
              </ul>`,
      })}
    </section>`;
  }
}

customElements.define('coop-connected-apps', CoopConnectedApps);

declare global {
  interface HTMLElementTagNameMap {
    'coop-connected-apps': CoopConnectedApps;
  }
}
