// The register of members for stewards: name, status, admission date, and for an admitted member the exclusion form
// (a decision with a reason, Art. 846 CO). A leaf: it fires coop-member-excluded {id, name, reason}.
import { LitElement, html, nothing } from 'lit';
import type { RegisterEntry } from '../../api/types.js';
import { LocaleController, formatDateTime, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopMemberRegister extends LitElement {
  static override styles = [sharedStyles];

  static override properties = {
    register: { attribute: false },
    busy: { type: Boolean },
  };

  declare register: RegisterEntry[];
  declare busy: boolean;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.register = [];
    this.busy = false;
  }

  private onExclude(event: SubmitEvent, entry: RegisterEntry): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const reason = String(new FormData(form).get('reason') ?? '').trim();
    if (!form.checkValidity() || reason.length < 3) {
      form.reportValidity();
      return;
    }
    this.dispatchEvent(
      new CustomEvent('coop-member-excluded', {
        detail: { id: entry.id, name: entry.name, reason },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private renderExclusion(entry: RegisterEntry) {
    if (entry.membership.status !== 'admitted') return nothing;
    return html`<details>
      <summary>${t('register.excludeWho', { name: entry.name })}</summary>
      <form @submit=${(e: SubmitEvent) => this.onExclude(e, entry)}>
        <label for=${`exclude-${entry.id}`}>${t('register.excludeReason')}</label>
        <input id=${`exclude-${entry.id}`} name="reason" required minlength="3" maxlength="500" size="30" />
        <div class="actions">
          <button type="submit" class="secondary" ?disabled=${this.busy}>${t('register.exclude')}</button>
        </div>
      </form>
    </details>`;
  }

  override render() {
    if (this.register.length === 0) return html`<p>${t('register.empty')}</p>`;
    return html`<div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">${t('register.name')}</th>
            <th scope="col">${t('register.status')}</th>
            <th scope="col">${t('register.since')}</th>
            <th scope="col">${t('register.actions')}</th>
          </tr>
        </thead>
        <tbody>
          ${this.register.map(
            (entry) =>
              html`<tr>
                <td>${entry.name}</td>
                <td>${t(`membership.status.${entry.membership.status}`)}</td>
                <td>
                  ${
                    entry.membership.status !== 'applicant' &&
                    entry.membership.status !== 'refused' &&
                    entry.membership.decidedAt
                      ? formatDateTime(entry.membership.decidedAt)
                      : ''
                  }
                </td>
                <td>${this.renderExclusion(entry)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}

customElements.define('coop-member-register', CoopMemberRegister);

declare global {
  interface HTMLElementTagNameMap {
    'coop-member-register': CoopMemberRegister;
  }
}
