// An access request as a researcher fills it in; fires coop-request-submitted {body} on submit.
import { LitElement, css, html } from 'lit';
import type { AccessRequestBody, DuoModifier, DuoPermission, GroupDimension, Statistic } from '../../api/types.js';
import { LocaleController, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { categories } from '../../src/categories.js';
import { sharedStyles } from '../../src/shared-styles.js';

const permissions = ['HMB', 'GRU', 'DS', 'POA', 'NRES'] as const;
const modifiers = ['NPUNCU', 'NCU', 'NPU', 'IRB', 'PUB'] as const;
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
    const body: AccessRequestBody = {
      title: String(data.get('title')),
      purpose: String(data.get('purpose')),
      duo: {
        permission: String(data.get('permission')) as DuoPermission,
        modifiers: data.getAll('modifiers').map(String) as DuoModifier[],
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
      <div class="row">
        <div>
          <label for="permission">${t('request.permission')}</label>
          <select id="permission" name="permission">
            ${permissions.map((p) => html`<option value=${p}>${p} — ${t(`duo.${p}`)}</option>`)}
          </select>
        </div>
        <div>
          <label for="level">${t('request.level')}</label>
          <select id="level" name="level">
            <option value="aggregate">${t('level.aggregate')}</option>
            <option value="pseudonymised">${t('level.pseudonymised')}</option>
          </select>
        </div>
      </div>
      <fieldset>
        <legend>${t('request.modifiers')}</legend>
        <div class="checks">
          ${modifiers.map(
            (m) =>
              html`<label class="inline"
                ><input type="checkbox" name="modifiers" value=${m} /> ${m} — ${t(`duo.${m}`)}</label
              >`,
          )}
        </div>
      </fieldset>
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
