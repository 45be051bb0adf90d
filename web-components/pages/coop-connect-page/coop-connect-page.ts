// The consent screen of an app (SMART on FHIR): which app, what it asks in words, and the member's answer. The
// request is the query GET /oauth/authorize sent here; the service checks it again on each call, so nothing in the
// address bar is trusted. Allow or Deny sends the browser back to the app's registered address.
import { Task } from '@lit/task';
import { LitElement, html, nothing } from 'lit';
import { decideAuthorization, previewAuthorization } from '../../api/apps.api.js';
import { scopeInWords } from '../../components/coop-connected-apps/coop-connected-apps.js';
import { LocaleController, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopConnectPage extends LitElement {
  static override styles = [sharedStyles];

  static override properties = { leaving: { state: true }, failed: { state: true } };

  declare private leaving: boolean;
  declare private failed: boolean;
  private readonly locale = new LocaleController(this);
  private readonly request = location.search.replace(/^\?/, '');
  private readonly preview = new Task(this, { task: () => previewAuthorization(this.request), args: () => [] });

  constructor() {
    super();
    this.leaving = false;
    this.failed = false;
  }

  private async decide(decision: 'approve' | 'deny'): Promise<void> {
    this.leaving = true;
    this.failed = false;
    try {
      window.location.assign(await decideAuthorization(this.request, decision));
    } catch {
      this.leaving = false;
      this.failed = true;
    }
  }

  override render() {
    return html`<h1 tabindex="-1">${t('connect.title')}</h1>
      ${this.preview.render({
        pending: () => html`<p role="status">${t('common.loading')}</p>`,
        error: () => html`<p class="error" role="alert">${t('connect.invalid')}</p>`,
        complete: (preview) =>
          html`<section class="card">
            <p><strong>${t('connect.asks', { app: preview.app.name })}</strong></p>
            <ul data-testid="requested-scopes">
              ${preview.scopes.filter((s) => s.startsWith('patient/')).map((s) => html`<li>${scopeInWords(s)}</li>`)}
            </ul>
            <p>${t('connect.research')}</p>
            <p>${t('connect.later')}</p>
            <p class="muted">${t('connect.back', { origin: preview.redirectOrigin })}</p>
            ${this.failed ? html`<p class="error" role="alert">${t('common.failed')}</p>` : nothing}
            ${
              this.leaving
                ? html`<p role="status">${t('connect.leaving')}</p>`
                : html`<div class="actions">
                    <button type="button" @click=${() => this.decide('approve')}>${t('connect.approve')}</button>
                    <button type="button" class="secondary" @click=${() => this.decide('deny')}>
                      ${t('connect.deny')}
                    </button>
                  </div>`
            }
          </section>`,
      })}`;
  }
}

customElements.define('coop-connect-page', CoopConnectPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-connect-page': CoopConnectPage;
  }
}
