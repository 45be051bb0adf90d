// Language picker: shows the current language, fires coop-language-selected when the person picks another.
import { LitElement, css, html } from 'lit';
import { LocaleController, getLocale, locales, t, type Locale } from '../../i18n/i18n.js';

export class CoopLanguageSwitch extends LitElement {
  static override styles = css`
    select {
      font: inherit;
      min-height: 40px;
      border-radius: 4px;
      border: 1px solid #ffffff;
      background: #ffffff;
      color: #1b1f24;
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `;

  private readonly locale = new LocaleController(this);

  private onChange(event: Event): void {
    const locale = (event.target as HTMLSelectElement).value as Locale;
    this.dispatchEvent(
      new CustomEvent('coop-language-selected', { detail: { locale }, bubbles: true, composed: true }),
    );
  }

  override render() {
    const current = getLocale();
    return html`<label for="lang" class="visually-hidden">${t('nav.language')}</label>
      <select id="lang" @change=${this.onChange}>
        ${locales.map(
          (locale) =>
            html`<option value=${locale} ?selected=${locale === current} lang=${locale}>
              ${locale === 'en' ? 'English' : 'Français'}
            </option>`,
        )}
      </select>`;
  }
}

customElements.define('coop-language-switch', CoopLanguageSwitch);

declare global {
  interface HTMLElementTagNameMap {
    'coop-language-switch': CoopLanguageSwitch;
  }
}
