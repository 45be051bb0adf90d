// The "confirm it is you" dialog: erasure, admission decisions and exports need an authentication of the last few
// minutes. When the service answers `step_up_required`, `withStepUp` opens this dialog (the password, or the second
// factor: a code, a recovery code or a passkey), and once confirmed runs the action again.
import { LitElement, css, html, nothing } from 'lit';
import { ApiError } from '../../api/api-error.js';
import { codeProof, fetchStepUpChallenge, stepUp, type StepUpChallenge } from '../../api/step-up.api.js';
import { adoptAccessToken, requestJson } from '../../api/session.js';
import { LocaleController, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

/** Runs `action`; if the service asks for a step-up, asks the person to confirm and runs it once more. */
export async function withStepUp<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'step_up_required')) throw error;
    const dialog = document.createElement('coop-step-up-dialog');
    document.body.append(dialog);
    try {
      if (!(await dialog.confirm())) throw error;
    } finally {
      dialog.remove();
    }
    return action();
  }
}

export class CoopStepUpDialog extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      dialog {
        max-width: min(30rem, calc(100vw - 2rem));
        border: 1px solid var(--coop-border);
        border-radius: 8px;
      }
    `,
  ];

  static override properties = {
    challenge: { state: true },
    busy: { state: true },
    error: { state: true },
  };

  declare private challenge: StepUpChallenge | null;
  declare private busy: boolean;
  declare private error: string;
  private readonly locale = new LocaleController(this);
  private settle: (confirmed: boolean) => void = () => {};

  constructor() {
    super();
    this.challenge = null;
    this.busy = false;
    this.error = '';
  }

  /** Opens the dialog; true once the person confirmed, false if they cancelled. */
  async confirm(): Promise<boolean> {
    const answer = new Promise<boolean>((resolve) => (this.settle = resolve));
    await this.updateComplete;
    this.renderRoot.querySelector('dialog')?.showModal();
    try {
      this.challenge = await fetchStepUpChallenge();
    } catch {
      this.error = t('common.failed');
    }
    return answer;
  }

  private close(confirmed: boolean): void {
    this.renderRoot.querySelector('dialog')?.close();
    this.settle(confirmed);
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const typed = String(new FormData(event.target as HTMLFormElement).get('secret') ?? '');
    const proof = this.challenge?.method === 'password' ? { password: typed } : codeProof(typed);
    await this.attempt(() => stepUp(proof));
  }

  private async onPasskey(): Promise<void> {
    const challenge = this.challenge;
    if (!challenge?.challenge) return;
    await this.attempt(async () => {
      const options = PublicKeyCredential.parseRequestOptionsFromJSON({
        challenge: challenge.challenge!,
        allowCredentials: challenge.passkeys.map((id) => ({ id, type: 'public-key' })),
        userVerification: 'preferred',
      });
      const credential = (await navigator.credentials.get({ publicKey: options })) as PublicKeyCredential | null;
      if (!credential) throw new ApiError(0, 'passkey_cancelled', '');
      const answer = await requestJson<{ accessToken: string }>('POST', '/api/auth/step-up', {
        challenge: challenge.challenge,
        passkey: credential.toJSON(),
      });
      adoptAccessToken(answer.accessToken);
    });
  }

  private async attempt(confirmation: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      await confirmation();
      this.close(true);
    } catch (error) {
      const code = error instanceof ApiError ? error.code : '';
      this.error =
        code === 'invalid_credentials'
          ? t('stepUp.wrongPassword')
          : code === 'invalid_second_factor' || code === 'validation_failed'
            ? t('stepUp.wrongCode')
            : code === 'rate_limited'
              ? t('login.rateLimited')
              : t('common.failed');
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const challenge = this.challenge;
    const password = challenge?.method === 'password';
    return html`<dialog aria-labelledby="step-up-heading" @cancel=${() => this.settle(false)}>
      <h2 id="step-up-heading">${t('stepUp.title')}</h2>
      <p>${t(password ? 'stepUp.introPassword' : 'stepUp.introSecondFactor')}</p>
      ${
        challenge && (password || challenge.totp)
          ? html`<form @submit=${this.onSubmit}>
              <label for="step-up-secret">${t(password ? 'stepUp.password' : 'stepUp.code')}</label>
              <input
                id="step-up-secret"
                name="secret"
                type=${password ? 'password' : 'text'}
                autocomplete=${password ? 'current-password' : 'one-time-code'}
                required
              />
              <div class="actions">
                <button type="submit" ?disabled=${this.busy}>${t('stepUp.confirm')}</button>
                <button type="button" class="secondary" @click=${() => this.close(false)}>${t('stepUp.cancel')}</button>
              </div>
            </form>`
          : nothing
      }
      ${
        challenge?.challenge
          ? html`<div class="actions">
              <button type="button" ?disabled=${this.busy} @click=${this.onPasskey}>${t('stepUp.passkey')}</button>
              ${
                challenge.totp
                  ? nothing
                  : html`<button type="button" class="secondary" @click=${() => this.close(false)}>
                      ${t('stepUp.cancel')}
                    </button>`
              }
            </div>`
          : nothing
      }
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    </dialog>`;
  }
}

customElements.define('coop-step-up-dialog', CoopStepUpDialog);

declare global {
  interface HTMLElementTagNameMap {
    'coop-step-up-dialog': CoopStepUpDialog;
  }
}
