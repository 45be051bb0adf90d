// A value typed in by hand: category, value (systolic and diastolic for blood pressure), time and a note.
// Fires coop-observation-submitted {observation} when the member submits a complete form.
import { LitElement, html, nothing } from 'lit';
import type { NewObservation } from '../../api/types.js';
import { LocaleController, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { categories, displayUnit } from '../../src/categories.js';
import { sharedStyles } from '../../src/shared-styles.js';

/** A datetime-local value for now, in local time. */
function localNow(): string {
  const now = new Date();
  now.setSeconds(0, 0);
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export class CoopObservationForm extends LitElement {
  static override styles = [sharedStyles];

  static override properties = {
    busy: { type: Boolean },
    category: { state: true },
  };

  declare busy: boolean;
  declare private category: string;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.busy = false;
    this.category = 'heart-rate';
  }

  /** Clears the values after the page stored them. */
  reset(): void {
    this.renderRoot.querySelector('form')?.reset();
    this.category = 'heart-rate';
  }

  private onCategory(event: Event): void {
    this.category = (event.target as HTMLSelectElement).value;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const info = categories.find((c) => c.code === this.category)!;
    const when = new Date(String(data.get('effectiveAt')));
    const observation: NewObservation = { category: info.code, unit: info.unit, effectiveAt: when.toISOString() };
    if (info.components) {
      observation.components = Object.fromEntries(info.components.map((c) => [c, Number(data.get(c))]));
    } else {
      observation.value = Number(data.get('value'));
    }
    const note = String(data.get('note') ?? '').trim();
    if (note) observation.note = note;
    this.dispatchEvent(
      new CustomEvent('coop-observation-submitted', { detail: { observation }, bubbles: true, composed: true }),
    );
  }

  override render() {
    const info = categories.find((c) => c.code === this.category)!;
    const step = info.decimals === 0 ? '1' : String(10 ** -info.decimals);
    const unit = displayUnit(info.unit);
    return html`<form @submit=${this.onSubmit}>
      <div class="row">
        <div>
          <label for="category">${t('manual.category')}</label>
          <select id="category" name="category" @change=${this.onCategory}>
            ${categories.map(
              (c) =>
                html`<option value=${c.code} ?selected=${c.code === this.category}>
                  ${t(`category.${c.code}` as MessageKey)}
                </option>`,
            )}
          </select>
        </div>
        ${
          info.components
            ? info.components.map(
                (component) =>
                  html`<div>
                    <label for=${component}>${t(`component.${component}` as MessageKey)} (${unit})</label>
                    <input id=${component} name=${component} type="number" inputmode="decimal" step=${step} required />
                  </div>`,
              )
            : html`<div>
                <label for="value">${t('manual.value')} (${unit})</label>
                <input id="value" name="value" type="number" inputmode="decimal" step=${step} required />
              </div>`
        }
        <div>
          <label for="effectiveAt">${t('manual.when')}</label>
          <input id="effectiveAt" name="effectiveAt" type="datetime-local" .value=${localNow()} required />
        </div>
      </div>
      <label for="note">${t('manual.note')}</label>
      <input id="note" name="note" type="text" maxlength="500" size="40" />
      <div class="actions">
        <button type="submit" ?disabled=${this.busy}>${t('manual.submit')}</button>
        ${this.busy ? html`<span role="status">${t('common.saving')}</span>` : nothing}
      </div>
    </form>`;
  }
}

customElements.define('coop-observation-form', CoopObservationForm);

declare global {
  interface HTMLElementTagNameMap {
    'coop-observation-form': CoopObservationForm;
  }
}
