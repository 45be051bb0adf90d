// The member's privacy: consent per category (their key), its history, what the privacy guarantee means for them,
// the studies they can leave with each one's guarantee, and the access log of every research use of their data.
import { Task } from '@lit/task';
import { LitElement, html, nothing } from 'lit';
import { fetchAccessLog, fetchConsent, saveConsent } from '../../api/consent.api.js';
import { fetchPolicies } from '../../api/research.api.js';
import type { Consent, ConsentView } from '../../api/types.js';
import '../../components/coop-consent-form/coop-consent-form.js';
import '../../components/coop-connected-apps/coop-connected-apps.js';
import { LocaleController, formatDateTime, formatNumber, hasMessage, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopPrivacyPage extends LitElement {
  static override styles = [sharedStyles];

  static override properties = {
    view: { state: true },
    saving: { state: true },
    message: { state: true },
    error: { state: true },
  };

  declare private view: ConsentView | undefined;
  declare private saving: boolean;
  declare private message: string;
  declare private error: string;
  private readonly locale = new LocaleController(this);

  private readonly consent = new Task(this, {
    task: async () => (this.view = await fetchConsent()),
    args: () => [],
  });
  private readonly studies = new Task(this, { task: () => fetchPolicies(), args: () => [] });
  private readonly log = new Task(this, { task: () => fetchAccessLog(), args: () => [] });

  constructor() {
    super();
    this.view = undefined;
    this.saving = false;
    this.message = '';
    this.error = '';
  }

  private async save(consent: Consent, message: string): Promise<void> {
    this.saving = true;
    this.message = '';
    this.error = '';
    try {
      this.view = await saveConsent(consent);
      this.message = message;
    } catch {
      this.error = t('common.failed');
    } finally {
      this.saving = false;
    }
  }

  private onConsent(event: CustomEvent<{ consent: Consent }>): void {
    void this.save(event.detail.consent, t('consent.saved'));
  }

  private onLeave(policyId: string, title: string): void {
    const current = this.view?.consent;
    if (!current) return;
    void this.save(
      { ...current, optedOutPolicies: [...new Set([...current.optedOutPolicies, policyId])] },
      t('studies.left', { title }),
    );
  }

  private onRejoin(policyId: string, title: string): void {
    const current = this.view?.consent;
    if (!current) return;
    void this.save(
      { ...current, optedOutPolicies: current.optedOutPolicies.filter((id) => id !== policyId) },
      t('studies.rejoined', { title }),
    );
  }

  override render() {
    const view = this.view;
    return html`<h1 tabindex="-1">${t('privacy.title')}</h1>
      <div role="status">${this.message ? html`<p class="success">${this.message}</p>` : nothing}</div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <section class="card" aria-labelledby="consent-heading">
        <h2 id="consent-heading">${t('consent.heading')}</h2>
        ${this.consent.render({
          pending: () => html`<p role="status">${t('common.loading')}</p>`,
          error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
          complete: () =>
            html`<coop-consent-form
                .consent=${view?.consent}
                .busy=${this.saving}
                @coop-consent-submitted=${this.onConsent}
              ></coop-consent-form>
              <h3>${t('consent.history')}</h3>
              ${
                view && view.history.length > 0
                  ? html`<ul>
                      ${[...view.history]
                        .reverse()
                        .map(
                          (v) =>
                            html`<li>
                              ${t('consent.version', { version: v.version, when: formatDateTime(v.recordedAt) })}
                            </li>`,
                        )}
                    </ul>`
                  : html`<p>${t('consent.never')}</p>`
              }`,
        })}
      </section>
      <section class="card" aria-labelledby="guarantee-heading">
        <h2 id="guarantee-heading">${t('guarantee.heading')}</h2>
        <p>${t('guarantee.explain')}</p>
      </section>
      <section class="card" aria-labelledby="studies-heading">
        <h2 id="studies-heading">${t('studies.heading')}</h2>
        ${this.studies.render({
          pending: () => html`<p role="status">${t('common.loading')}</p>`,
          error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
          complete: (policies) =>
            policies.length === 0
              ? html`<p>${t('studies.none')}</p>`
              : html`<ul>
                  ${policies.map((p) => {
                    const left = view?.consent.optedOutPolicies.includes(p.id) ?? false;
                    return html`<li class="card">
                      <p><strong>${p.title}</strong> — ${p.purpose}</p>
                      <p class="muted">
                        ${p.categories.map((c) => t(`category.${c}` as MessageKey)).join(', ')} ·
                        ${t('studies.until', { when: formatDateTime(p.validUntil) })}
                      </p>
                      <p data-testid="guarantee">
                        ${t('studies.guarantee', {
                          epsilon: p.epsilonBudget,
                          factor: formatNumber(Number(Math.exp(p.epsilonBudget).toPrecision(3))),
                          min: p.minCellSize,
                          remaining: p.remainingEpsilon ?? p.epsilonBudget,
                        })}
                      </p>
                      ${
                        left
                          ? html`<p>${t('studies.youLeft')}</p>
                              <button
                                class="secondary"
                                ?disabled=${this.saving}
                                @click=${() => this.onRejoin(p.id, p.title)}
                              >
                                ${t('studies.rejoin')}
                              </button>`
                          : html`<button
                              class="secondary"
                              ?disabled=${this.saving}
                              @click=${() => this.onLeave(p.id, p.title)}
                            >
                              ${t('studies.leave', { title: p.title })}
                            </button>`
                      }
                    </li>`;
                  })}
                </ul>`,
        })}
      </section>
      <coop-connected-apps></coop-connected-apps>
      <section class="card" aria-labelledby="log-heading">
        <h2 id="log-heading">${t('accessLog.heading')}</h2>
        <p>${t('accessLog.explain')}</p>
        ${this.log.render({
          pending: () => html`<p role="status">${t('common.loading')}</p>`,
          error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
          complete: (entries) =>
            entries.length === 0
              ? html`<p>${t('accessLog.none')}</p>`
              : html`<div class="table-wrap" role="region" tabindex="0" aria-label=${t('accessLog.heading')}>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">${t('accessLog.when')}</th>
                        <th scope="col">${t('accessLog.study')}</th>
                        <th scope="col">${t('accessLog.what')}</th>
                        <th scope="col">${t('accessLog.purpose')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${entries.map((e) =>
                        e.kind === 'app'
                          ? html`<tr>
                              <td>${formatDateTime(e.at)}</td>
                              <td>${t('accessLog.app', { app: e.app.name })}</td>
                              <td>
                                ${t(`accessLog.app.${e.interaction}` as MessageKey, {
                                  count: e.count,
                                  resource: hasMessage(`accessLog.resource.${e.resourceType}`)
                                    ? t(`accessLog.resource.${e.resourceType}` as MessageKey)
                                    : e.resourceType,
                                })}
                              </td>
                              <td>${t('accessLog.app.why')}</td>
                            </tr>`
                          : html`<tr>
                              <td>${formatDateTime(e.at)}</td>
                              <td>${e.study}</td>
                              <td>
                                ${t(`category.${e.category}` as MessageKey)}
                                (${
                                  e.kind === 'export'
                                    ? t('accessLog.export')
                                    : e.statistic
                                      ? t(`statistic.${e.statistic}` as MessageKey)
                                      : ''
                                })
                              </td>
                              <td>${e.purpose}</td>
                            </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`,
        })}
      </section>`;
  }
}

customElements.define('coop-privacy-page', CoopPrivacyPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-privacy-page': CoopPrivacyPage;
  }
}
