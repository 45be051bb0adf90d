// The public record, for anyone without signing in: access policies (who asks, what, why, ε spent, valid until),
// requests and their status, the assembly's counted decisions with totals and ballot-list digest, and the signed
// audit checkpoints.
import { Task } from '@lit/task';
import { LitElement, css, html, type TemplateResult } from 'lit';
import { fetchPublicRecord } from '../../api/record.api.js';
import type { PublicRecord } from '../../api/types.js';
import type { MessageKey } from '../../i18n/en.js';
import { LocaleController, formatDate, formatDateTime, formatNumber, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

type RecordPolicy = PublicRecord['policies'][number];
type RecordRequest = PublicRecord['requests'][number];
type RecordProposal = PublicRecord['proposals'][number];

export class CoopRecordPage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      code {
        word-break: break-all;
        font-size: 0.85em;
      }
    `,
  ];

  private readonly locale = new LocaleController(this);

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
        ${t(`status.${p.outcome}`)} —
        ${t(`reason.${p.reason}` as MessageKey)}${enactment ? html`; <em>${enactment}</em>` : ''}
      </td>
      <td>${t('record.totals', { ...p.totals })}</td>
      <td>${formatDateTime(p.closesAt)}</td>
      <td><code>${p.ballotListDigest}</code></td>
    </tr>`;
  }

  private table(headers: MessageKey[], rows: TemplateResult[]): TemplateResult {
    return html`<div class="table-wrap">
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
      <section class="card" aria-labelledby="checkpoints-heading">
        <h2 id="checkpoints-heading">${t('record.checkpoints')}</h2>
        <p>${t('record.checkpointsIntro', { count: checkpoints.list.length })}</p>
        <p>${t('record.verifierKey')} <code class="verifier-key">${checkpoints.verifierKey}</code></p>
        ${this.table(
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
