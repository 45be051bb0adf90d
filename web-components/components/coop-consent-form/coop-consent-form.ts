// The member's consent in plain words: the three levels explained once, then per category (grouped by what it
// measures, each named with its unit in words) a choice of level, the conditions, and save. Fires
// coop-consent-submitted {consent} when they save; the studies they left are kept as they are.
import { LitElement, css, html } from 'lit';
import type { ConditionName, Consent, ConsentLevel } from '../../api/types.js';
import { LocaleController, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { categoryGroups } from '../../src/categories.js';
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
      .choices {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1.25rem;
      }
      fieldset.category legend {
        font-weight: 600;
      }
      fieldset.category .unit {
        font-weight: normal;
        color: var(--coop-muted, #4a545e);
      }
      .group {
        margin-top: 1rem;
      }
      dl.levels {
        grid-template-columns: minmax(8rem, 14rem) 1fr;
      }
      @media (max-width: 480px) {
        dl.levels {
          grid-template-columns: 1fr;
        }
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
    for (const group of categoryGroups) {
      for (const category of group.categories) {
        const level = data.get(`level-${category.code}`);
        if (level === 'aggregate' || level === 'pseudonymised') chosen[category.code] = level;
      }
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
      <dl class="levels" data-testid="levels-explained">
        ${levels.map(
          (level) =>
            html`<dt>${t(`consentLevel.${level}`)}</dt>
              <dd>${t(`consentLevel.${level}.explain`)}</dd>`,
        )}
      </dl>
      <p class="muted" data-testid="pseudonymised-explained">${t('consent.pseudonymisedExplained')}</p>
      ${categoryGroups.map(
        (group) =>
          html`<div class="group">
            <h3>${t(`categoryGroup.${group.name}` as MessageKey)}</h3>
            ${group.categories.map((category) => {
              const current = consent?.categories[category.code] ?? 'none';
              return html`<fieldset class="category">
                <legend>
                  ${t(`category.${category.code}` as MessageKey)}
                  <span class="unit">(${t(`categoryUnit.${category.code}` as MessageKey)})</span>
                </legend>
                <div class="choices">
                  ${levels.map(
                    (level) =>
                      html`<label class="inline">
                        <input
                          type="radio"
                          name=${`level-${category.code}`}
                          value=${level}
                          .checked=${level === current}
                        />
                        ${t(`consentLevel.${level}`)}
                      </label>`,
                  )}
                </div>
              </fieldset>`;
            })}
          </div>`,
      )}
      <fieldset>
        <legend>${t('consent.conditions')}</legend>
        ${conditions.map(
          (condition) =>
            html`<label class="inline">
              <input type="checkbox" name=${condition} .checked=${consent?.conditions[condition] ?? false} />
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
