// A query under one approved policy: only what the policy allows is offered, and the ε to spend is chosen before
// running, with what it buys in words (how close a count is, how many such queries are left). Fires
// coop-query-submitted.
import { LitElement, html, nothing } from 'lit';
import type { GroupDimension, Policy, QueryInput, Statistic } from '../../api/types.js';
import { LocaleController, formatNumber, t, tPlural } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { categories } from '../../src/categories.js';
import { EPSILON_STEP, countHalfWidth, defaultEpsilon, maxEpsilon, queriesLeftAfter } from '../../src/query-epsilon.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopQueryForm extends LitElement {
  static override styles = [sharedStyles];

  static override properties = {
    policies: { attribute: false },
    busy: { type: Boolean },
    policyId: { state: true },
    category: { state: true },
    statistic: { state: true },
    epsilonText: { state: true },
  };

  declare policies: Policy[];
  declare busy: boolean;
  declare private policyId: string;
  declare private category: string;
  declare private statistic: string;
  /** The ε input's text as typed; undefined until the researcher changes it (the default is then offered). */
  declare private epsilonText: string | undefined;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.policies = [];
    this.busy = false;
    this.policyId = '';
    this.category = '';
    this.statistic = '';
    this.epsilonText = undefined;
  }

  private get policy(): Policy | undefined {
    return this.policies.find((p) => p.id === this.policyId) ?? this.policies[0];
  }

  private onPolicy(event: Event): void {
    this.policyId = (event.target as HTMLSelectElement).value;
    this.category = '';
    this.statistic = '';
    this.epsilonText = undefined;
  }

  private remaining(policy: Policy): number {
    return policy.remainingEpsilon ?? policy.epsilonBudget;
  }

  /** The ε the input shows: what was typed, else the default for this policy. */
  private epsilonValue(policy: Policy): string {
    return this.epsilonText ?? String(defaultEpsilon(policy.epsilonBudget, this.remaining(policy)));
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
      epsilon: Number(data.get('epsilon')),
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
          <select
            id="category"
            name="category"
            @change=${(e: Event) => (this.category = (e.target as HTMLSelectElement).value)}
          >
            ${policy.categories.map((c) => html`<option value=${c}>${t(`category.${c}` as MessageKey)}</option>`)}
          </select>
        </div>
        <div>
          <label for="statistic">${t('research.statistic')}</label>
          <select
            id="statistic"
            name="statistic"
            @change=${(e: Event) => (this.statistic = (e.target as HTMLSelectElement).value)}
          >
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
      ${this.renderEpsilon(policy)}
      <div class="actions">
        <button type="submit" ?disabled=${this.busy || maxEpsilon(this.remaining(policy)) <= 0}>
          ${t('research.run')}
        </button>
      </div>
    </form>`;
  }

  private renderEpsilon(policy: Policy) {
    const remaining = this.remaining(policy);
    const max = maxEpsilon(remaining);
    const budget = html`<p class="muted" id="epsilon-budget">
      ${t('research.budget', { remaining: formatNumber(remaining, 3), budget: formatNumber(policy.epsilonBudget, 3) })}
    </p>`;
    if (max <= 0)
      return html`${budget}
        <p role="status">${t('researchError.budget_exhausted')}</p>`;
    const value = this.epsilonValue(policy);
    const epsilon = Number(value);
    const category = this.category || policy.categories[0] || '';
    const statistic = this.statistic || policy.statistics[0] || '';
    const components = categories.find((c) => c.code === category)?.components ?? [];
    const valid = value !== '' && epsilon >= EPSILON_STEP && epsilon <= max;
    const halfWidth =
      valid && (statistic === 'count' || statistic === 'histogram')
        ? countHalfWidth(epsilon, components.length)
        : undefined;
    return html`${budget}
      <div>
        <label for="epsilon">${t('research.epsilon')}</label>
        <input
          id="epsilon"
          name="epsilon"
          type="number"
          inputmode="decimal"
          required
          min=${EPSILON_STEP}
          max=${max}
          step=${EPSILON_STEP}
          .value=${value}
          aria-describedby="epsilon-budget epsilon-hint"
          @input=${(e: Event) => (this.epsilonText = (e.target as HTMLInputElement).value)}
        />
      </div>
      <div id="epsilon-hint" class="muted" data-testid="epsilon-hint">
        <p>${t('research.epsilonTradeoff')}</p>
        ${
          valid
            ? html`${
                  components.length > 1
                    ? html`<p>
                        ${t('research.epsilonSplit', {
                          category: t(`category.${category}` as MessageKey),
                          components: components.length,
                          each: formatNumber(epsilon / components.length, 6),
                        })}
                      </p>`
                    : nothing
                }
                ${
                  halfWidth !== undefined
                    ? html`<p>
                        ${t(
                          statistic === 'histogram' ? 'research.epsilonBinPrecision' : 'research.epsilonCountPrecision',
                          {
                            epsilon: formatNumber(epsilon, 3),
                            halfWidth,
                          },
                        )}
                      </p>`
                    : nothing
                }
                <p>
                  ${tPlural('research.epsilonLeft', queriesLeftAfter(epsilon, remaining), {
                    left: formatNumber(Math.max(0, remaining - epsilon), 3),
                  })}
                </p>`
            : html`<p>
                ${t('research.epsilonRange', { min: formatNumber(EPSILON_STEP, 3), max: formatNumber(max, 3) })}
              </p>`
        }
      </div>`;
  }
}

customElements.define('coop-query-form', CoopQueryForm);

declare global {
  interface HTMLElementTagNameMap {
    'coop-query-form': CoopQueryForm;
  }
}
