// Sign in with e-mail and password; fires coop-signed-in once the session exists.
import { LitElement, html, nothing } from 'lit';
import { ApiError } from '../../api/api-error.js';
import { signIn } from '../../api/session.js';
import { LocaleController, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopLoginPage extends LitElement {
  static override styles = [sharedStyles];

  static override properties = {
    busy: { state: true },
    error: { state: true },
  };

  declare private busy: boolean;
  declare private error: string;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.busy = false;
    this.error = '';
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    this.error = '';
    try {
      await signIn(String(data.get('email')), String(data.get('password')));
      this.dispatchEvent(new CustomEvent('coop-signed-in', { bubbles: true, composed: true }));
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
      <p><a href="/record">${t('record.link')}</a></p>
    </section>`;
  }
}

customElements.define('coop-login-page', CoopLoginPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-login-page': CoopLoginPage;
  }
}
