// The researcher's desk: file an access request and follow it, then query within an approved policy.
import { Task } from '@lit/task';
import { LitElement, html, nothing } from 'lit';
import { ApiError } from '../../api/api-error.js';
import { fetchPolicies, fetchRequests, fileRequest, runQuery } from '../../api/research.api.js';
import type { AccessRequestBody, QueryAnswer, QueryInput, ResearchRequest } from '../../api/types.js';
import '../../components/coop-query-form/coop-query-form.js';
import '../../components/coop-query-result/coop-query-result.js';
import '../../components/coop-request-form/coop-request-form.js';
import type { CoopRequestForm } from '../../components/coop-request-form/coop-request-form.js';
import { LocaleController, formatDateTime, hasMessage, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { sharedStyles } from '../../src/shared-styles.js';

function errorText(error: unknown): string {
  if (!(error instanceof ApiError)) return t('common.failed');
  const known = hasMessage(`researchError.${error.code}`) ? t(`researchError.${error.code}` as MessageKey) : '';
  const details = error.details.map((d) => d.message).join(' ');
  return [known || error.message || t('common.failed'), details].filter(Boolean).join(' ');
}

/**
 * Where a request stands, from its proposal's status (a policy id is set when the proposal is made: it is the id
 * the policy would have, not an approval).
 */
export function requestStatusText(r: ResearchRequest): string {
  const proposal = r.proposal;
  if (!proposal) return r.status === 'proposed' ? t('requestStatus.proposed') : t('requestStatus.submitted');
  if (proposal.status === 'rejected') {
    const reason = proposal.outcome ? t(`reason.${proposal.outcome.reason}`) : '';
    return t('requestStatus.rejected', { reason });
  }
  return t(`requestStatus.${proposal.status}`);
}

export class CoopResearchPage extends LitElement {
  static override styles = [sharedStyles];

  static override properties = {
    filing: { state: true },
    fileMessage: { state: true },
    fileError: { state: true },
    querying: { state: true },
    answer: { state: true },
    queryError: { state: true },
  };

  declare private filing: boolean;
  /** The key of the message shown after filing, so that it follows a change of language. */
  declare private fileMessage: MessageKey | '';
  declare private fileError: string;
  declare private querying: boolean;
  declare private answer: QueryAnswer | undefined;
  declare private queryError: string;
  private readonly locale = new LocaleController(this);

  private readonly requests = new Task(this, { task: () => fetchRequests(), args: () => [] });
  private readonly policies = new Task(this, { task: () => fetchPolicies(), args: () => [] });

  constructor() {
    super();
    this.filing = false;
    this.fileMessage = '';
    this.fileError = '';
    this.querying = false;
    this.answer = undefined;
    this.queryError = '';
  }

  private async onRequest(event: CustomEvent<{ body: AccessRequestBody }>): Promise<void> {
    const form = event.target as CoopRequestForm;
    this.filing = true;
    this.fileMessage = '';
    this.fileError = '';
    try {
      await fileRequest(event.detail.body);
      this.fileMessage = 'request.filed';
      form.reset();
      void this.requests.run();
    } catch (error) {
      this.fileError = errorText(error);
    } finally {
      this.filing = false;
    }
  }

  private async onQuery(event: CustomEvent<{ input: QueryInput }>): Promise<void> {
    this.querying = true;
    this.queryError = '';
    try {
      this.answer = await runQuery(event.detail.input);
      void this.policies.run();
    } catch (error) {
      this.answer = undefined;
      this.queryError = errorText(error);
    } finally {
      this.querying = false;
    }
  }

  // The form stays while the policies are re-read after an answer (their ε left changes), so that what the
  // researcher chose (policy, data, statistic, groups, ε) is kept for the next question.
  private renderQueryForm() {
    const policies = this.policies.value;
    if (policies === undefined) {
      return this.policies.render({
        pending: () => html`<p role="status">${t('common.loading')}</p>`,
        error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
      });
    }
    return html`<coop-query-form
      .policies=${policies}
      .busy=${this.querying}
      @coop-query-submitted=${this.onQuery}
    ></coop-query-form>`;
  }

  override render() {
    return html`<h1 tabindex="-1">${t('research.title')}</h1>
      <section class="card" aria-labelledby="query-heading">
        <h2 id="query-heading">${t('research.queryHeading')}</h2>
        ${this.renderQueryForm()}
        ${this.queryError ? html`<p class="error" role="alert">${this.queryError}</p>` : nothing}
        <div role="status">${this.querying ? t('common.loading') : ''}</div>
        <coop-query-result .answer=${this.answer}></coop-query-result>
      </section>
      <section class="card" aria-labelledby="requests-heading">
        <h2 id="requests-heading">${t('research.requests')}</h2>
        ${this.requests.render({
          pending: () => html`<p role="status">${t('common.loading')}</p>`,
          error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
          complete: (list) =>
            list.length === 0
              ? html`<p>${t('research.noRequests')}</p>`
              : html`<div class="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">${t('request.titleField')}</th>
                        <th scope="col">${t('votes.colStatus')}</th>
                        <th scope="col">${t('research.filedAt')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${list.map(
                        (r) =>
                          html`<tr>
                            <td>${String(r.request.title ?? '')}</td>
                            <td data-testid="request-status">${requestStatusText(r)}</td>
                            <td>${formatDateTime(r.createdAt)}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`,
        })}
      </section>
      <section class="card" aria-labelledby="file-heading">
        <h2 id="file-heading">${t('request.heading')}</h2>
        <coop-request-form .busy=${this.filing} @coop-request-submitted=${this.onRequest}></coop-request-form>
        <div role="status">${this.fileMessage ? html`<p class="success">${t(this.fileMessage)}</p>` : nothing}</div>
        ${this.fileError ? html`<p class="error" role="alert">${this.fileError}</p>` : nothing}
      </section>`;
  }
}

customElements.define('coop-research-page', CoopResearchPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-research-page': CoopResearchPage;
  }
}
