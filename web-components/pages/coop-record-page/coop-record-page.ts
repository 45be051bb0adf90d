// The public record, for anyone without signing in: access policies (who asks, what, why, ε spent, valid until),
// requests and their status, the assembly's counted decisions with totals and ballot-list digest, and the signed
// audit checkpoints, and a receipt check: a pasted receipt is looked up in the published ballot list in this browser
// (the list is fetched whole, so the service never learns which receipt anyone checks).
import { Task } from '@lit/task';
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { fetchPublicRecord, fetchPublicResults } from '../../api/record.api.js';
import type { PublicRecord } from '../../api/types.js';
import type { MessageKey } from '../../i18n/en.js';
import { LocaleController, formatDate, formatDateTime, formatNumber, t, tPlural } from '../../i18n/i18n.js';
import { checkReceipt, normaliseReceipt, type ReceiptCheck } from '../../src/receipt-check.js';
import { sharedStyles } from '../../src/shared-styles.js';

type RecordPolicy = PublicRecord['policies'][number];
type RecordRequest = PublicRecord['requests'][number];
type RecordProposal = PublicRecord['proposals'][number];
type CheckState = { kind: 'idle' | 'invalid' | 'checking' | 'failed' } | { kind: 'done'; result: ReceiptCheck };

export class CoopRecordPage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      code {
        word-break: break-all;
        font-size: 0.85em;
      }
      .check-form {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 0.5rem;
        max-width: 44rem;
      }
      .check-form select,
      .check-form input {
        box-sizing: border-box;
        width: 100%;
        min-width: 0;
        font-family: inherit;
      }
    `,
  ];

  static override properties = {
    check: { state: true },
  };

  declare private check: CheckState;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.check = { kind: 'idle' };
  }

  private readonly data = new Task(this, { task: () => fetchPublicRecord(), args: () => [] });

  private policyRow(p: RecordPolicy): TemplateResult {
    return html`<tr>
      <td>${p.title}</td>
      <td>${p.organisation ?? t('record.unknownOrganisation')}</td>
      <td>${p.categories.map((c) => t(`category.${c}` as MessageKey)).join(', ')} — ${t(`level.${p.level}`)}</td>
      <td>${p.purpose}</td>
      <td>${t('record.budget', { spent: formatNumber(p.epsilonSpent), total: formatNumber(p.epsilonBudget) })}</td>
      <td>${formatDate(p.validUntil)}</td>
      <td>${t(`policyStatus.${p.status}`)}</td>
    </tr>`;
  }

  private requestRow(r: RecordRequest): TemplateResult {
    const status = r.status === 'filed' ? t('record.requestStatus.filed') : t(`status.${r.status}`);
    return html`<tr>
      <td>${r.title}</td>
      <td>${r.organisation ?? t('record.unknownOrganisation')}</td>
      <td>${r.purpose}</td>
      <td>${formatDate(r.filedAt)}</td>
      <td>${status}</td>
    </tr>`;
  }

  private proposalRow(p: RecordProposal): TemplateResult {
    const enactment = p.enactment
      ? p.enactment.enacted
        ? t('record.enacted')
        : t('record.notEnacted', { reason: t(`enactment.${p.enactment.reason!}` as MessageKey) })
      : '';
    return html`<tr>
      <td>${p.title} <small>(${t(`kind.${p.kind}`)})</small></td>
      <td>
        ${t(`outcome.${p.outcome}`)} —
        ${t(`reason.${p.reason}` as MessageKey) + (enactment ? t('record.reasonSeparator') : '')}${
          enactment ? html`<em>${enactment}</em>` : ''
        }
      </td>
      <td>${t('record.totals', { ...p.totals })}</td>
      <td>${formatDateTime(p.closesAt)}</td>
      <td><code>${p.ballotListDigest}</code></td>
    </tr>`;
  }

  private async onCheck(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const receipt = normaliseReceipt(String(data.get('receipt') ?? ''));
    if (receipt === null) {
      this.check = { kind: 'invalid' };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#check-receipt')?.focus();
      return;
    }
    this.check = { kind: 'checking' };
    try {
      const results = await fetchPublicResults(String(data.get('proposal') ?? ''));
      this.check = { kind: 'done', result: checkReceipt(results.ballots, receipt) };
    } catch {
      this.check = { kind: 'failed' };
    }
  }

  private checkMessage(): TemplateResult | typeof nothing {
    const check = this.check;
    if (check.kind === 'checking') return html`<p>${t('common.loading')}</p>`;
    if (check.kind === 'failed') return html`<p class="error">${t('record.checkFailed')}</p>`;
    if (check.kind !== 'done') return nothing;
    return check.result.found
      ? html`<p class="success" data-testid="receipt-check">
          ${t('record.checkCounted', { choice: t(`choice.${check.result.choice}`) })}
        </p>`
      : html`<p class="error" data-testid="receipt-check">${t('record.checkNotFound')}</p>`;
  }

  private renderCheck(proposals: RecordProposal[]): TemplateResult {
    const invalid = this.check.kind === 'invalid';
    return html`<section class="card" aria-labelledby="check-heading">
      <h2 id="check-heading">${t('record.check')}</h2>
      ${
        proposals.length === 0
          ? html`<p>${t('record.checkNone')}</p>`
          : html`<p>${t('record.checkIntro')}</p>
              <form class="check-form" novalidate @submit=${this.onCheck}>
                <label for="check-proposal">${t('record.checkProposal')}</label>
                <select id="check-proposal" name="proposal">
                  ${proposals.map((p) => html`<option value=${p.id}>${p.title} (${formatDate(p.closesAt)})</option>`)}
                </select>
                <label for="check-receipt">${t('record.checkReceipt')}</label>
                <input
                  id="check-receipt"
                  name="receipt"
                  autocomplete="off"
                  spellcheck="false"
                  aria-invalid=${invalid ? 'true' : 'false'}
                  aria-describedby=${invalid ? 'check-invalid' : nothing}
                />
                ${invalid ? html`<p class="error" id="check-invalid">${t('record.checkInvalid')}</p>` : nothing}
                <div class="actions"><button type="submit">${t('record.checkSubmit')}</button></div>
              </form>
              <div role="status">${this.checkMessage()}</div>`
      }
    </section>`;
  }

  /** A table that scrolls sideways on a phone: a labelled region a keyboard can reach and scroll. */
  private table(caption: MessageKey, headers: MessageKey[], rows: TemplateResult[]): TemplateResult {
    return html`<div
      class="table-wrap"
      role="region"
      tabindex="0"
      aria-label=${t('chart.tableOf', { caption: t(caption) })}
    >
      <table>
        <thead>
          <tr>
            ${headers.map((h) => html`<th scope="col">${t(h)}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>`;
  }

  private renderRecord(record: PublicRecord): TemplateResult {
    const { policies, requests, proposals, checkpoints } = record;
    return html`
      <section class="card" aria-labelledby="policies-heading">
        <h2 id="policies-heading">${t('record.policies')}</h2>
        ${
          policies.length === 0
            ? html`<p>${t('record.noPolicies')}</p>`
            : this.table(
                'record.policies',
                [
                  'record.colStudy',
                  'record.colWho',
                  'record.colWhat',
                  'record.colWhy',
                  'record.colBudget',
                  'record.colUntil',
                  'record.colStatus',
                ],
                policies.map((p) => this.policyRow(p)),
              )
        }
      </section>
      <section class="card" aria-labelledby="requests-heading">
        <h2 id="requests-heading">${t('record.requests')}</h2>
        ${
          requests.length === 0
            ? html`<p>${t('record.noRequests')}</p>`
            : this.table(
                'record.requests',
                ['record.colStudy', 'record.colWho', 'record.colWhy', 'record.colFiled', 'record.colStatus'],
                requests.map((r) => this.requestRow(r)),
              )
        }
      </section>
      <section class="card" aria-labelledby="proposals-heading">
        <h2 id="proposals-heading">${t('record.proposals')}</h2>
        ${
          proposals.length === 0
            ? html`<p>${t('record.noProposals')}</p>`
            : this.table(
                'record.proposals',
                [
                  'record.colProposal',
                  'record.colOutcome',
                  'record.colTotals',
                  'votes.colDeadline',
                  'record.colDigest',
                ],
                proposals.map((p) => this.proposalRow(p)),
              )
        }
      </section>
      ${this.renderCheck(proposals)}
      <section class="card" aria-labelledby="checkpoints-heading">
        <h2 id="checkpoints-heading">${t('record.checkpoints')}</h2>
        <p>${tPlural('record.checkpointsIntro', checkpoints.list.length)}</p>
        <p>${t('record.verifierKey')} <code class="verifier-key">${checkpoints.verifierKey}</code></p>
        ${this.table(
          'record.checkpoints',
          ['record.colSeq', 'record.colHash', 'record.colAt'],
          checkpoints.list.map(
            (c) =>
              html`<tr>
                <td>${c.size}</td>
                <td><code>${c.root}</code></td>
                <td>${formatDateTime(c.at)}</td>
              </tr>`,
          ),
        )}
      </section>
    `;
  }

  override render() {
    return html`<h1 tabindex="-1">${t('record.title')}</h1>
      <p>${t('record.intro')}</p>
      ${this.data.render({
        pending: () => html`<p role="status">${t('common.loading')}</p>`,
        error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
        complete: (record) => this.renderRecord(record),
      })}`;
  }
}

customElements.define('coop-record-page', CoopRecordPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-record-page': CoopRecordPage;
  }
}
