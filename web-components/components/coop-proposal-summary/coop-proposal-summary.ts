// A proposal as members read it before they vote: for research access, a card — who asks, what they want to
// learn, which data, what the member's own consent means for them, the protections (DUO terms in words) and the
// release rules; for other motions, what changes. Then what a yes and a no mean, the voting rules and quorum
// progress, and the raw technical details behind a disclosure.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import type { AccessPolicy } from '../../../policies/research/access-policy.js';
import type {
  CategoryImpact,
  CategoryInclusion,
  ImpactPreview,
  Inclusion,
  Json,
  Policy,
  Proposal,
} from '../../api/types.js';
import {
  LocaleController,
  formatDate,
  formatDateRange,
  formatDateTime,
  formatList,
  formatNumber,
  hasMessage,
  t,
  tPlural,
} from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { duoTerm } from '../../src/duo-terms.js';
import { sharedStyles } from '../../src/shared-styles.js';

/** The draft policy as the proposal carries it (JSON, checked by the service when it was drafted). */
type PolicyJson = Partial<Json<AccessPolicy>>;

/** Whether the vote is not counted yet (an impact "today" means nothing once it is). */
function isBeforeCount(p: Proposal): boolean {
  return p.status === 'draft' || p.status === 'announced' || p.status === 'open';
}

/** A category's name in words, for the start of a line. */
function categoryName(code: string): string {
  return hasMessage(`category.${code}`) ? t(`category.${code}` as MessageKey) : code;
}

/** A category's name inside a sentence ("your consent for heart rate …"). */
function categoryInSentence(code: string): string {
  return categoryName(code).toLocaleLowerCase();
}

/** The last day of a half-open [from, to) period, so that the range reads inclusively. */
function lastDayOf(to: string): Date {
  return new Date(Date.parse(to) - 1);
}

/** One line of "what your consent means for you". */
export function inclusionLine(c: CategoryInclusion): string {
  const category = categoryName(c.category);
  if (c.effect === 'included') return t('card.included', { category });
  if (c.effect === 'aggregate_only') return t('card.aggregateOnly', { category });
  const reasonKey = `inclusionReason.${c.reason}`;
  const reason = hasMessage(reasonKey)
    ? t(reasonKey as MessageKey, { category: categoryInSentence(c.category) })
    : c.reason;
  return t('card.excluded', { category, reason });
}

