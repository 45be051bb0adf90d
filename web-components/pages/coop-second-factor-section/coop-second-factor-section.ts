// The account's second factors: an authenticator app (the secret and its otpauth:// link shown once, confirmed with a
// first code) and passkeys of the person's devices (named, with their last use), ten recovery codes shown once with a
// download, and removing a factor or renewing the codes after a fresh confirmation (the step-up dialog). Stewards are
// told they need one, and the service refuses to remove a steward's last.
import { LitElement, html, nothing } from 'lit';
import { ApiError } from '../../api/api-error.js';
import {
  addPasskey,
  beginTotpEnrolment,
  confirmTotpEnrolment,
  fetchSecondFactors,
  removePasskey,
  removeTotp,
  renewRecoveryCodes,
  type PasskeyInfo,
  type SecondFactors,
  type TotpEnrolment,
} from '../../api/second-factor.api.js';
import { LocaleController, formatDate, formatDateTime, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';
import { withStepUp } from '../coop-step-up-dialog/coop-step-up-dialog.js';

export class CoopSecondFactorSection extends LitElement {
  static override styles = [sharedStyles];

  static override properties = {
    enrolled: { type: Boolean },
    steward: { type: Boolean },
    factors: { state: true },
    enrolment: { state: true },
    recoveryCodes: { state: true },
    busy: { state: true },
    error: { state: true },
    notice: { state: true },
  };

  /** Whether the account has a second factor (from the account; the section then loads the details). */
  declare enrolled: boolean;
  declare steward: boolean;
  declare private factors: SecondFactors | null;
  declare private enrolment: TotpEnrolment | null;
  declare private recoveryCodes: string[];
  declare private busy: boolean;
  declare private error: string;
  declare private notice: string;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.enrolled = false;
    this.steward = false;
    this.factors = null;
    this.enrolment = null;
    this.recoveryCodes = [];
    this.busy = false;
    this.error = '';
    this.notice = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.reload();
  }

  private async reload(): Promise<void> {
    try {
      this.factors = await fetchSecondFactors();
    } catch {
      this.error = t('common.failed');
    }
  }

  private get hasFactor(): boolean {
    return this.factors !== null && (this.factors.totpSince !== null || this.factors.passkeys.length > 0);
  }

  /** Runs a change, then shows the fresh state; a refusal is said in words, a cancelled confirmation changes nothing. */
  private async change(action: () => Promise<void>, done: string): Promise<void> {
    this.busy = true;
    this.error = '';
    this.notice = '';
    try {
      await action();
      this.notice = done;
    } catch (error) {
      const code = error instanceof ApiError ? error.code : '';
      this.error =
        code === 'last_second_factor'
          ? t('secondFactor.lastFactor')
          : code === 'step_up_required'
            ? t('secondFactor.notConfirmed')
            : code === 'invalid_passkey'
              ? t('secondFactor.passkeyInvalid')
              : code === 'passkey_cancelled'
                ? t('secondFactor.passkeyCancelled')
                : t('common.failed');
    } finally {
      this.busy = false;
      await this.reload();
    }
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
      this.notice = t('secondFactor.enrolled');
      await this.reload();
    } catch (error) {
      this.error =
        error instanceof ApiError && (error.code === 'invalid_code' || error.code === 'validation_failed')
          ? t('secondFactor.wrongCode')
          : t('common.failed');
    }
  }

  private async onAddPasskey(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const name = String(new FormData(form).get('passkey-name') ?? '');
    let added = false;
    await this.change(async () => {
      const codes = await addPasskey(name);
      if (codes === null) throw new ApiError(0, 'passkey_cancelled', '');
      added = true;
      if (codes.length > 0) this.recoveryCodes = codes;
    }, t('secondFactor.passkeyAdded'));
    if (added) form.reset();
  }

  private onRemovePasskey(passkey: PasskeyInfo): Promise<void> {
    return this.change(() => withStepUp(() => removePasskey(passkey.id)), t('secondFactor.passkeyRemoved'));
  }

  private onRemoveTotp(): Promise<void> {
    return this.change(() => withStepUp(() => removeTotp()), t('secondFactor.totpRemoved'));
  }

  private onRenewCodes(): Promise<void> {
    return this.change(async () => {
      this.recoveryCodes = await withStepUp(() => renewRecoveryCodes());
    }, t('secondFactor.codesRenewed'));
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
    const factors = this.factors;
    return html`${
        this.steward && factors !== null && !this.hasFactor
          ? html`<p class="error" role="alert">${t('secondFactor.stewardNeeds')}</p>`
          : nothing
      }
      <p>${t('secondFactor.intro')}</p>
      ${this.notice ? html`<p role="status">${this.notice}</p>` : nothing}
      ${this.recoveryCodes.length > 0 ? this.renderRecoveryCodes() : nothing}
      ${factors === null ? html`<p role="status">${t('common.loading')}</p>` : this.renderFactors(factors)}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`;
  }

  private renderRecoveryCodes() {
    return html`<p><strong>${t('secondFactor.recoveryIntro')}</strong></p>
      <ul data-testid="recovery-codes">
        ${this.recoveryCodes.map((code) => html`<li><code>${code}</code></li>`)}
      </ul>
      <div class="actions">
        <button class="secondary" @click=${this.onDownload}>${t('secondFactor.download')}</button>
      </div>`;
  }

  private renderFactors(factors: SecondFactors) {
    return html`<h3>${t('secondFactor.appHeading')}</h3>
      ${
        factors.totpSince !== null
          ? html`<p>${t('secondFactor.appSince', { date: formatDate(factors.totpSince) })}</p>
              <div class="actions">
                <button class="secondary" ?disabled=${this.busy} @click=${this.onRemoveTotp}>
                  ${t('secondFactor.removeApp')}
                </button>
              </div>`
          : this.renderTotpEnrolment()
      }
      <h3>${t('secondFactor.passkeysHeading')}</h3>
      <p>${t('secondFactor.passkeysIntro')}</p>
      ${
        factors.passkeys.length === 0
          ? html`<p>${t('secondFactor.noPasskeys')}</p>`
          : html`<ul data-testid="passkeys">
              ${factors.passkeys.map((passkey) => {
                const name = passkey.name ?? t('secondFactor.unnamedPasskey');
                return html`<li data-testid="passkey">
                  <strong>${name}</strong>
                  ${passkey.createdAt ? html` · ${t('secondFactor.added', { date: formatDate(passkey.createdAt) })}` : nothing}
                  ·
                  ${
                    passkey.lastUsedAt
                      ? t('secondFactor.lastUsed', { date: formatDateTime(passkey.lastUsedAt) })
                      : t('secondFactor.neverUsed')
                  }
                  <button class="secondary" ?disabled=${this.busy} @click=${() => this.onRemovePasskey(passkey)}>
                    ${t('secondFactor.removePasskeyNamed', { name })}
                  </button>
                </li>`;
              })}
            </ul>`
      }
      ${
        typeof PublicKeyCredential === 'undefined'
          ? html`<p>${t('secondFactor.passkeysUnsupported')}</p>`
          : html`<form @submit=${this.onAddPasskey}>
              <label for="passkey-name">${t('secondFactor.passkeyName')}</label>
              <input id="passkey-name" name="passkey-name" maxlength="60" autocomplete="off" />
              <div class="actions">
                <button type="submit" ?disabled=${this.busy}>${t('secondFactor.addPasskey')}</button>
              </div>
            </form>`
      }
      ${
        this.hasFactor
          ? html`<h3>${t('secondFactor.codesHeading')}</h3>
              <p>${t('secondFactor.codesLeft', { count: factors.recoveryCodesLeft })}</p>
              <div class="actions">
                <button class="secondary" ?disabled=${this.busy} @click=${this.onRenewCodes}>
                  ${t('secondFactor.renewCodes')}
                </button>
              </div>`
          : nothing
      }`;
  }

  private renderTotpEnrolment() {
    if (!this.enrolment) {
      return html`<div class="actions"><button @click=${this.onBegin}>${t('secondFactor.begin')}</button></div>`;
    }
    return html`<p>${t('secondFactor.secretIntro')}</p>
      <p><code data-testid="totp-secret">${this.enrolment.secret}</code></p>
      <p><a href=${this.enrolment.otpauthUri}>${t('secondFactor.openApp')}</a></p>
      <form @submit=${this.onConfirm}>
        <label for="totp-code">${t('secondFactor.code')}</label>
        <input id="totp-code" name="code" inputmode="numeric" autocomplete="one-time-code" required />
        <div class="actions"><button type="submit">${t('secondFactor.confirm')}</button></div>
      </form>`;
  }
}

customElements.define('coop-second-factor-section', CoopSecondFactorSection);

declare global {
  interface HTMLElementTagNameMap {
    'coop-second-factor-section': CoopSecondFactorSection;
  }
}
