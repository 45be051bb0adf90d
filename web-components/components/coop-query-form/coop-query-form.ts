// A query under one approved policy: only what the policy allows is offered. Fires coop-query-submitted.
import { LitElement, html, nothing } from 'lit';
import type { GroupDimension, Policy, QueryInput, Statistic } from '../../api/types.js';
import { LocaleController, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopQueryForm extends LitElement {
  static override styles = [sharedStyles];

  static override properties = {
    policies: { attribute: false },
    busy: { type: Boolean },
    policyId: { state: true },
  };

  declare policies: Policy[];
  declare busy: boolean;
  declare private policyId: string;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.policies = [];
    this.busy = false;
    this.policyId = '';
  }

  private get policy(): Policy | undefined {
    return this.policies.find((p) => p.id === this.policyId) ?? this.policies[0];
  }

  private onPolicy(event: Event): void {
    this.policyId = (event.target as HTMLSelectElement).value;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const policy = this.policy;
    if (!policy) return;
    const data = new FormData(event.target as HTMLFormElement);
    const input: QueryInput = {
      policyId: policy.id,
      category: String(data.get('category')),
      statistic: String(data.get('statistic')) as Statistic,
      groupBy: data.getAll('groupBy').map(String) as GroupDimension[],
    };
    this.dispatchEvent(new CustomEvent('coop-query-submitted', { detail: { input }, bubbles: true, composed: true }));
  }

  override render() {
    const policy = this.policy;
    if (!policy) return html`<p>${t('research.noPolicies')}</p>`;
    return html`<form @submit=${this.onSubmit}>
      <div class="row">
        <div>
          <label for="policy">${t('research.policy')}</label>
          <select id="policy" @change=${this.onPolicy}>
            ${this.policies.map((p) => html`<option value=${p.id} ?selected=${p.id === policy.id}>${p.title}</option>`)}
          </select>
        </div>
        <div>
          <label for="category">${t('request.categoryOne')}</label>
          <select id="category" name="category">
            ${policy.categories.map((c) => html`<option value=${c}>${t(`category.${c}` as MessageKey)}</option>`)}
          </select>
        </div>
        <div>
          <label for="statistic">${t('research.statistic')}</label>
          <select id="statistic" name="statistic">
            ${policy.statistics.map((s) => html`<option value=${s}>${t(`statistic.${s}`)}</option>`)}
          </select>
        </div>
      </div>
      ${
        policy.groupBy.length > 0
          ? html`<fieldset>
              <legend>${t('request.groupBy')}</legend>
              ${policy.groupBy.map(
                (d) =>
                  html`<label class="inline"
                    ><input type="checkbox" name="groupBy" value=${d} /> ${t(`dimension.${d}`)}</label
                  >`,
              )}
            </fieldset>`
          : nothing
      }
      <p class="muted">
        ${t('research.budget', {
          remaining: policy.remainingEpsilon ?? policy.epsilonBudget,
          budget: policy.epsilonBudget,
        })}
      </p>
      <div class="actions"><button type="submit" ?disabled=${this.busy}>${t('research.run')}</button></div>
    </form>`;
  }
}

customElements.define('coop-query-form', CoopQueryForm);

declare global {
  interface HTMLElementTagNameMap {
    'coop-query-form': CoopQueryForm;
  }
}
