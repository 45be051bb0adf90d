// The person's account: who they are, their membership of the cooperative (apply, resign), export everything,
// erase the account after a clear warning.
import { Task } from '@lit/task';
import { LitElement, css, html, nothing } from 'lit';
import { eraseAccount } from '../../api/account.api.js';
import { applyForMembership, fetchMembershipRules, resignMembership } from '../../api/membership.api.js';
import { ApiError } from '../../api/api-error.js';
import type { Account, Membership } from '../../api/types.js';
import { downloadExport } from '../../api/vault.api.js';
import { LocaleController, formatDate, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';
import '../../components/coop-notification-list/coop-notification-list.js';
import { withStepUp } from '../coop-step-up-dialog/coop-step-up-dialog.js';
import '../coop-notification-settings/coop-notification-settings.js';
import '../coop-second-factor-section/coop-second-factor-section.js';

export class CoopAccountPage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .warning {
        border-left: 6px solid var(--coop-danger);
      }
    `,
  ];

  static override properties = {
    account: { attribute: false },
    exporting: { state: true },
    exportError: { state: true },
    understood: { state: true },
    erasing: { state: true },
    eraseError: { state: true },
    membershipBusy: { state: true },
    membershipMessage: { state: true },
    membershipError: { state: true },
  };

  declare account: Account | null | undefined;
  declare private exporting: string;
  declare private exportError: string;
  declare private understood: boolean;
  declare private erasing: boolean;
  declare private eraseError: string;
  declare private membershipBusy: boolean;
  declare private membershipMessage: string;
  declare private membershipError: string;
  private readonly locale = new LocaleController(this);
  /** The membership rules in force (share capital, notice), for account holders only. */
  private readonly rules = new Task(this, {
    task: async ([role]) => (role === 'member' ? await fetchMembershipRules() : null),
    args: () => [this.account?.role],
  });

  constructor() {
    super();
    this.account = undefined;
    this.exporting = '';
    this.exportError = '';
    this.understood = false;
    this.erasing = false;
    this.eraseError = '';
    this.membershipBusy = false;
    this.membershipMessage = '';
    this.membershipError = '';
  }

  private async onMembership(action: 'apply' | 'resign'): Promise<void> {
    this.membershipBusy = true;
    this.membershipMessage = '';
    this.membershipError = '';
    try {
      const account = action === 'apply' ? await applyForMembership() : await resignMembership();
      this.membershipMessage = t(action === 'apply' ? 'membership.applied' : 'membership.resigned');
      this.dispatchEvent(new CustomEvent('coop-account-changed', { detail: account, bubbles: true, composed: true }));
    } catch {
      this.membershipError = t('common.failed');
    } finally {
      this.membershipBusy = false;
    }
  }

  private renderMembership(membership: Membership) {
    const rules = this.rules.value ?? undefined;
    const canApply = membership.status === 'none' || membership.status === 'refused';
    const canResign = membership.status === 'admitted';
    return html`<section class="card" aria-labelledby="membership-heading">
      <h2 id="membership-heading">${t('membership.heading')}</h2>
      ${
        rules && canApply
          ? html`<p>
              ${t('membership.intro', { amount: rules.shareCapital.amount, currency: rules.shareCapital.currency })}
            </p>`
          : nothing
      }
      <dl>
        <dt>${t('membership.status')}</dt>
        <dd data-testid="membership-status">${t(`membership.status.${membership.status}`)}</dd>
        <dt>${t('membership.votingRights')}</dt>
        <dd>${t(membership.votingRights ? 'membership.yes' : 'membership.no')}</dd>
        ${
          membership.appliedAt
            ? html`<dt>${t('membership.appliedAt')}</dt>
                <dd>${formatDate(membership.appliedAt)}</dd>`
            : nothing
        }
        ${
          membership.endsAt
            ? html`<dt>${t('membership.endsAt')}</dt>
                <dd>${formatDate(membership.endsAt)}</dd>`
            : nothing
        }
        ${
          membership.reason
            ? html`<dt>${t('membership.reason')}</dt>
                <dd>${membership.reason}</dd>`
            : nothing
        }
      </dl>
      ${canResign && rules ? html`<p>${t('membership.resignNotice', { days: rules.resignationNoticeDays })}</p>` : nothing}
      <div class="actions">
        ${
          canApply
            ? html`<button ?disabled=${this.membershipBusy} @click=${() => this.onMembership('apply')}>
                ${t('membership.apply')}
              </button>`
            : nothing
        }
        ${
          canResign
            ? html`<button
                class="secondary"
                ?disabled=${this.membershipBusy}
                @click=${() => this.onMembership('resign')}
              >
                ${t('membership.resign')}
              </button>`
            : nothing
        }
      </div>
      <div role="status">${this.membershipMessage}</div>
      ${this.membershipError ? html`<p class="error" role="alert">${this.membershipError}</p>` : nothing}
    </section>`;
  }

  private async onExport(format: 'json' | 'csv' | 'fhir'): Promise<void> {
    this.exporting = format;
    this.exportError = '';
    try {
      await withStepUp(() => downloadExport(format));
    } catch (error) {
      this.exportError = isUnconfirmed(error) ? t('stepUp.cancelled') : t('common.failed');
    } finally {
      this.exporting = '';
    }
  }

  private onUnderstood(event: Event): void {
    this.understood = (event.target as HTMLInputElement).checked;
  }

  private async onErase(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const password = String(new FormData(event.target as HTMLFormElement).get('password') ?? '');
    this.erasing = true;
    this.eraseError = '';
    try {
      await withStepUp(() => eraseAccount(password));
      this.dispatchEvent(new CustomEvent('coop-account-erased', { bubbles: true, composed: true }));
    } catch (error) {
      this.eraseError =
        error instanceof ApiError && error.code === 'invalid_credentials'
          ? t('erase.wrongPassword')
          : isUnconfirmed(error)
            ? t('stepUp.cancelled')
            : t('common.failed');
    } finally {
      this.erasing = false;
    }
  }

  override render() {
    const account = this.account;
    if (!account) return html`<h1 tabindex="-1">${t('account.title')}</h1>`;
    return html`<h1 tabindex="-1">${t('account.title')}</h1>
      <section class="card" aria-labelledby="notifications-heading">
        <h2 id="notifications-heading">${t('notification.heading')}</h2>
        <coop-notification-list></coop-notification-list>
      </section>
      <section class="card" aria-labelledby="notification-settings-heading">
        <h2 id="notification-settings-heading">${t('notificationSettings.heading')}</h2>
        <coop-notification-settings></coop-notification-settings>
      </section>
      <section class="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">${t('account.profile')}</h2>
        <dl>
          <dt>${t('account.name')}</dt>
          <dd>${account.name}</dd>
          <dt>${t('account.email')}</dt>
          <dd>${account.email}</dd>
          <dt>${t('account.role')}</dt>
          <dd>${t(`role.${account.role}`)}</dd>
          ${
            account.memberSince
              ? html`<dt>${t('account.memberSince')}</dt>
                  <dd>${formatDate(account.memberSince)}</dd>`
              : nothing
          }
          ${
            account.organisation
              ? html`<dt>${t('account.organisation')}</dt>
                  <dd>${account.organisation}</dd>`
              : nothing
          }
          ${
            account.verification
              ? html`<dt>${t('account.verification')}</dt>
                  <dd>${t(`verification.${account.verification}`)}</dd>`
              : nothing
          }
        </dl>
      </section>
      <section class="card" aria-labelledby="second-factor-heading">
        <h2 id="second-factor-heading">${t('secondFactor.heading')}</h2>
        <coop-second-factor-section
          ?enrolled=${account.secondFactor === true}
          ?steward=${account.role === 'steward'}
        ></coop-second-factor-section>
      </section>
      ${account.membership ? this.renderMembership(account.membership) : nothing}
      ${
        account.role === 'member'
          ? html`<section class="card" aria-labelledby="export-heading">
              <h2 id="export-heading">${t('export.heading')}</h2>
              <p>${t('export.intro')}</p>
              <div class="actions">
                ${(['json', 'csv', 'fhir'] as const).map(
                  (format) =>
                    html`<button
                      class="secondary"
                      ?disabled=${this.exporting !== ''}
                      @click=${() => this.onExport(format)}
                    >
                      ${t(`export.${format}`)}
                    </button>`,
                )}
              </div>
              <div role="status">${this.exporting ? t('export.preparing') : ''}</div>
              ${this.exportError ? html`<p class="error" role="alert">${this.exportError}</p>` : nothing}
            </section>`
          : nothing
      }
      ${
        account.role !== 'steward'
          ? html`<section class="card warning" aria-labelledby="erase-heading">
              <h2 id="erase-heading">${t('erase.heading')}</h2>
              <p><strong>${t('erase.warning')}</strong></p>
              <ul>
                <li>${t('erase.point1')}</li>
                <li>${t('erase.point2')}</li>
                <li>${t('erase.point3')}</li>
              </ul>
              <form @submit=${this.onErase}>
                <label class="inline">
                  <input type="checkbox" name="understood" @change=${this.onUnderstood} />
                  ${t('erase.understood')}
                </label>
                <label for="erase-password">${t('erase.password')}</label>
                <input id="erase-password" name="password" type="password" autocomplete="current-password" required />
                <div class="actions">
                  <button class="danger" type="submit" ?disabled=${!this.understood || this.erasing}>
                    ${t('erase.submit')}
                  </button>
                </div>
                ${this.eraseError ? html`<p class="error" role="alert">${this.eraseError}</p>` : nothing}
              </form>
            </section>`
          : nothing
      }`;
  }
}

/** The person closed the step-up dialog without confirming. */
function isUnconfirmed(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'step_up_required';
}

customElements.define('coop-account-page', CoopAccountPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-account-page': CoopAccountPage;
  }
}
