// Sign in with e-mail and password; fires coop-signed-in once the session exists.
import { LitElement, html, nothing } from 'lit';
import { ApiError } from '../../api/api-error.js';
import { signIn, signInWithCode, signInWithPasskey } from '../../api/session.js';
import { LocaleController, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopLoginPage extends LitElement {
  static override styles = [sharedStyles];

  static override properties = {
    busy: { state: true },
    error: { state: true },
    challenge: { state: true },
    passkeys: { state: true },
  };

  declare private busy: boolean;
  declare private error: string;
  /** Set after a right password of an account with a second factor: the code step shows. */
  declare private challenge: string;
  /** The account's passkeys (credential ids) that may answer the challenge instead of a code. */
  declare private passkeys: string[];
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.busy = false;
    this.error = '';
    this.challenge = '';
    this.passkeys = [];
  }

  private signedIn(): void {
    this.dispatchEvent(new CustomEvent('coop-signed-in', { bubbles: true, composed: true }));
  }

  private async onCode(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    this.error = '';
    try {
      await signInWithCode(this.challenge, String(data.get('code')));
      this.signedIn();
    } catch {
      // A wrong code uses up the challenge: back to the password.
      this.challenge = '';
      this.error = t('login.codeInvalid');
    } finally {
      this.busy = false;
    }
  }

  private async onPasskey(): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      if (await signInWithPasskey(this.challenge, this.passkeys)) this.signedIn();
      else this.error = t('login.passkeyCancelled');
    } catch {
      // A refused assertion uses up the challenge, as a wrong code does.
      this.challenge = '';
      this.error = t('login.passkeyInvalid');
    } finally {
      this.busy = false;
    }
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    this.error = '';
    try {
      const step = await signIn(String(data.get('email')), String(data.get('password')));
      if ('challenge' in step) {
        this.challenge = step.challenge;
        this.passkeys = step.passkeys;
      } else this.signedIn();
    } catch (error) {
      const code = error instanceof ApiError ? error.code : 'network_error';
      this.error =
        code === 'invalid_credentials'
          ? t('login.invalid')
          : code === 'rate_limited'
            ? t('login.rateLimited')
            : t('common.failed');
    } finally {
      this.busy = false;
    }
  }

  override render() {
    if (this.challenge) return this.renderCodeStep();
    return html`<section class="card">
      <h1 tabindex="-1">${t('login.title')}</h1>
      <p>${t('login.intro')}</p>
      <form @submit=${this.onSubmit}>
        <label for="email">${t('login.email')}</label>
        <input id="email" name="email" type="email" autocomplete="username" required size="32" />
        <label for="password">${t('login.password')}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required size="32" />
        <div class="actions">
          <button type="submit" ?disabled=${this.busy}>${t('login.submit')}</button>
        </div>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </form>
      <p><a href="/forgot-password">${t('login.forgot')}</a></p>
      <p>${t('login.new')} <a href="/join">${t('login.join')}</a></p>
      <p><a href="/record">${t('record.link')}</a></p>
    </section>`;
  }

  private renderCodeStep() {
    return html`<section class="card">
      <h1 tabindex="-1">${t('login.title')}</h1>
      <p>${t(this.passkeys.length > 0 ? 'login.codeOrPasskeyIntro' : 'login.codeIntro')}</p>
      ${
        this.passkeys.length > 0
          ? html`<div class="actions">
              <button type="button" ?disabled=${this.busy} @click=${this.onPasskey}>${t('login.usePasskey')}</button>
            </div>`
          : nothing
      }
      <form @submit=${this.onCode}>
        <label for="code">${t('login.code')}</label>
        <input id="code" name="code" autocomplete="one-time-code" inputmode="text" required size="16" maxlength="11" />
        <div class="actions">
          <button type="submit" ?disabled=${this.busy}>${t('login.codeSubmit')}</button>
        </div>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }
}

customElements.define('coop-login-page', CoopLoginPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-login-page': CoopLoginPage;
  }
}
