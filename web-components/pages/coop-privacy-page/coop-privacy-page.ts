// The member's privacy as "who sees what": every active study and, per category, whether their own data is in it
// now; their consent (three levels explained once, categories grouped), what each version of it changed, what the
// privacy guarantee means, leaving a study, connected apps and the access log of every use of their data.
import { Task } from '@lit/task';
import { LitElement, css, html, nothing } from 'lit';
import { fetchAccessLog, fetchConsent, fetchMemberStudies, saveConsent } from '../../api/consent.api.js';
import type { Consent, ConsentChange, ConsentView, MemberStudy } from '../../api/types.js';
import '../../components/coop-consent-form/coop-consent-form.js';
import '../../components/coop-connected-apps/coop-connected-apps.js';
import { LocaleController, formatDate, formatDateTime, formatNumber, hasMessage, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopPrivacyPage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      ul.inclusion {
        list-style: none;
        padding-left: 0;
      }
      ul.inclusion li {
        border-left: 4px solid var(--coop-border);
        padding: 0.15rem 0 0.15rem 0.5rem;
        margin: 0.25rem 0;
      }
      /* The words say it; the bar only helps the eye. */
      ul.inclusion li[data-included='yes'] {
        border-left-color: var(--coop-accent);
        font-weight: 600;
      }
    `,
  ];

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
  private readonly studies = new Task(this, { task: () => fetchMemberStudies(), args: () => [] });
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
      // Which study uses which category follows the consent: read it again.
      void this.studies.run();
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

  /** One change of a consent version in words. */
  private changeText(change: ConsentChange, titles: ReadonlyMap<string, string>): string {
    switch (change.kind) {
      case 'level':
        return t('consent.change.level', {
          category: t(`category.${change.category}` as MessageKey),
          from: t(`consentLevel.${change.from}`),
          to: t(`consentLevel.${change.to}`),
        });
      case 'condition':
        return t(change.on ? 'consent.change.conditionOn' : 'consent.change.conditionOff', {
          condition: t(`condition.${change.condition}`),
        });
      case 'left':
        return t('consent.change.left', { title: titles.get(change.policyId) ?? change.policyId });
      case 'rejoined':
        return t('consent.change.rejoined', { title: titles.get(change.policyId) ?? change.policyId });
    }
  }

  private renderHistory(view: ConsentView | undefined) {
    if (!view || view.history.length === 0) return html`<p>${t('consent.never')}</p>`;
    const titles = new Map((this.studies.value ?? []).map((s) => [s.id, s.title]));
    return html`<ol class="history" data-testid="consent-history" reversed>
      ${[...view.history].reverse().map(
        (v) =>
          html`<li>
            ${t('consent.change.entry', {
              when: formatDate(v.recordedAt),
              changes:
                v.changes.length === 0
                  ? t('consent.change.none')
                  : v.changes
                      .map((c) => this.changeText(c as ConsentChange, titles))
                      .join(t('consent.change.separator')),
            })}
          </li>`,
      )}
    </ol>`;
  }

  private renderStudy(study: MemberStudy) {
    const who = [study.researcher.name, study.researcher.organisation].filter((x) => x).join(', ');
    return html`<li class="card" data-testid="study-card">
      <h3>${study.title}</h3>
      <dl>
        <dt>${t('studies.who')}</dt>
        <dd>${who || t('studies.whoUnknown')}</dd>
        <dt>${t('studies.purpose')}</dt>
        <dd>${study.purpose}</dd>
        <dt>${t('studies.level')}</dt>
        <dd>${t(`level.${study.level}`)}</dd>
        <dt>${t('studies.untilLabel')}</dt>
        <dd>${formatDate(study.validUntil)}</dd>
      </dl>
      ${
        study.left
          ? html`<p class="success" data-testid="study-left"><strong>${t('studies.youLeft')}</strong></p>`
          : nothing
      }
      <h4>${t('studies.yourData')}</h4>
      <ul class="inclusion">
        ${study.categories.map(
          (c) =>
            html`<li data-included=${c.included ? 'yes' : 'no'}>
              ${
                c.included
                  ? t('studies.included', { category: t(`category.${c.category}` as MessageKey) })
                  : t('studies.notIncluded', {
                      category: t(`category.${c.category}` as MessageKey),
                      why: hasMessage(`studies.reason.${c.reason}`)
                        ? t(`studies.reason.${c.reason}` as MessageKey)
                        : c.reason,
                    })
              }
            </li>`,
        )}
      </ul>
      <p class="muted" data-testid="guarantee">
        ${t('studies.guarantee', {
          epsilon: study.epsilonBudget,
          factor: formatNumber(Number(Math.exp(study.epsilonBudget).toPrecision(3))),
          min: study.minCellSize,
          remaining: study.remainingEpsilon,
        })}
      </p>
      ${
        study.left
          ? html`<button
              class="secondary"
              ?disabled=${this.saving}
              @click=${() => this.onRejoin(study.id, study.title)}
            >
              ${t('studies.rejoin')}
            </button>`
          : html`<button class="secondary" ?disabled=${this.saving} @click=${() => this.onLeave(study.id, study.title)}>
              ${t('studies.leave', { title: study.title })}
            </button>`
      }
    </li>`;
  }

  override render() {
    const view = this.view;
    return html`<h1 tabindex="-1">${t('privacy.title')}</h1>
      <div role="status">${this.message ? html`<p class="success">${this.message}</p>` : nothing}</div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <section class="card" aria-labelledby="studies-heading">
        <h2 id="studies-heading">${t('studies.heading')}</h2>
        <p>${t('studies.explain')}</p>
        ${this.studies.render({
          pending: () => html`<p role="status">${t('common.loading')}</p>`,
          error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
          complete: (studies) =>
            studies.length === 0
              ? html`<p>${t('studies.none')}</p>`
              : html`<ul>
                  ${studies.map((s) => this.renderStudy(s))}
                </ul>`,
        })}
      </section>
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
              ${this.renderHistory(view)}`,
        })}
      </section>
      <section class="card" aria-labelledby="guarantee-heading">
        <h2 id="guarantee-heading">${t('guarantee.heading')}</h2>
        <p>${t('guarantee.explain')}</p>
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
