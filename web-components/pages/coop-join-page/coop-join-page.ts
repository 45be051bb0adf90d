// Joining: what Datacoop is in two sentences, then an account as a member (who may then apply for membership and
// vote once admitted) or as a researcher (verified by the stewards). The service answers the same whether the
// address is new or already used, and mails a confirmation link either way, so this page always says the same.
import { LitElement, html, nothing } from 'lit';
import { ApiError } from '../../api/api-error.js';
import { requestJson } from '../../api/session.js';
import { LocaleController, getLocale, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { sharedStyles } from '../../src/shared-styles.js';

const FIELDS = ['name', 'email', 'password', 'organisation', 'birthYear'] as const;
type Field = (typeof FIELDS)[number];

export class CoopJoinPage extends LitElement {
  static override styles = [sharedStyles];

  static override properties = {
    joinAs: { state: true },
    busy: { state: true },
    done: { state: true },
    problems: { state: true },
    failed: { state: true },
  };

  declare private joinAs: 'member' | 'researcher';
  declare private busy: boolean;
  declare private done: boolean;
  /** The fields the service refused, named in the page's language. */
  declare private problems: Field[];
  declare private failed: boolean;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.joinAs = 'member';
    this.busy = false;
    this.done = false;
    this.problems = [];
    this.failed = false;
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const birthYear = text('birthYear');
    const body = {
      role: this.joinAs,
      name: text('name'),
      email: text('email'),
      password: String(data.get('password') ?? ''),
      locale: getLocale(),
      ...(birthYear && { birthYear: Number(birthYear) }),
      ...(this.joinAs === 'researcher' && { organisation: text('organisation') }),
    };
    this.busy = true;
    this.problems = [];
    this.failed = false;
    try {
      await requestJson('POST', '/api/auth/register', body);
      this.done = true;
    } catch (error) {
      const fields = error instanceof ApiError ? error.details.map((d) => d.field.split(/[.[]/)[0]) : [];
      this.problems = FIELDS.filter((field) => fields.includes(field));
      this.failed = this.problems.length === 0;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    if (this.done) {
      return html`<section class="card">
        <h1 tabindex="-1">${t('join.title')}</h1>
        <p role="status">${t('join.done')}</p>
        <p><a href="/login">${t('accountLink.signIn')}</a></p>
      </section>`;
    }
    const label = (field: Field) => t(`join.${field}` as MessageKey);
    return html`<section class="card">
      <h1 tabindex="-1">${t('join.title')}</h1>
      <p>${t('join.what')}</p>
      <form @submit=${this.onSubmit}>
        <fieldset>
          <legend>${t('join.as')}</legend>
          <label
            ><input
              type="radio"
              name="role"
              value="member"
              ?checked=${this.joinAs === 'member'}
              @change=${() => (this.joinAs = 'member')}
            />
            ${t('join.asMember')}</label
          >
          <label
            ><input
              type="radio"
              name="role"
              value="researcher"
              ?checked=${this.joinAs === 'researcher'}
              @change=${() => (this.joinAs = 'researcher')}
            />
            ${t('join.asResearcher')}</label
          >
        </fieldset>
        <label for="name">${label('name')}</label>
        <input id="name" name="name" autocomplete="name" required maxlength="100" size="32" />
        <label for="email">${label('email')}</label>
        <input id="email" name="email" type="email" autocomplete="email" required size="32" />
        <label for="password">${label('password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="new-password"
          required
          minlength="8"
          size="32"
          aria-describedby="password-hint"
        />
        <p class="muted" id="password-hint">${t('join.passwordHint')}</p>
        ${
          this.joinAs === 'researcher'
            ? html`<label for="organisation">${label('organisation')}</label>
                <input id="organisation" name="organisation" required maxlength="200" size="32" />`
            : html`<label for="birthYear">${label('birthYear')}</label>
                <input id="birthYear" name="birthYear" inputmode="numeric" pattern="[0-9]{4}" size="6" />`
        }
        <div class="actions">
          <button type="submit" ?disabled=${this.busy}>${t('join.submit')}</button>
        </div>
        ${
          this.problems.length > 0
            ? html`<div class="error" role="alert">
                <p>${t('join.invalid')}</p>
                <ul>
                  ${this.problems.map((field) => html`<li><a href=${`#${field}`}>${label(field)}</a></li>`)}
                </ul>
              </div>`
            : nothing
        }
        ${this.failed ? html`<p class="error" role="alert">${t('common.failed')}</p>` : nothing}
      </form>
      <p><a href="/login">${t('join.haveAccount')}</a></p>
    </section>`;
  }
}

customElements.define('coop-join-page', CoopJoinPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-join-page': CoopJoinPage;
  }
}