/** A JSON Merge Patch of the bylaws as lines "rule becomes value" (null removes a rule). */
function amendmentLines(patch: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(patch).flatMap(([key, value]) => {
    const rule = prefix ? `${prefix} › ${key}` : key;
    if (value === null) return [t('card.amendmentRemoved', { rule })];
    if (typeof value === 'object' && !Array.isArray(value)) {
      return amendmentLines(value as Record<string, unknown>, rule);
    }
    const shown = typeof value === 'number' ? formatNumber(value, 6) : JSON.stringify(value);
    return [t('card.amendmentLine', { rule, value: shown })];
  });
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
      ul.terms {
        list-style: none;
        padding-left: 0;
      }
      ul.terms li {
        margin: 0 0 0.5rem;
      }
      .badge {
        display: inline-block;
        font-weight: 700;
        font-size: 0.85rem;
        padding: 0.1rem 0.45rem;
        margin-right: 0.4rem;
        border-radius: 4px;
        border: 1px solid var(--coop-accent);
        color: var(--coop-accent);
        background: var(--coop-surface);
      }
      .facts {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.5rem;
        padding-left: 0;
        list-style: none;
      }
      .facts li {
        border: 1px solid var(--coop-border);
        border-radius: 4px;
        padding: 0.1rem 0.45rem;
      }
      ul.meaning li {
        margin: 0 0 0.35rem;
      }
      ul.meaning li.included {
        font-weight: 700;
      }
      details pre {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .purpose {
        white-space: pre-line;
      }
    `,
  ];

  static override properties = {
    proposal: { attribute: false },
    impact: { attribute: false },
    inclusion: { attribute: false },
    target: { attribute: false },
  };

  declare proposal: Proposal | undefined;
  /** The impact preview of an access policy: how many members it would cover today (never who). */
  declare impact: ImpactPreview | null | undefined;
  /** The member's own inclusion: undefined when not a member's view, null when it could not be read. */
  declare inclusion: Inclusion | null | undefined;
  /** A revoke-policy proposal's policy, when it is listed (null: no longer listed). */
  declare target: Policy | null | undefined;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.proposal = undefined;
    this.impact = undefined;
    this.inclusion = undefined;
    this.target = undefined;
  }

  /** Turnout with progress towards the quorum while the vote is open; the final turnout, without a bar, after. */
  private renderTurnout(p: Proposal, electorate: number): TemplateResult {
    const turnout = p.turnout ?? 0;
    const rules = p.frozen?.rules;
    if (p.status !== 'open' || !rules) {
      return html`<dt>${t('proposal.turnoutFinal')}</dt>
        <dd>${tPlural('proposal.turnoutText', electorate, { turnout, electorate })}</dd>`;
    }
    // ⌈num·N/den⌉, as policies/assembly/tally.ts ballotsNeededForQuorum (the page may not import server code).
    const needed = Math.ceil((rules.quorum.num * electorate) / rules.quorum.den);
    return html`<dt>${t('proposal.turnout')}</dt>
      <dd>
        ${tPlural('proposal.turnoutText', electorate, { turnout, electorate })}
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
              : tPlural('proposal.quorumMissing', needed - turnout, { missing: needed - turnout, needed })
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

  private renderRequester(p: Proposal): TemplateResult {
    const who = p.requester;
    if (who === undefined) return html``;
    if (who === null) {
      return html`<h2>${t('card.whoAsks')}</h2>
        <p data-testid="requester">${t('card.requesterGone')}</p>`;
    }
    return html`<h2>${t('card.whoAsks')}</h2>
      <p data-testid="requester"><strong>${who.name}</strong>, ${who.organisation ?? t('card.noOrganisation')}</p>
      <ul class="facts">
        <li>${t(`card.verification.${who.verification}`)}</li>
        ${who.nonProfit === null ? nothing : html`<li>${t(`card.nonProfit.${who.nonProfit}`)}</li>`}
      </ul>`;
  }

  private renderData(policy: PolicyJson): TemplateResult {
    const truncation = policy.deidentification?.dateTruncation ?? 'month';
    const profileFields = policy.deidentification?.profileFields ?? [];
    return html`<h2>${t('card.whichData')}</h2>
      <ul>
        ${(policy.categories ?? []).map((c) => html`<li>${categoryName(c)}</li>`)}
      </ul>
      ${
        policy.period
          ? html`<p>
              ${t('card.period', { range: formatDateRange(policy.period.from, lastDayOf(policy.period.to)) })}
            </p>`
          : nothing
      }
      <p>
        ${
          policy.level === 'pseudonymised'
            ? t('card.form.pseudonymised', { truncation: t(`card.truncation.${truncation}`) })
            : t('card.form.aggregate')
        }
        ${
          policy.level === 'pseudonymised' && profileFields.length > 0
            ? t('card.profileFields', {
                fields: formatList(profileFields.map((d) => t(`dimension.${d}`).toLocaleLowerCase())),
              })
            : ''
        }
      </p>
      ${policy.validUntil ? html`<p>${t('card.validUntil', { date: formatDate(policy.validUntil) })}</p>` : nothing}`;
  }

  private renderConsent(p: Proposal): TemplateResult | typeof nothing {
    if (this.inclusion === undefined || !isBeforeCount(p)) return nothing;
    return html`<section aria-labelledby="consent-heading" data-testid="consent-meaning">
      <h2 id="consent-heading">${t('card.yourConsent')}</h2>
      ${
        this.inclusion === null
          ? html`<p>${t('card.consentUnavailable')}</p>`
          : html`<ul class="meaning">
              ${this.inclusion.categories.map(
                (c) => html`<li class=${c.effect === 'included' ? 'included' : ''}>${inclusionLine(c)}</li>`,
              )}
            </ul>`
      }
      <p class="muted">${t('card.consentNote')} <a href="/privacy">${t('card.changeConsent')}</a></p>
    </section>`;
  }

  private renderTerm(code: string): TemplateResult {
    const term = duoTerm(code);
    return html`<li>
      <span class="badge" title=${term.id}>${code}</span><strong>${term.label}</strong> — ${term.explanation}
    </li>`;
  }

  private renderProtections(policy: PolicyJson): TemplateResult {
    const duo = policy.duo;
    const modifiers = duo?.modifiers ?? [];
    return html`<h2>${t('card.protections')}</h2>
      <h3>${t('card.permittedUse')}</h3>
      <ul class="terms" data-testid="duo-permission">
        ${duo ? this.renderTerm(duo.permission) : nothing}
      </ul>
      ${duo?.disease ? html`<p>${t('card.disease', { disease: duo.disease })}</p>` : nothing}
      <h3>${t('card.conditions')}</h3>
      ${
        modifiers.length === 0
          ? html`<p>${t('card.noConditions')}</p>`
          : html`<ul class="terms" data-testid="duo-modifiers">
              ${modifiers.map((m) => this.renderTerm(m))}
            </ul>`
      }
      ${
        policy.ethicsApproval ? html`<p>${t('card.ethicsApproval', { reference: policy.ethicsApproval })}</p>` : nothing
      }
      <p class="muted">${t('card.duoAttribution')}</p>
      <h3>${t('card.releaseRules')}</h3>
      <ul data-testid="release-rules">
        ${policy.minCellSize !== undefined ? html`<li>${tPlural('card.minCell', policy.minCellSize)}</li>` : nothing}
        ${
          policy.epsilonBudget !== undefined
            ? html`<li>${t('card.epsilon', { epsilon: formatNumber(policy.epsilonBudget, 6) })}</li>`
            : nothing
        }
        <li>
          ${
            policy.groupBy && policy.groupBy.length > 0
              ? t('card.groupBy', {
                  dimensions: formatList(policy.groupBy.map((d) => t(`dimension.${d}`).toLocaleLowerCase())),
                })
              : t('card.noGroupBy')
          }
        </li>
        ${
          policy.statistics
            ? html`<li>
                ${t('card.statistics', {
                  statistics: formatList(policy.statistics.map((s) => t(`statistic.${s}`).toLocaleLowerCase())),
                })}
              </li>`
            : nothing
        }
      </ul>`;
  }

  private renderAccessPolicy(p: Proposal, policy: PolicyJson): TemplateResult {
    const purposeDiffers = policy.purpose !== undefined && policy.purpose.trim() !== p.summary.trim();
    return html`${this.renderRequester(p)}
      <h2>${t('card.whatToLearn')}</h2>
      <p class="purpose">${policy.purpose ?? p.summary}</p>
      ${purposeDiffers ? html`<p class="summary purpose">${p.summary}</p>` : nothing} ${this.renderData(policy)}
      ${this.renderConsent(p)} ${this.renderProtections(policy)}`;
  }

  private renderRevoke(): TemplateResult {
    const target = this.target;
    return html`<p data-testid="revoke-target">
      ${
        target
          ? t('card.revokeTarget', { title: target.title, date: formatDate(target.approvedAt) })
          : t('card.revokeTargetUnknown')
      }
    </p>`;
  }

  private renderAmendment(amendment: Record<string, unknown>): TemplateResult {
    return html`<h2>${t('proposal.amendment')}</h2>
      <ul data-testid="amendment">
        ${amendmentLines(amendment).map((line) => html`<li>${line}</li>`)}
      </ul>`;
  }

  private renderMeaning(p: Proposal): TemplateResult {
    const until = typeof p.policy?.['validUntil'] === 'string' ? formatDate(p.policy['validUntil']) : '—';
    const base = p.frozen?.rules.thresholdBase;
    return html`<h2>${t('card.voteMeaning')}</h2>
      <ul class="meaning" data-testid="vote-meaning">
        <li>${t(`card.yes.${p.kind}`, { until })}</li>
        <li>${t(`card.no.${p.kind}`)}</li>
        ${base ? html`<li>${t(base === 'cast' ? 'card.abstain.cast' : 'card.abstain.decisive')}</li>` : nothing}
      </ul>`;
  }

  private renderTechnical(p: Proposal): TemplateResult {
    const raw = {
      id: p.id,
      kind: p.kind,
      targetPolicyId: p.targetPolicyId,
      ...(p.policy && { policy: p.policy }),
      ...(p.amendment && { amendment: p.amendment }),
      ...(p.frozen && {
        contentDigest: p.frozen.contentDigest,
        rulesDigest: p.frozen.rulesDigest,
        bylawsVersion: p.frozen.bylawsVersion,
        bylawsDigest: p.frozen.bylawsDigest,
      }),
    };
    return html`<details data-testid="technical">
      <summary>${t('card.technical')}</summary>
      <pre class="mono">${JSON.stringify(raw, null, 2)}</pre>
    </details>`;
  }

  override render() {
    const p = this.proposal;
    if (!p) return nothing;
    const rules = p.frozen?.rules;
    const policy = p.kind === 'access-policy' && p.policy ? (p.policy as PolicyJson) : undefined;
    return html`
      <p><strong>${t(`kind.${p.kind}`)}</strong> — ${t(`kindExplain.${p.kind}`)}</p>
      ${policy ? nothing : html`<p class="summary purpose">${p.summary}</p>`}
      ${policy ? this.renderAccessPolicy(p, policy) : nothing}
      ${p.kind === 'revoke-policy' ? this.renderRevoke() : nothing}
      ${p.amendment ? this.renderAmendment(p.amendment) : nothing}
      ${this.impact && isBeforeCount(p) ? this.renderImpact(this.impact) : nothing} ${this.renderMeaning(p)}
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
                <dd>
                  ${tPlural('proposal.quorumText', rules.quorum.num, { num: rules.quorum.num, den: rules.quorum.den })}
                </dd>
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
      ${this.renderTechnical(p)}
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
