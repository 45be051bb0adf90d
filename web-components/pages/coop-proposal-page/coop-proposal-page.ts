// One proposal: read it in plain language, cast or change a ballot (with a confirmation step) while it is
// open, keep the receipt, and after the count see the outcome as a chart with a table and find the receipt
// in the published list.
import { Task } from '@lit/task';
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { ApiError } from '../../api/api-error.js';
import {
  castBallot,
  castProxyBallot,
  fetchMandate,
  fetchProposal,
  fetchResults,
  nameProxy,
  revokeProxy,
} from '../../api/assembly.api.js';
import { hidePost, fetchThread, postToThread } from '../../api/discussion.api.js';
import { fetchImpact, fetchInclusion, fetchPolicies } from '../../api/research.api.js';
import { ballotSecret, rememberReceipt, storedReceipt } from '../../api/ballot-secrets.js';
import type {
  Account,
  Choice,
  ImpactPreview,
  Inclusion,
  Mandate,
  Policy,
  Proposal,
  Results,
  Thread,
} from '../../api/types.js';
import '../../components/coop-ballot-form/coop-ballot-form.js';
import type { CoopBallotForm } from '../../components/coop-ballot-form/coop-ballot-form.js';
import '../../components/coop-chart/coop-chart.js';
import '../../components/coop-proposal-summary/coop-proposal-summary.js';
import '../../components/coop-proxy-panel/coop-proxy-panel.js';
import '../../components/coop-discussion/coop-discussion.js';
import type { CoopDiscussion } from '../../components/coop-discussion/coop-discussion.js';
import '../../components/coop-receipt/coop-receipt.js';
import { LocaleController, formatDateTime, hasMessage, t, tPlural } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { statusText } from '../../src/proposal-status.js';
import { sharedStyles } from '../../src/shared-styles.js';

const LIST_PREVIEW = 25;

