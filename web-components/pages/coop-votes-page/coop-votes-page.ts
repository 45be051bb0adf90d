// The member's votes: what is waiting for their ballot (soonest deadline first), then every proposal (the open
// ones included, so the list is the whole record).
import { Task } from '@lit/task';
import { LitElement, html, type TemplateResult } from 'lit';
import { fetchPendingVotes, fetchProposals } from '../../api/assembly.api.js';
import type { Proposal } from '../../api/types.js';
import { LocaleController, formatDateTime, t } from '../../i18n/i18n.js';
import { statusText } from '../../src/proposal-status.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopVotesPage extends LitElement {
  static override styles = [sharedStyles];

  private readonly locale = new LocaleController(this);

  private readonly data = new Task(this, {
    task: async () => {
      const [pending, proposals] = await Promise.all([fetchPendingVotes(), fetchProposals('all')]);
      return { pending, others: proposals };
    },
    args: () => [],
  });

  private row(proposal: Proposal): TemplateResult {
    return html`<tr>
      <td><a href=${`/votes/${proposal.id}`}>${proposal.title}</a></td>
      <td>${statusText(proposal)}</td>
      <td>${proposal.closesAt ? formatDateTime(proposal.closesAt) : '—'}</td>
    </tr>`;
  }

  override render() {
    return html`<h1 tabindex="-1">${t('votes.title')}</h1>
      ${this.data.render({
        pending: () => html`<p role="status">${t('common.loading')}</p>`,
        error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
        complete: ({ pending, others }) => html`
          <section class="card" aria-labelledby="pending-heading">
            <h2 id="pending-heading">${t('votes.pending', { count: pending.length })}</h2>
            ${
              pending.length === 0
                ? html`<p>${t('votes.nonePending')}</p>`
                : html`<ul>
                    ${pending.map(
                      (vote) =>
                        html`<li>
                          <a href=${`/votes/${vote.proposal.id}`}>${vote.proposal.title}</a> —
                          ${t('votes.deadline', { when: formatDateTime(vote.closesAt) })}
                          ${vote.reminderDue ? html`<strong>${t('votes.soon')}</strong>` : ''}
                        </li>`,
                    )}
                  </ul>`
            }
          </section>
          <section class="card" aria-labelledby="all-heading">
            <h2 id="all-heading">${t('votes.all')}</h2>
            ${
              others.length === 0
                ? html`<p>${t('votes.noneOther')}</p>`
                : html`<div class="table-wrap">
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">${t('votes.colTitle')}</th>
                          <th scope="col">${t('votes.colStatus')}</th>
                          <th scope="col">${t('votes.colDeadline')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${others.map((p) => this.row(p))}
                      </tbody>
                    </table>
                  </div>`
            }
          </section>
        `,
      })}`;
  }
}

customElements.define('coop-votes-page', CoopVotesPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-votes-page': CoopVotesPage;
  }
}
