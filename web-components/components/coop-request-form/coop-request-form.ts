// An access request as a researcher fills it in; fires coop-request-submitted {body} on submit. The DUO use is
// chosen in words (a radio per permission, a checkbox per modifier, each with its explanation: src/duo-terms.ts),
// never typed as codes.
import { LitElement, css, html } from 'lit';
import type { AccessRequestBody, DuoModifier, DuoPermission, GroupDimension, Statistic } from '../../api/types.js';
import { LocaleController, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { categories } from '../../src/categories.js';
import { duoModifiers, duoPermissions, duoTerm } from '../../src/duo-terms.js';
import { sharedStyles } from '../../src/shared-styles.js';

const statistics: readonly Statistic[] = ['count', 'mean', 'quantiles', 'histogram'];
const dimensions: readonly GroupDimension[] = ['ageBand', 'sex', 'region'];

function isoDay(value: FormDataEntryValue | null): string {
  return new Date(`${String(value)}T00:00:00.000Z`).toISOString();
}

export class CoopRequestForm extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .checks {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
      }
      .checks label {
        min-height: 44px;
      }
      .choices {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 22rem), 1fr));
        gap: 0.5rem 1rem;
      }
      label.choice {
        display: flex;
        gap: 0.5rem;
        align-items: flex-start;
        font-weight: normal;
        min-height: 44px;
      }
      label.choice input {
        margin-top: 0.3rem;
        flex: none;
      }
      .code {
        color: var(--coop-muted);
        font-size: 0.85rem;
      }
      textarea {
        width: 100%;
      }
      input[type='text'] {
        width: min(100%, 32rem);
      }
    `,
  ];

  static override properties = { busy: { type: Boolean } };

  declare busy: boolean;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.busy = false;
  }

  /** Clears the form after the page filed the request. */
  reset(): void {
    this.renderRoot.querySelector('form')?.reset();
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const ethics = String(data.get('ethicsApproval') ?? '').trim();
    const permission = String(data.get('permission')) as DuoPermission;
    const disease = String(data.get('disease') ?? '').trim();
    const body: AccessRequestBody = {
      title: String(data.get('title')),
      purpose: String(data.get('purpose')),
      duo: {
        permission,
        modifiers: data.getAll('modifiers').map(String) as DuoModifier[],
        // Only disease-specific research names a disease; the service refuses one with any other use.
        ...(permission === 'DS' && { disease }),
      },
      categories: data.getAll('categories').map(String),
      level: data.get('level') === 'pseudonymised' ? 'pseudonymised' : 'aggregate',
      statistics: data.getAll('statistics').map(String) as Statistic[],
      groupBy: data.getAll('groupBy').map(String) as GroupDimension[],
      period: { from: isoDay(data.get('from')), to: isoDay(data.get('to')) },
      validUntil: isoDay(data.get('validUntil')),
      epsilon: Number(data.get('epsilon')),
      ...(ethics && { ethicsApproval: ethics }),
    };
    this.dispatchEvent(new CustomEvent('coop-request-submitted', { detail: { body }, bubbles: true, composed: true }));
  }

  override render() {
    const year = new Date().getUTCFullYear();
    return html`<form @submit=${this.onSubmit}>
      <label for="title">${t('request.titleField')}</label>
      <input id="title" name="title" type="text" required maxlength="200" />
      <label for="purpose">${t('request.purpose')}</label>
      <textarea id="purpose" name="purpose" rows="3" required maxlength="4000"></textarea>
      <fieldset>
        <legend>${t('request.permission')}</legend>
        <p class="muted" id="permission-hint">${t('request.permissionHint')}</p>
        <div class="choices">
          ${duoPermissions.map((code, i) => {
            const term = duoTerm(code);
            return html`<label class="choice"
              ><input
                type="radio"
                name="permission"
                value=${code}
                ?checked=${i === 0}
                aria-describedby="permission-hint"
              />
              <span
                ><strong>${term.label}</strong> <span class="code">(${code})</span><br />${term.explanation}</span
              ></label
            >`;
          })}
        </div>
        <label for="disease">${t('request.disease')}</label>
        <input id="disease" name="disease" type="text" maxlength="200" />
      </fieldset>
      <fieldset>
        <legend>${t('request.modifiers')}</legend>
        <p class="muted">${t('request.modifiersHint')}</p>
        <div class="choices">
          ${duoModifiers.map((code) => {
            const term = duoTerm(code);
            return html`<label class="choice"
              ><input type="checkbox" name="modifiers" value=${code} />
              <span
                ><strong>${term.label}</strong> <span class="code">(${code})</span><br />${term.explanation}</span
              ></label
            >`;
          })}
        </div>
        <p class="muted">${t('card.duoAttribution')}</p>
      </fieldset>
      <div class="row">
        <div>
          <label for="level">${t('request.level')}</label>
          <select id="level" name="level">
            <option value="aggregate">${t('level.aggregate')}</option>
            <option value="pseudonymised">${t('level.pseudonymised')}</option>
          </select>
        </div>
      </div>
      <fieldset>
        <legend>${t('request.categories')}</legend>
        <div class="checks">
          ${categories.map(
            (c) =>
              html`<label class="inline"
                ><input type="checkbox" name="categories" value=${c.code} />
                ${t(`category.${c.code}` as MessageKey)}</label
              >`,
          )}
        </div>
      </fieldset>
      <fieldset>
        <legend>${t('request.statistics')}</legend>
        <div class="checks">
          ${statistics.map(
            (s) =>
              html`<label class="inline"
                ><input type="checkbox" name="statistics" value=${s} /> ${t(`statistic.${s}`)}</label
              >`,
          )}
        </div>
      </fieldset>
      <fieldset>
        <legend>${t('request.groupBy')}</legend>
        <div class="checks">
          ${dimensions.map(
            (d) =>
              html`<label class="inline"
                ><input type="checkbox" name="groupBy" value=${d} /> ${t(`dimension.${d}`)}</label
              >`,
          )}
        </div>
      </fieldset>
      <div class="row">
        <div>
          <label for="from">${t('request.from')}</label>
          <input id="from" name="from" type="date" required value=${`${year - 2}-01-01`} />
        </div>
        <div>
          <label for="to">${t('request.to')}</label>
          <input id="to" name="to" type="date" required value=${`${year + 1}-01-01`} />
        </div>
        <div>
          <label for="validUntil">${t('request.validUntil')}</label>
          <input id="validUntil" name="validUntil" type="date" required value=${`${year + 1}-06-30`} />
        </div>
        <div>
          <label for="epsilon">${t('request.epsilon')}</label>
          <input id="epsilon" name="epsilon" type="number" min="0.01" max="1000" step="0.01" value="1" required />
        </div>
      </div>
      <label for="ethicsApproval">${t('request.ethics')}</label>
      <input id="ethicsApproval" name="ethicsApproval" type="text" maxlength="200" />
      <div class="actions"><button type="submit" ?disabled=${this.busy}>${t('request.submit')}</button></div>
    </form>`;
  }
}

customElements.define('coop-request-form', CoopRequestForm);

declare global {
  interface HTMLElementTagNameMap {
    'coop-request-form': CoopRequestForm;
  }
}