export class CoopProposalPage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      tr.mine {
        background: #fff3c4;
        font-weight: 700;
      }
    `,
  ];

  static override properties = {
    account: { attribute: false },
    proposalId: { type: String },
    receipt: { state: true },
    busy: { state: true },
    message: { state: true },
    error: { state: true },
    search: { state: true },
  };

  declare account: Account | null | undefined;
  declare proposalId: string;
  declare private receipt: string | undefined;
  declare private busy: boolean;
  declare private message: string;
  declare private error: string;
  declare private search: string;
  private readonly locale = new LocaleController(this);

  private readonly data = new Task(this, {
    task: async ([id]) => {
      const proposal = await fetchProposal(id);
      const opened = !['draft', 'announced', 'withdrawn'].includes(proposal.status);
      const member = this.account?.role === 'member';
      const beforeCount = ['announced', 'open'].includes(proposal.status);
      const [results, impact, mandate, thread, inclusion, target] = await Promise.all([
        opened ? fetchResults(id) : null,
        proposal.kind === 'access-policy' ? fetchImpact(id).catch(() => null) : null,
        opened && member ? fetchMandate(id).catch(() => null) : null,
        // Account holders and researchers who did not ask are refused: the page simply shows no thread.
        fetchThread(id).catch(() => null),
        // What the member's own consent means for them: only theirs, only while it can still matter.
        proposal.kind === 'access-policy' && member && beforeCount ? fetchInclusion(id).catch(() => null) : undefined,
        proposal.kind === 'revoke-policy'
          ? fetchPolicies('all').then(
              (policies) => policies.find((policy) => policy.id === proposal.targetPolicyId) ?? null,
              () => null,
            )
          : undefined,
      ]);
      return { proposal, results, impact, mandate, thread, inclusion, target };
    },
    args: () => [this.proposalId, this.account?.role] as const,
  });

  constructor() {
    super();
    this.account = undefined;
    this.proposalId = '';
    this.receipt = undefined;
    this.busy = false;
    this.message = '';
    this.error = '';
    this.search = '';
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if ((changed.has('proposalId') || changed.has('account')) && this.account && this.proposalId) {
      this.receipt = storedReceipt(this.account.id, this.proposalId);
    }
  }

  private async onConfirmed(event: CustomEvent<{ choice: Choice }>): Promise<void> {
    if (!this.account) return;
    const form = event.target as CoopBallotForm;
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      const secret = ballotSecret(this.account.id, this.proposalId);
      const answer = await castBallot(this.proposalId, event.detail.choice, secret);
      rememberReceipt(this.account.id, this.proposalId, answer.receipt);
      this.receipt = answer.receipt;
      this.message = t(answer.changed ? 'ballot.changed' : 'ballot.recorded', {
        choice: t(`choice.${answer.choice}`),
      });
      form.reset();
      this.dispatchEvent(new CustomEvent('coop-ballot-cast', { bubbles: true, composed: true }));
      void this.data.run();
    } catch (error) {
      const code = error instanceof ApiError ? error.code : 'network_error';
      this.error = hasMessage(`ballotError.${code}`) ? t(`ballotError.${code}` as MessageKey) : t('common.failed');
    } finally {
      this.busy = false;
      await this.updateComplete;
      (this.renderRoot.querySelector('[data-focus-after-ballot]') as HTMLElement | null)?.focus();
    }
  }

  /** Runs one action (proxy or discussion), shows its message or its refusal, and reloads the page's data. */
  private async act(action: () => Promise<string>): Promise<void> {
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      this.message = await action();
      void this.data.run();
    } catch (error) {
      const code = error instanceof ApiError ? error.code : 'network_error';
      const key = [`proxyError.${code}`, `discussionError.${code}`, `ballotError.${code}`].find((k) => hasMessage(k));
      this.error = key ? t(key as MessageKey) : t('common.failed');
    } finally {
      this.busy = false;
      await this.updateComplete;
      (this.renderRoot.querySelector('[data-focus-after-ballot]') as HTMLElement | null)?.focus();
    }
  }

  private onProxyNamed(event: CustomEvent<{ email: string }>): Promise<void> {
    return this.act(async () => {
      await nameProxy(this.proposalId, event.detail.email);
      return t('proxy.nameDone');
    });
  }

  private onProxyRevoked(): Promise<void> {
    return this.act(async () => {
      await revokeProxy(this.proposalId);
      return t('proxy.revoked');
    });
  }

  private onProxyBallot(event: CustomEvent<{ choice: Choice }>): Promise<void> {
    const form = event.target as CoopBallotForm;
    return this.act(async () => {
      // The proxy's own secret for the principal's ballot, kept apart from the secret of their own ballot.
      const secret = ballotSecret(this.account!.id, `${this.proposalId}.proxy`);
      const answer = await castProxyBallot(this.proposalId, event.detail.choice, secret);
      form.reset();
      return t('proxy.recorded', { choice: t(`choice.${answer.choice}`) });
    });
  }

  private onPostSubmitted(event: CustomEvent<{ text: string; parentId?: string }>): Promise<void> {
    const discussion = event.target as CoopDiscussion;
    return this.act(async () => {
      await postToThread(this.proposalId, event.detail.text, event.detail.parentId);
      discussion.reset();
      return t('discussion.posted');
    });
  }

  private onPostHidden(event: CustomEvent<{ postId: string; reason: string }>): Promise<void> {
    return this.act(async () => {
      await hidePost(this.proposalId, event.detail.postId, event.detail.reason);
      return t('discussion.hidden');
    });
  }

  private renderDiscussion(thread: Thread | null): TemplateResult | typeof nothing {
    if (!thread) return nothing;
    return html`<section class="card" aria-labelledby="discussion-heading" data-testid="discussion">
      <h2 id="discussion-heading">${t('discussion.heading')}</h2>
      <p class="muted">${t('discussion.explain')}</p>
      <coop-discussion
        .thread=${thread}
        .busy=${this.busy}
        ?steward=${this.account?.role === 'steward'}
        @coop-post-submitted=${this.onPostSubmitted}
        @coop-post-hidden=${this.onPostHidden}
      ></coop-discussion>
    </section>`;
  }

  private renderProxy(proposal: Proposal, mandate: Mandate | null): TemplateResult | typeof nothing {
    if (this.account?.role !== 'member' || !mandate) return nothing;
    const open = proposal.status === 'open';
    if (mandate.asProxy) {
      if (!open) return nothing;
      return html`<section class="card" aria-labelledby="proxy-vote-heading" data-testid="proxy-vote">
        <h2 id="proxy-vote-heading">${t('proxy.voteHeading')}</h2>
        <p>${t('proxy.representing', { when: formatDateTime(mandate.asProxy.namedAt) })}</p>
        <coop-ballot-form
          .changing=${mandate.asProxy.voted}
          .busy=${this.busy}
          @coop-ballot-confirmed=${this.onProxyBallot}
        ></coop-ballot-form>
      </section>`;
    }
    // Naming a proxy makes sense only before one's own vote; a named proxy stays visible until close.
    if (!mandate.asPrincipal && (!open || this.receipt !== undefined)) return nothing;
    return html`<section class="card" aria-labelledby="proxy-heading">
      <h2 id="proxy-heading">${t('proxy.heading')}</h2>
      <coop-proxy-panel
        .mandate=${mandate}
        .busy=${this.busy}
        .open=${open}
        @coop-proxy-named=${this.onProxyNamed}
        @coop-proxy-revoked=${this.onProxyRevoked}
      ></coop-proxy-panel>
    </section>`;
  }

  private onSearch(event: Event): void {
    this.search = (event.target as HTMLInputElement).value.trim().toLowerCase();
  }

  private renderVoting(proposal: Proposal): TemplateResult | typeof nothing {
    if (proposal.status !== 'open' || this.account?.role !== 'member') return nothing;
    const voted = this.receipt !== undefined;
    return html`<section class="card" aria-labelledby="vote-heading">
      <h2 id="vote-heading">${voted ? t('ballot.changeHeading') : t('ballot.heading')}</h2>
      <p>${t('ballot.until', { when: formatDateTime(proposal.closesAt ?? '') })}</p>
      <coop-ballot-form
        .changing=${voted}
        .busy=${this.busy}
        @coop-ballot-confirmed=${this.onConfirmed}
      ></coop-ballot-form>
    </section>`;
  }

  private renderResults(results: Results | null, proxyReceipt?: string): TemplateResult | typeof nothing {
    if (!results) return nothing;
    const result = results.result;
    if (!result) {
      // While open, the summary already shows the turnout; after the deadline, say when the count is final.
      if (results.status === 'open') return nothing;
      return html`<section class="card" aria-labelledby="turnout-heading">
        <h2 id="turnout-heading">${t('results.closedCounting')}</h2>
        <p>
          ${tPlural('proposal.turnoutText', results.electorate, { turnout: results.turnout, electorate: results.electorate })}
        </p>
        <p>${t('results.counting', { when: formatDateTime(results.finalisesAt) })}</p>
      </section>`;
    }
    // The member's own receipt, or the receipt of the ballot their proxy cast for them.
    const myReceipt = this.receipt ?? proxyReceipt;
    const mine = myReceipt ? result.ballots.find((b) => b.receipt === myReceipt) : undefined;
    const filtered = this.search
      ? result.ballots.filter((b) => b.receipt.startsWith(this.search))
      : result.ballots.slice(0, LIST_PREVIEW);
    return html`<section class="card" aria-labelledby="results-heading">
      <h2 id="results-heading">${t('results.heading')}</h2>
      <p class=${result.outcome === 'approved' ? 'success' : 'error'}>
        ${t(`outcome.${result.outcome}`)} — ${t(`reason.${result.reason}` as MessageKey)}
      </p>
      ${
        result.enactment && !result.enactment.enacted
          ? html`<p class="error" data-testid="enactment">
              ${t('record.notEnacted', { reason: t(`enactment.${result.enactment.reason!}` as MessageKey) })}
            </p>`
          : nothing
      }
      <coop-chart
        kind="bar"
        .caption=${t('results.chartCaption')}
        .labelHeader=${t('results.choice')}
        .valueHeader=${t('results.votes')}
        .axisTitle=${t('results.votes')}
        .bars=${[
          { label: t('choice.yes'), value: result.totals.yes },
          { label: t('choice.no'), value: result.totals.no },
          { label: t('choice.abstain'), value: result.totals.abstain },
        ]}
      ></coop-chart>
      <p>
        ${t('results.totals', {
          cast: result.totals.cast,
          electorate: result.totals.electorate,
        })}
      </p>
      <h3>${t('results.myReceipt')}</h3>
      ${
        myReceipt
          ? mine
            ? html`<p class="success" data-testid="receipt-found">
                ${t('results.found', { choice: t(`choice.${mine.choice}`) })}
              </p>`
            : html`<p class="error">${t('results.notFound')}</p>`
          : html`<p>${t('results.noReceipt')}</p>`
      }
      <h3>${t('results.list', { count: result.ballots.length })}</h3>
      <label for="search">${t('results.search')}</label>
      <input id="search" type="search" class="mono" size="40" @input=${this.onSearch} />
      <div class="table-wrap" role="region" aria-label=${t('results.listLabel')} tabindex="0">
        <table>
          <thead>
            <tr>
              <th scope="col">${t('results.receipt')}</th>
              <th scope="col">${t('results.choice')}</th>
            </tr>
          </thead>
          <tbody>
            ${filtered.map(
              (b) =>
                html`<tr class=${b.receipt === myReceipt ? 'mine' : ''}>
                  <td class="mono">${b.receipt}${b.receipt === myReceipt ? html` (${t('results.yours')})` : ''}</td>
                  <td>${t(`choice.${b.choice}`)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${
        !this.search && result.ballots.length > LIST_PREVIEW
          ? html`<p class="muted">${t('results.more', { count: result.ballots.length - LIST_PREVIEW })}</p>`
          : nothing
      }
      <p class="muted">${t('results.digest')} <code>${result.ballotListDigest}</code></p>
    </section>`;
  }

  override render() {
    return this.data.render({
      // While refreshing after a ballot, keep showing what is there (no flash, focus stays).
      pending: () =>
        this.data.value
          ? this.renderProposal(this.data.value)
          : html`<h1 tabindex="-1">${t('proposal.title')}</h1>
              <p role="status">${t('common.loading')}</p>`,
      error: (error) =>
        html`<h1 tabindex="-1">${t('proposal.title')}</h1>
          <p class="error" role="alert">
            ${error instanceof ApiError && error.status === 404 ? t('proposal.notFound') : t('common.failed')}
          </p>`,
      complete: (value) => this.renderProposal(value),
    });
  }

  private renderProposal({
    proposal,
    results,
    impact,
    mandate,
    thread,
    inclusion,
    target,
  }: {
    proposal: Proposal;
    results: Results | null;
    impact: ImpactPreview | null;
    mandate: Mandate | null;
    thread: Thread | null;
    inclusion: Inclusion | null | undefined;
    target: Policy | null | undefined;
  }): TemplateResult {
    return html`
      <p><a href="/votes">← ${t('proposal.back')}</a></p>
      <h1 tabindex="-1">${proposal.title}</h1>
      <p class="muted" data-testid="proposal-status">${statusText(proposal)}</p>
      <section class="card">
        <coop-proposal-summary
          .proposal=${proposal}
          .impact=${impact}
          .inclusion=${inclusion}
          .target=${target}
        ></coop-proposal-summary>
      </section>
      <div role="status" data-focus-after-ballot tabindex="-1">
        ${this.message ? html`<p class="success">${this.message}</p>` : nothing}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${
        this.receipt && proposal.status === 'open'
          ? html`<coop-receipt
              .receipt=${this.receipt}
              .proposalId=${proposal.id}
              .proposalTitle=${proposal.title}
            ></coop-receipt>`
          : nothing
      }
      ${this.renderVoting(proposal)} ${this.renderProxy(proposal, mandate)}
      ${this.renderResults(results, mandate?.asPrincipal?.receipt ?? undefined)} ${this.renderDiscussion(thread)}
    `;
  }
}

customElements.define('coop-proposal-page', CoopProposalPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-proposal-page': CoopProposalPage;
  }
}
