// The person's account: who they are, export everything (members), erase the account after a clear warning.
import { LitElement, css, html, nothing } from 'lit';
import { eraseAccount } from '../../api/account.api.js';
import { ApiError } from '../../api/api-error.js';
import type { Account } from '../../api/types.js';
import { downloadExport } from '../../api/vault.api.js';
import { LocaleController, formatDate, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopAccountPage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .warning {
        border-left: 6px solid var(--coop-danger);
      }
    `,
  ];

  static override properties = {
    account: { attribute: false },
    exporting: { state: true },
    exportError: { state: true },
    understood: { state: true },
    erasing: { state: true },
    eraseError: { state: true },
  };

  declare account: Account | null | undefined;
  declare private exporting: string;
  declare private exportError: string;
  declare private understood: boolean;
  declare private erasing: boolean;
  declare private eraseError: string;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.account = undefined;
    this.exporting = '';
    this.exportError = '';
    this.understood = false;
    this.erasing = false;
    this.eraseError = '';
  }

  private async onExport(format: 'json' | 'csv' | 'fhir'): Promise<void> {
    this.exporting = format;
    this.exportError = '';
    try {
      await downloadExport(format);
    } catch {
      this.exportError = t('common.failed');
    } finally {
      this.exporting = '';
    }
  }

  private onUnderstood(event: Event): void {
    this.understood = (event.target as HTMLInputElement).checked;
  }

  private async onErase(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const password = String(new FormData(event.target as HTMLFormElement).get('password') ?? '');
    this.erasing = true;
    this.eraseError = '';
    try {
      await eraseAccount(password);
      this.dispatchEvent(new CustomEvent('coop-account-erased', { bubbles: true, composed: true }));
    } catch (error) {
      this.eraseError =
        error instanceof ApiError && error.code === 'invalid_credentials'
          ? t('erase.wrongPassword')
          : t('common.failed');
    } finally {
      this.erasing = false;
    }
  }

  override render() {
    const account = this.account;
    if (!account) return html`<h1 tabindex="-1">${t('account.title')}</h1>`;
    return html`<h1 tabindex="-1">${t('account.title')}</h1>
      <section class="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">${t('account.profile')}</h2>
        <dl>
          <dt>${t('account.name')}</dt>
          <dd>${account.name}</dd>
          <dt>${t('account.email')}</dt>
          <dd>${account.email}</dd>
          <dt>${t('account.role')}</dt>
          <dd>${t(`role.${account.role}`)}</dd>
          ${
            account.memberSince
              ? html`<dt>${t('account.memberSince')}</dt>
                  <dd>${formatDate(account.memberSince)}</dd>`
              : nothing
          }
          ${
            account.organisation
              ? html`<dt>${t('account.organisation')}</dt>
                  <dd>${account.organisation}</dd>`
              : nothing
          }
          ${
            account.verification
              ? html`<dt>${t('account.verification')}</dt>
                  <dd>${t(`verification.${account.verification}`)}</dd>`
              : nothing
          }
        </dl>
      </section>
      ${
        account.role === 'member'
          ? html`<section class="card" aria-labelledby="export-heading">
              <h2 id="export-heading">${t('export.heading')}</h2>
              <p>${t('export.intro')}</p>
              <div class="actions">
                ${(['json', 'csv', 'fhir'] as const).map(
                  (format) =>
                    html`<button
                      class="secondary"
                      ?disabled=${this.exporting !== ''}
                      @click=${() => this.onExport(format)}
                    >
                      ${t(`export.${format}`)}
                    </button>`,
                )}
              </div>
              <div role="status">${this.exporting ? t('export.preparing') : ''}</div>
              ${this.exportError ? html`<p class="error" role="alert">${this.exportError}</p>` : nothing}
            </section>`
          : nothing
      }
      ${
        account.role !== 'steward'
          ? html`<section class="card warning" aria-labelledby="erase-heading">
              <h2 id="erase-heading">${t('erase.heading')}</h2>
              <p><strong>${t('erase.warning')}</strong></p>
              <ul>
                <li>${t('erase.point1')}</li>
                <li>${t('erase.point2')}</li>
                <li>${t('erase.point3')}</li>
              </ul>
              <form @submit=${this.onErase}>
                <label class="inline">
                  <input type="checkbox" name="understood" @change=${this.onUnderstood} />
                  ${t('erase.understood')}
                </label>
                <label for="erase-password">${t('erase.password')}</label>
                <input id="erase-password" name="password" type="password" autocomplete="current-password" required />
                <div class="actions">
                  <button class="danger" type="submit" ?disabled=${!this.understood || this.erasing}>
                    ${t('erase.submit')}
                  </button>
                </div>
                ${this.eraseError ? html`<p class="error" role="alert">${this.eraseError}</p>` : nothing}
              </form>
            </section>`
          : nothing
      }`;
  }
}

customElements.define('coop-account-page', CoopAccountPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-account-page': CoopAccountPage;
  }
}
