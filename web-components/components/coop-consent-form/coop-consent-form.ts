// The member's consent in plain words: per category none / statistics only / pseudonymised records, the
// conditions, and the studies they left. Fires coop-consent-submitted {consent} when they save.
import { LitElement, css, html } from 'lit';
import type { ConditionName, Consent, ConsentLevel } from '../../api/types.js';
import { LocaleController, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { categories } from '../../src/categories.js';
import { sharedStyles } from '../../src/shared-styles.js';

const levels: readonly ConsentLevel[] = ['none', 'aggregate', 'pseudonymised'];
const conditions: readonly ConditionName[] = [
  'nonCommercialOnly',
  'notForProfitOnly',
  'noAncestryResearch',
  'ethicsApprovalRequired',
];

export class CoopConsentForm extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      td select {
        width: 100%;
      }
    `,
  ];

  static override properties = {
    consent: { attribute: false },
    busy: { type: Boolean },
  };

  declare consent: Consent | undefined;
  declare busy: boolean;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.consent = undefined;
    this.busy = false;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const chosen: Record<string, ConsentLevel> = {};
    for (const category of categories) {
      const level = data.get(`level-${category.code}`);
      if (level === 'aggregate' || level === 'pseudonymised') chosen[category.code] = level;
    }
    const consent: Consent = {
      categories: chosen,
      conditions: Object.fromEntries(conditions.map((c) => [c, data.get(c) === 'on'])) as Record<
        ConditionName,
        boolean
      >,
      optedOutPolicies: this.consent?.optedOutPolicies ?? [],
    };
    this.dispatchEvent(
      new CustomEvent('coop-consent-submitted', { detail: { consent }, bubbles: true, composed: true }),
    );
  }

  override render() {
    const consent = this.consent;
    return html`<form @submit=${this.onSubmit}>
      <p>${t('consent.explain')}</p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">${t('consent.category')}</th>
              <th scope="col">${t('consent.level')}</th>
            </tr>
          </thead>
          <tbody>
            ${categories.map((category) => {
              const current = consent?.categories[category.code] ?? 'none';
              const label = t(`category.${category.code}` as MessageKey);
              return html`<tr>
                <th scope="row"><label for=${`level-${category.code}`}>${label}</label></th>
                <td>
                  <select id=${`level-${category.code}`} name=${`level-${category.code}`}>
                    ${levels.map(
                      (level) =>
                        html`<option value=${level} ?selected=${level === current}>
                          ${t(`consentLevel.${level}`)}
                        </option>`,
                    )}
                  </select>
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
      <p class="muted" data-testid="pseudonymised-explained">${t('consent.pseudonymisedExplained')}</p>
      <fieldset>
        <legend>${t('consent.conditions')}</legend>
        ${conditions.map(
          (condition) =>
            html`<label class="inline">
              <input type="checkbox" name=${condition} ?checked=${consent?.conditions[condition] ?? false} />
              ${t(`condition.${condition}`)}
            </label>`,
        )}
      </fieldset>
      <div class="actions"><button type="submit" ?disabled=${this.busy}>${t('consent.save')}</button></div>
    </form>`;
  }
}

customElements.define('coop-consent-form', CoopConsentForm);

declare global {
  interface HTMLElementTagNameMap {
    'coop-consent-form': CoopConsentForm;
  }
}
