// The account's second factor: set up an authenticator app (the secret and its otpauth:// link shown once, confirmed
// with a first code), then the ten recovery codes shown once, with a download. Stewards are told they need one.
import { LitElement, html, nothing } from 'lit';
import { ApiError } from '../../api/api-error.js';
import { beginTotpEnrolment, confirmTotpEnrolment, type TotpEnrolment } from '../../api/second-factor.api.js';
import { LocaleController, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopSecondFactorSection extends LitElement {
  static override styles = [sharedStyles];

  static override properties = {
    enrolled: { type: Boolean },
    steward: { type: Boolean },
    enrolment: { state: true },
    recoveryCodes: { state: true },
    error: { state: true },
  };

  declare enrolled: boolean;
  declare steward: boolean;
  declare private enrolment: TotpEnrolment | null;
  declare private recoveryCodes: string[];
  declare private error: string;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.enrolled = false;
    this.steward = false;
    this.enrolment = null;
    this.recoveryCodes = [];
    this.error = '';
  }

  private async onBegin(): Promise<void> {
    this.error = '';
    try {
      this.enrolment = await beginTotpEnrolment();
    } catch {
      this.error = t('common.failed');
    }
  }

  private async onConfirm(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const code = String(new FormData(event.target as HTMLFormElement).get('code') ?? '').trim();
    this.error = '';
    try {
      this.recoveryCodes = await confirmTotpEnrolment(code);
      this.enrolment = null;
    } catch (error) {
      this.error =
        error instanceof ApiError && (error.code === 'invalid_code' || error.code === 'validation_failed')
          ? t('secondFactor.wrongCode')
          : t('common.failed');
    }
  }

  private onDownload(): void {
    const blob = new Blob([`${this.recoveryCodes.join('\n')}\n`], { type: 'text/plain' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = 'datacoop-recovery-codes.txt';
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  override render() {
    if (this.recoveryCodes.length > 0) {
      return html`<p role="status">${t('secondFactor.enrolled')}</p>
        <p><strong>${t('secondFactor.recoveryIntro')}</strong></p>
        <ul data-testid="recovery-codes">
          ${this.recoveryCodes.map((code) => html`<li><code>${code}</code></li>`)}
        </ul>
        <div class="actions">
          <button class="secondary" @click=${this.onDownload}>${t('secondFactor.download')}</button>
        </div>`;
    }
    if (this.enrolled) return html`<p>${t('secondFactor.on')}</p>`;
    return html`${this.steward ? html`<p class="error" role="alert">${t('secondFactor.stewardNeeds')}</p>` : nothing}
      <p>${t('secondFactor.intro')}</p>
      ${
        this.enrolment
          ? html`<p>${t('secondFactor.secretIntro')}</p>
              <p><code data-testid="totp-secret">${this.enrolment.secret}</code></p>
              <p><a href=${this.enrolment.otpauthUri}>${t('secondFactor.openApp')}</a></p>
              <form @submit=${this.onConfirm}>
                <label for="totp-code">${t('secondFactor.code')}</label>
                <input id="totp-code" name="code" inputmode="numeric" autocomplete="one-time-code" required />
                <div class="actions"><button type="submit">${t('secondFactor.confirm')}</button></div>
              </form>`
          : html`<div class="actions"><button @click=${this.onBegin}>${t('secondFactor.begin')}</button></div>`
      }
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`;
  }
}

customElements.define('coop-second-factor-section', CoopSecondFactorSection);

declare global {
  interface HTMLElementTagNameMap {
    'coop-second-factor-section': CoopSecondFactorSection;
  }
}
