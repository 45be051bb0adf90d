// A ballot in two steps: choose, then confirm. Fires coop-ballot-confirmed {choice} only when the member
// confirms; "go back" returns to the choice without sending anything.
import { LitElement, css, html, type TemplateResult } from 'lit';
import type { Choice } from '../../api/types.js';
import { LocaleController, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

const choices: readonly Choice[] = ['yes', 'no', 'abstain'];

export class CoopBallotForm extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .choice {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        min-height: 44px;
        font-weight: normal;
        margin: 0;
      }
      .confirm {
        border-left: 4px solid var(--coop-accent);
        padding-left: 0.75rem;
      }
    `,
  ];

  static override properties = {
    changing: { type: Boolean },
    busy: { type: Boolean },
    selected: { state: true },
    confirming: { state: true },
    missing: { state: true },
  };

  declare changing: boolean;
  declare busy: boolean;
  declare private selected: Choice | undefined;
  declare private confirming: boolean;
  declare private missing: boolean;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.changing = false;
    this.busy = false;
    this.selected = undefined;
    this.confirming = false;
    this.missing = false;
  }

  /** Back to the first step (the page calls this after the ballot was recorded). */
  reset(): void {
    this.selected = undefined;
    this.confirming = false;
  }

  private onChoose(event: Event): void {
    this.selected = (event.target as HTMLInputElement).value as Choice;
    this.missing = false;
  }

  private async onContinue(event: Event): Promise<void> {
    event.preventDefault();
    // The submit button stays enabled so Enter on a radio submits (the platform's implicit submission);
    // without a choice the form says what is missing instead of doing nothing.
    if (!this.selected) {
      this.missing = true;
      await this.updateComplete;
      (this.renderRoot.querySelector('input[name="choice"]') as HTMLElement | null)?.focus();
      return;
    }
    this.confirming = true;
    await this.updateComplete;
    (this.renderRoot.querySelector('#confirm-heading') as HTMLElement | null)?.focus();
  }

  private async onBack(): Promise<void> {
    this.confirming = false;
    await this.updateComplete;
    (this.renderRoot.querySelector(`input[value="${this.selected}"]`) as HTMLElement | null)?.focus();
  }

  private onConfirm(): void {
    if (!this.selected) return;
    this.dispatchEvent(
      new CustomEvent('coop-ballot-confirmed', { detail: { choice: this.selected }, bubbles: true, composed: true }),
    );
  }

  override render(): TemplateResult {
    if (this.confirming && this.selected) {
      return html`<div class="confirm">
        <h3 id="confirm-heading" tabindex="-1">${t('ballot.confirmHeading')}</h3>
        <p>${t('ballot.confirmText', { choice: t(`choice.${this.selected}`) })}</p>
        <div class="actions">
          <button @click=${this.onConfirm} ?disabled=${this.busy}>
            ${this.changing ? t('ballot.confirmChange') : t('ballot.confirm')}
          </button>
          <button class="secondary" @click=${this.onBack} ?disabled=${this.busy}>${t('ballot.back')}</button>
        </div>
      </div>`;
    }
    return html`<form @submit=${this.onContinue}>
      <fieldset aria-describedby="ballot-hint">
        <legend>${this.changing ? t('ballot.legendChange') : t('ballot.legend')}</legend>
        ${choices.map(
          (choice) =>
            html`<label class="choice">
              <input
                type="radio"
                name="choice"
                value=${choice}
                .checked=${this.selected === choice}
                @change=${this.onChoose}
              />
              ${t(`choice.${choice}`)}
            </label>`,
        )}
      </fieldset>
      <p id="ballot-hint" class=${this.missing ? 'error' : 'muted'} role=${this.missing ? 'alert' : 'none'}>
        ${this.missing ? t('ballot.chooseFirst') : t('ballot.hint')}
      </p>
      <div class="actions"><button type="submit">${t('ballot.continue')}</button></div>
    </form>`;
  }
}

customElements.define('coop-ballot-form', CoopBallotForm);

declare global {
  interface HTMLElementTagNameMap {
    'coop-ballot-form': CoopBallotForm;
  }
}
