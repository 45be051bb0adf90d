// A proposal in plain language: what kind of decision, who asks, why, which data, at what level, for how
// long, and the voting rules frozen at opening. Draft policy fields the page does not know are listed as-is.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import type { CategoryImpact, ImpactPreview } from '../../api/types.js';
import type { Proposal } from '../../api/types.js';
import { LocaleController, formatDate, formatDateTime, hasMessage, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { sharedStyles } from '../../src/shared-styles.js';

/** Policy fields shown with a plain-language label, in this order. */
const knownFields = [
  'grantee',
  'organisation',
  'purpose',
  'duo',
  'categories',
  'accessLevel',
  'level',
  'statistics',
  'groupBy',
  'period',
  'validUntil',
  'epsilon',
  'ethicsApproval',
] as const;

function plain(value: unknown): string {
  if (Array.isArray(value)) return value.map(plain).join(', ');
  if (typeof value === 'string') {
    if (hasMessage(`category.${value}`)) return t(`category.${value}` as MessageKey);
    if (hasMessage(`level.${value}`)) return t(`level.${value}` as MessageKey);
    if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return formatDate(value);
    return value;
  }
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${plain(v)}`)
      .join('; ');
  }
  return String(value);
}

/** Whether the vote is not counted yet (an impact "today" means nothing once it is). */
function isBeforeCount(p: Proposal): boolean {
  return p.status === 'draft' || p.status === 'announced' || p.status === 'open';
}

export class CoopProposalSummary extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      progress.quorum {
        display: block;
        width: 100%;
        max-width: 20rem;
        margin: 0.25rem 0;
      }
    `,
  ];

  static override properties = {
    proposal: { attribute: false },
    impact: { attribute: false },
  };

  declare proposal: Proposal | undefined;
  /** The impact preview of an access policy: how many members it would cover today (never who). */
  declare impact: ImpactPreview | null | undefined;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.proposal = undefined;
    this.impact = undefined;
  }

  /** Turnout with progress towards the quorum while the vote is open; the final turnout, without a bar, after. */
  private renderTurnout(p: Proposal, electorate: number): TemplateResult {
    const turnout = p.turnout ?? 0;
    const rules = p.frozen?.rules;
    if (p.status !== 'open' || !rules) {
      return html`<dt>${t('proposal.turnoutFinal')}</dt>
        <dd>${t('proposal.turnoutText', { turnout, electorate })}</dd>`;
    }
    // ⌈num·N/den⌉, as policies/assembly/tally.ts ballotsNeededForQuorum (the page may not import server code).
    const needed = Math.ceil((rules.quorum.num * electorate) / rules.quorum.den);
    return html`<dt>${t('proposal.turnout')}</dt>
      <dd>
        ${t('proposal.turnoutText', { turnout, electorate })}
        <progress
          class="quorum"
          max=${Math.max(needed, 1)}
          .value=${Math.min(turnout, Math.max(needed, 1))}
          aria-label=${t('proposal.quorumProgress')}
        ></progress>
        <span data-testid="quorum-progress"
          >${
            turnout >= needed
              ? t('proposal.quorumReached')
              : t('proposal.quorumMissing', { missing: needed - turnout, needed })
          }</span
        >
      </dd>`;
  }

  private renderImpact(impact: ImpactPreview): TemplateResult {
    return html`<h2>${t('impact.title')}</h2>
      <p class="muted">${t('impact.explain', { when: formatDateTime(impact.at) })}</p>
      <ul>
        ${impact.categories.map((c) => html`<li>${impactLine(c)}</li>`)}
      </ul>`;
  }

  private renderPolicy(policy: Record<string, unknown>): TemplateResult {
    const known = knownFields.filter((field) => policy[field] !== undefined);
    const others = Object.keys(policy).filter((field) => !(knownFields as readonly string[]).includes(field));
    return html`<h2>${t('proposal.whatIsAsked')}</h2>
      <dl>
        ${known.map(
          (field) =>
            html`<dt>${t(`policyField.${field}`)}</dt>
              <dd>${plain(policy[field])}</dd>`,
        )}
        ${others.map(
          (field) =>
            html`<dt><code>${field}</code></dt>
              <dd>${plain(policy[field])}</dd>`,
        )}
      </dl>`;
  }

  override render() {
    const p = this.proposal;
    if (!p) return nothing;
    const rules = p.frozen?.rules;
    return html`
      <p><strong>${t(`kind.${p.kind}`)}</strong> — ${t(`kindExplain.${p.kind}`)}</p>
      <p class="summary">${p.summary}</p>
      ${p.policy ? this.renderPolicy(p.policy) : nothing}
      ${this.impact && isBeforeCount(p) ? this.renderImpact(this.impact) : nothing}
      ${
        p.amendment
          ? html`<h2>${t('proposal.amendment')}</h2>
              <pre class="mono">${JSON.stringify(p.amendment, null, 2)}</pre>`
          : nothing
      }
      <h2>${t('proposal.rules')}</h2>
      <dl>
        ${
          p.closesAt
            ? html`<dt>${t('proposal.deadline')}</dt>
                <dd>${formatDateTime(p.closesAt)}</dd>`
            : nothing
        }
        ${
          rules
            ? html`<dt>${t('proposal.quorum')}</dt>
                <dd>${t('proposal.quorumText', { num: rules.quorum.num, den: rules.quorum.den })}</dd>
                <dt>${t('proposal.threshold')}</dt>
                <dd>
                  ${t(rules.thresholdBase === 'cast' ? 'proposal.thresholdCast' : 'proposal.thresholdDecisive', {
                    num: rules.threshold.num,
                    den: rules.threshold.den,
                  })}
                </dd>
                <dt>${t('proposal.mode')}</dt>
                <dd>${t(rules.ballotMode === 'secret' ? 'proposal.secret' : 'proposal.open')}</dd>`
            : nothing
        }
        ${p.electorate !== undefined ? this.renderTurnout(p, p.electorate) : nothing}
      </dl>
    `;
  }
}

customElements.define('coop-proposal-summary', CoopProposalSummary);

declare global {
  interface HTMLElementTagNameMap {
    'coop-proposal-summary': CoopProposalSummary;
  }
}

/** One category of an impact preview in words: its coarse band, or "fewer than τ" (never an exact count). */
export function impactLine(c: CategoryImpact): string {
  const category = t(`category.${c.category}` as MessageKey);
  return c.members.atLeast === 0
    ? t('impact.fewer', { category, min: c.members.fewerThan })
    : t('impact.band', { category, low: c.members.atLeast, high: c.members.fewerThan - 1 });
}
