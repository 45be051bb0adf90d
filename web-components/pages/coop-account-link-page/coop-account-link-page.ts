// The public pages behind the mailed links: ask for a reset link, choose a new password, confirm the e-mail address,
// unlock the sign-in. The token comes from the link's `?token=`; nothing here needs a session.
import { LitElement, html, nothing } from 'lit';
import { ApiError } from '../../api/api-error.js';
import { postAccountLink } from '../../api/account-links.api.js';
import { LocaleController, t } from '../../i18n/i18n.js';
import type { AccountLinkRoute } from '../../src/router.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopAccountLinkPage extends LitElement {
  static override styles = [sharedStyles];

  static override properties = {
    mode: { type: String },
    busy: { state: true },
    outcome: { state: true },
  };

  declare mode: AccountLinkRoute;
  declare private busy: boolean;
  declare private outcome: 'done' | 'invalid' | 'failed' | '';
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.mode = 'forgot-password';
    this.busy = false;
    this.outcome = '';
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const token = new URLSearchParams(location.search).get('token') ?? '';
    this.busy = true;
    try {
      await postAccountLink(this.mode, {
        token,
        email: String(data.get('email') ?? ''),
        password: String(data.get('password') ?? ''),
      });
      this.outcome = 'done';
    } catch (error) {
      this.outcome = error instanceof ApiError && error.code === 'invalid_token' ? 'invalid' : 'failed';
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const key = `accountLink.${this.mode}` as const;
    return html`<section class="card">
      <h1 tabindex="-1">${t(`${key}.title`)}</h1>
      ${
        this.outcome === 'done'
          ? html`<p role="status">${t(`${key}.done`)}</p>
              <p><a href="/login">${t('accountLink.signIn')}</a></p>`
          : html`<p>${t(`${key}.intro`)}</p>
              <form @submit=${this.onSubmit}>
                ${this.renderFields()}
                <div class="actions">
                  <button type="submit" ?disabled=${this.busy}>${t(`${key}.submit`)}</button>
                </div>
                ${
                  this.outcome === 'invalid' || this.outcome === 'failed'
                    ? html`<p class="error" role="alert">
                        ${t(this.outcome === 'invalid' ? 'accountLink.invalid' : 'common.failed')}
                      </p>`
                    : nothing
                }
              </form>`
      }
    </section>`;
  }

  private renderFields() {
    if (this.mode === 'forgot-password') {
      return html`<label for="email">${t('accountLink.email')}</label>
        <input id="email" name="email" type="email" autocomplete="username" required size="32" />`;
    }
    if (this.mode === 'reset-password') {
      return html`<label for="password">${t('accountLink.password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="new-password"
          minlength="8"
          required
          size="32"
        />`;
    }
    return nothing;
  }
}

customElements.define('coop-account-link-page', CoopAccountLinkPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-account-link-page': CoopAccountLinkPage;
  }
}
