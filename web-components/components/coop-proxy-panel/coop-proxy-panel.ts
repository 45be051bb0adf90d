// A member's proxy on one open proposal: name a member by e-mail, see whether the proxy voted (with the receipt),
// revoke. A leaf: it fires coop-proxy-named {email} and coop-proxy-revoked; the page talks to the service.
import { LitElement, html, nothing } from 'lit';
import type { Mandate } from '../../api/types.js';
import { LocaleController, formatDateTime, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopProxyPanel extends LitElement {
  static override styles = [sharedStyles];

  static override properties = {
    mandate: { attribute: false },
    busy: { type: Boolean },
    open: { type: Boolean },
  };

  declare mandate: Mandate | null;
  declare busy: boolean;
  /** Whether the vote is open: naming and revoking are possible only then. */
  declare open: boolean;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.mandate = null;
    this.busy = false;
    this.open = false;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#proxy-email');
    const email = input?.value.trim() ?? '';
    if (!email || !input?.checkValidity()) {
      input?.reportValidity();
      return;
    }
    this.dispatchEvent(new CustomEvent('coop-proxy-named', { detail: { email }, bubbles: true, composed: true }));
  }

  private onRevoke(): void {
    this.dispatchEvent(new CustomEvent('coop-proxy-revoked', { bubbles: true, composed: true }));
  }

  override render() {
    const principal = this.mandate?.asPrincipal;
    if (principal) {
      return html`<p data-testid="proxy-named">${t('proxy.named', { when: formatDateTime(principal.namedAt) })}</p>
        ${
          principal.votedByProxy && principal.receipt
            ? html`<p>${t('proxy.votedForYou')}</p>
                <code class="mono" data-testid="proxy-receipt">${principal.receipt}</code>`
            : html`<p class="muted">${t('proxy.notYetVoted')}</p>`
        }
        ${
          this.open
            ? html`<div class="actions">
                <button class="secondary" ?disabled=${this.busy} @click=${this.onRevoke}>${t('proxy.revoke')}</button>
              </div>`
            : nothing
        }`;
    }
    if (!this.open) return nothing;
    return html`<p>${t('proxy.explain')}</p>
      <form @submit=${this.onSubmit} novalidate>
        <label for="proxy-email">${t('proxy.emailLabel')}</label>
        <input id="proxy-email" name="proxyEmail" type="email" required autocomplete="off" maxlength="254" />
        <div class="actions">
          <button type="submit" ?disabled=${this.busy}>${t('proxy.name')}</button>
        </div>
      </form>`;
  }
}

customElements.define('coop-proxy-panel', CoopProxyPanel);

declare global {
  interface HTMLElementTagNameMap {
    'coop-proxy-panel': CoopProxyPanel;
  }
}
