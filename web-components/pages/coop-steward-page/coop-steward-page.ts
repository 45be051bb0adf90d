// The steward's desk: verify researchers (and change a verified one's affiliation, with a reason), open drafted proposals for a vote, follow votes in progress
// (turnout only — never how people voted) and verify the audit log.
import { Task } from '@lit/task';
import { LitElement, css, html, nothing } from 'lit';
import { ApiError } from '../../api/api-error.js';
import { fetchBylaws, fetchProposals, openProposal } from '../../api/assembly.api.js';
import { fetchImpact, fetchRequests, proposeFromRequest } from '../../api/research.api.js';
import {
  admitApplicant,
  excludeMember,
  fetchMembershipRules,
  fetchRegister,
  refuseApplicant,
} from '../../api/membership.api.js';
import { announceProposal } from '../../api/discussion.api.js';
import '../../components/coop-member-register/coop-member-register.js';
import { withStepUp } from '../coop-step-up-dialog/coop-step-up-dialog.js';
import {
  AFFILIATION_REASONS,
  VERIFICATION_METHODS,
  changeAffiliation,
  emailDomain,
  fetchPendingResearchers,
  fetchVerifiedResearchers,
  verifyAuditLog,
  verifyResearcher,
  type AffiliationReason,
  type VerificationRequest,
} from '../../api/steward.api.js';
import type {
  AuditVerification,
  ImpactPreview,
  Proposal,
  RegisterEntry,
  StewardResearcher,
  VerificationMethod,
} from '../../api/types.js';
import { LocaleController, formatDateTime, hasMessage, t, tPlural } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { sharedStyles } from '../../src/shared-styles.js';
import { impactLine } from '../../components/coop-proposal-summary/coop-proposal-summary.js';

const HOUR = 3_600_000;

/** A datetime-local value (local time) for an instant. */
function localInput(date: Date): string {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** Opening the vote on a draft whose preview is missing or has a category below the small-cell minimum asks for a tick. */
function needsAcknowledgement(preview: ImpactPreview | null): boolean {
  return preview === null || preview.categories.some((c) => c.members.atLeast === 0);
}

function errorText(error: unknown): string {
  const code = error instanceof ApiError ? error.code : 'network_error';
  return hasMessage(`stewardError.${code}`) ? t(`stewardError.${code}` as MessageKey) : t('common.failed');
}

export class CoopStewardPage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .warning {
        border-left: 4px solid var(--coop-danger);
        padding: 0.25rem 0.75rem;
      }
      .confirm {
        display: flex;
        gap: 0.5rem;
        align-items: flex-start;
      }
      .impact h4 {
        margin-bottom: 0.25rem;
      }
    `,
  ];

  static override properties = {
    message: { state: true },
    error: { state: true },
    audit: { state: true },
    auditBusy: { state: true },
    reviewing: { state: true },
  };

  declare private message: string;
  declare private error: string;
  declare private audit: AuditVerification | undefined;
  declare private auditBusy: boolean;
  /** The verification a steward is about to confirm: shown in full before it is sent. */
  declare private reviewing: { researcher: StewardResearcher; request: VerificationRequest } | undefined;
  private readonly locale = new LocaleController(this);

  private readonly researchers = new Task(this, { task: () => fetchPendingResearchers(), args: () => [] });
  private readonly verifiedResearchers = new Task(this, { task: () => fetchVerifiedResearchers(), args: () => [] });
  private readonly requests = new Task(this, { task: () => fetchRequests(), args: () => [] });
  /** The admission desk (applicants with duplicate hints), the whole register, and the bylaws' membership rules. */
  private readonly admissions = new Task(this, {
    task: async () => {
      const [applicants, register, rules] = await Promise.all([
        fetchRegister('applicant'),
        fetchRegister('all'),
        fetchMembershipRules(),
      ]);
      return { applicants, register, rules };
    },
    args: () => [],
  });

  private readonly proposals = new Task(this, {
    task: async () => {
      const [drafts, open, bylaws] = await Promise.all([
        fetchProposals('draft'),
        fetchProposals('open'),
        fetchBylaws(),
      ]);
      // Each access-policy draft's impact, shown beside its "Open the vote" (a failed preview shows as unavailable).
      const impacts = new Map<string, ImpactPreview | null>(
        await Promise.all(
          drafts
            .filter((p) => p.kind === 'access-policy')
            .map(async (p) => [p.id, await fetchImpact(p.id).catch(() => null)] as const),
        ),
      );
      return { drafts, open, impacts, kinds: bylaws.inForce.bylaws.proposalKinds ?? {} };
    },
    args: () => [],
  });

  constructor() {
    super();
    this.message = '';
    this.error = '';
    this.audit = undefined;
    this.auditBusy = false;
    this.reviewing = undefined;
  }

  private async onPropose(id: string, title: string): Promise<void> {
    this.message = '';
    this.error = '';
    try {
      await proposeFromRequest(id);
      this.message = t('steward.proposed', { title });
      void this.requests.run();
      void this.proposals.run();
    } catch (error) {
      this.error = errorText(error);
    }
  }

  private renderRequests() {
    return this.requests.render({
      pending: () => html`<p role="status">${t('common.loading')}</p>`,
      error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
      complete: (list) => {
        const waiting = list.filter((r) => r.status === 'submitted');
        return html`${
          waiting.length === 0
            ? html`<p>${t('steward.noRequests')}</p>`
            : html`<ul>
                ${waiting.map((r) => {
                  const title = String(r.request.title ?? '');
                  return html`<li class="card">
                    <p><strong>${title}</strong></p>
                    <p>${String(r.request.purpose ?? '')}</p>
                    <p class="muted">
                      ${(r.request.categories ?? []).map((c) => t(`category.${c}` as MessageKey)).join(', ')} ·
                      ${r.request.level ? t(`level.${r.request.level}` as MessageKey) : ''}
                    </p>
                    <button
                      @click=${() => this.onPropose(r.id, title)}
                      aria-label=${t('steward.proposeWho', { title })}
                    >
                      ${t('steward.propose')}
                    </button>
                  </li>`;
                })}
              </ul>`
        }`;
      },
    });
  }

  // First step: the form only prepares the verification; nothing is sent until the steward confirms the summary.
  private onReviewVerification(event: SubmitEvent, researcher: StewardResearcher): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.message = '';
    this.error = '';
    this.reviewing = {
      researcher,
      request: {
        organisation: String(data.get('organisation')).trim(),
        nonProfit: data.get('nonProfit') === 'on',
        evidence: {
          method: String(data.get('evidenceMethod')) as VerificationMethod,
          note: String(data.get('evidenceNote')).trim(),
        },
      },
    };
  }

  private async onConfirmVerification(): Promise<void> {
    if (!this.reviewing) return;
    const { researcher, request } = this.reviewing;
    const { id, name } = researcher;
    this.message = '';
    this.error = '';
    try {
      await verifyResearcher(id, request);
      this.reviewing = undefined;
      this.message = t('steward.verified', { name });
      void this.researchers.run();
      void this.verifiedResearchers.run();
    } catch (error) {
      this.error = errorText(error);
    }
  }

  private async onChangeAffiliation(event: SubmitEvent, id: string, name: string): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.message = '';
    this.error = '';
    try {
      await changeAffiliation(id, {
        organisation: String(data.get('organisation')),
        nonProfit: data.get('nonProfit') === 'on',
        reason: String(data.get('reason')) as AffiliationReason,
      });
      this.message = t('steward.affiliationChanged', { name });
      void this.verifiedResearchers.run();
    } catch (error) {
      this.error = errorText(error);
    }
  }

  private async onAdmit(event: SubmitEvent, applicant: RegisterEntry, share: { amount: number; currency: string }) {
    event.preventDefault();
    const identityMethod = String(new FormData(event.target as HTMLFormElement).get('identityMethod'));
    this.message = '';
    this.error = '';
    try {
      await withStepUp(() => admitApplicant(applicant.id, identityMethod, share));
      this.message = t('admission.admitted', { name: applicant.name });
      void this.admissions.run();
    } catch (error) {
      this.error = errorText(error);
    }
  }

  private async onRefuse(event: SubmitEvent, applicant: RegisterEntry) {
    event.preventDefault();
    const reason = String(new FormData(event.target as HTMLFormElement).get('reason'));
    this.message = '';
    this.error = '';
    try {
      await withStepUp(() => refuseApplicant(applicant.id, reason));
      this.message = t('admission.refused', { name: applicant.name });
      void this.admissions.run();
    } catch (error) {
      this.error = errorText(error);
    }
  }

  private renderAdmissions() {
    return this.admissions.render({
      pending: () => html`<p role="status">${t('common.loading')}</p>`,
      error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
      complete: ({ applicants, rules }) =>
        applicants.length === 0
          ? html`<p>${t('admission.none')}</p>`
          : html`<ul>
              ${applicants.map((a) => this.renderApplicant(a, rules))}
            </ul>`,
    });
  }

  private renderApplicant(
    applicant: RegisterEntry,
    rules: { identityMethods: readonly string[]; shareCapital: { amount: number; currency: string } },
  ) {
    const duplicates = applicant.possibleDuplicates ?? [];
    return html`<li class="card">
      <p><strong>${applicant.name}</strong> — ${formatDateTime(applicant.membership.appliedAt!)}</p>
      ${
        duplicates.length
          ? html`<p class="error">${t('admission.duplicates')}</p>
              <ul>
                ${duplicates.map(
                  (d) =>
                    html`<li>
                      ${d.name} (${t(`membership.status.${d.status}`)}):
                      ${d.reasons.map((r) => t(`admission.reason.${r}`)).join(', ')}
                    </li>`,
                )}
              </ul>`
          : nothing
      }
      <form @submit=${(e: SubmitEvent) => this.onAdmit(e, applicant, rules.shareCapital)}>
        <label for=${`identity-${applicant.id}`}>${t('admission.identityMethod')}</label>
        <select id=${`identity-${applicant.id}`} name="identityMethod" required>
          ${rules.identityMethods.map((m) => html`<option value=${m}>${m}</option>`)}
        </select>
        <label class="inline">
          <input type="checkbox" name="share" required />
          ${t('admission.share', { amount: rules.shareCapital.amount, currency: rules.shareCapital.currency })}
        </label>
        <div class="actions">
          <button type="submit" aria-label=${t('admission.admitWho', { name: applicant.name })}>
            ${t('admission.admit')}
          </button>
        </div>
      </form>
      <form @submit=${(e: SubmitEvent) => this.onRefuse(e, applicant)}>
        <label for=${`reason-${applicant.id}`}>${t('admission.refuseReason')}</label>
        <input id=${`reason-${applicant.id}`} name="reason" required minlength="3" maxlength="500" size="40" />
        <div class="actions">
          <button type="submit" class="secondary" aria-label=${t('admission.refuseWho', { name: applicant.name })}>
            ${t('admission.refuse')}
          </button>
        </div>
      </form>
    </li>`;
  }

  private async onExcluded(event: CustomEvent<{ id: string; name: string; reason: string }>): Promise<void> {
    this.message = '';
    this.error = '';
    try {
      await excludeMember(event.detail.id, event.detail.reason);
      this.message = t('register.excluded', { name: event.detail.name });
      void this.admissions.run();
    } catch (error) {
      this.error = errorText(error);
    }
  }

  private renderRegister() {
    return this.admissions.render({
      pending: () => nothing,
      error: () => nothing,
      complete: ({ register }) =>
        html`<coop-member-register
          .register=${register}
          @coop-member-excluded=${this.onExcluded}
        ></coop-member-register>`,
    });
  }

  /**
   * An access-policy draft's impact beside its "Open the vote": the coarse bands of consenting members per category
   * and, when a category has fewer than the small-cell minimum, a warning that its every answer would be suppressed.
   */
  private renderDraftImpact(preview: ImpactPreview | null) {
    if (!preview) {
      return html`<p class="warning" data-testid="impact">${t('steward.impactUnavailable')}</p>`;
    }
    const thin = preview.categories.filter((c) => c.members.atLeast === 0);
    const categories = thin.map((c) => t(`category.${c.category}` as MessageKey)).join(', ');
    return html`<div class="impact" data-testid="impact">
      <h4>${t('steward.impactHeading')}</h4>
      <ul>
        ${preview.categories.map((c) => html`<li>${impactLine(c)}</li>`)}
      </ul>
      <p class="muted">${t('impact.explain', { when: formatDateTime(preview.at) })}</p>
      ${
        thin.length === 0
          ? nothing
          : html`<p class="warning" data-testid="thin-warning">
              <strong>
                ${
                  thin.length === preview.categories.length
                    ? t('steward.thinAll', { min: preview.minCellSize })
                    : t('steward.thinSome', { categories, min: preview.minCellSize })
                }
              </strong>
            </p>`
      }
    </div>`;
  }

  private async onAnnounce(proposal: Proposal): Promise<void> {
    this.message = '';
    this.error = '';
    try {
      await announceProposal(proposal.id);
      this.message = t('steward.announced', { title: proposal.title });
      void this.proposals.run();
    } catch (error) {
      this.error = errorText(error);
    }
  }

  private async onOpen(event: SubmitEvent, proposal: Proposal): Promise<void> {
    event.preventDefault();
    const closesAt = new Date(String(new FormData(event.target as HTMLFormElement).get('closesAt')));
    this.message = '';
    this.error = '';
    try {
      await openProposal(proposal.id, closesAt);
      this.message = t('steward.opened', { title: proposal.title });
      void this.proposals.run();
    } catch (error) {
      this.error = errorText(error);
    }
  }

  private async onAudit(): Promise<void> {
    this.auditBusy = true;
    try {
      this.audit = await verifyAuditLog();
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.auditBusy = false;
    }
  }

  private renderResearchers() {
    return this.researchers.render({
      pending: () => html`<p role="status">${t('common.loading')}</p>`,
      error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
      complete: (list) =>
        list.length === 0
          ? html`<p>${t('steward.noResearchers')}</p>`
          : html`<ul>
              ${list.map(
                (r) =>
                  html`<li class="card">
                    <p><strong>${r.name}</strong> — ${r.email}</p>
                    ${
                      this.reviewing?.researcher.id === r.id
                        ? this.renderVerificationReview(this.reviewing.researcher, this.reviewing.request)
                        : this.renderVerificationForm(r)
                    }
                  </li>`,
              )}
            </ul>`,
    });
  }

  // The steward's input, with the evidence required: how the identity and the affiliation were checked.
  private renderVerificationForm(r: StewardResearcher) {
    return html`<form @submit=${(e: SubmitEvent) => this.onReviewVerification(e, r)}>
      <label for=${`org-${r.id}`}>${t('steward.organisation')}</label>
      <input id=${`org-${r.id}`} name="organisation" .value=${r.organisation ?? ''} required size="40" />
      <label class="inline">
        <input type="checkbox" name="nonProfit" />
        ${t('steward.nonProfit')}
      </label>
      <label for=${`method-${r.id}`}>${t('steward.evidenceMethod')}</label>
      <select id=${`method-${r.id}`} name="evidenceMethod" required>
        ${VERIFICATION_METHODS.map((m) => html`<option value=${m}>${t(`verificationMethod.${m}`)}</option>`)}
      </select>
      <label for=${`note-${r.id}`}>${t('steward.evidenceNote')}</label>
      <textarea
        id=${`note-${r.id}`}
        name="evidenceNote"
        required
        minlength="3"
        maxlength="500"
        rows="3"
        aria-describedby=${`note-hint-${r.id}`}
      ></textarea>
      <p class="hint" id=${`note-hint-${r.id}`}>${t('steward.evidenceNoteHint')}</p>
      <div class="actions">
        <button type="submit" aria-label=${t('steward.reviewWho', { name: r.name })}>${t('steward.review')}</button>
      </div>
    </form>`;
  }

  // Second step: everything that is about to be recorded, stated before the click that records it.
  private renderVerificationReview(r: StewardResearcher, request: VerificationRequest) {
    return html`<section class="review" aria-labelledby=${`review-${r.id}`} data-testid="verification-review">
      <h3 id=${`review-${r.id}`}>${t('steward.reviewHeading', { name: r.name })}</h3>
      <dl>
        <dt>${t('steward.reviewName')}</dt>
        <dd>${r.name}</dd>
        <dt>${t('steward.organisation')}</dt>
        <dd>${request.organisation}</dd>
        <dt>${t('steward.reviewNonProfit')}</dt>
        <dd>${request.nonProfit ? t('steward.reviewNonProfitYes') : t('steward.reviewNonProfitNo')}</dd>
        <dt>${t('steward.reviewDomain')}</dt>
        <dd>${emailDomain(r.email) || t('steward.reviewNoDomain')}</dd>
        <dt>${t('steward.evidenceMethod')}</dt>
        <dd>${t(`verificationMethod.${request.evidence.method}`)}</dd>
        <dt>${t('steward.evidenceNote')}</dt>
        <dd>${request.evidence.note}</dd>
      </dl>
      <p>${t('steward.reviewWarning')}</p>
      <div class="actions">
        <button type="button" @click=${() => this.onConfirmVerification()}>
          ${t('steward.confirmVerify', { name: r.name })}
        </button>
        <button type="button" class="secondary" @click=${() => (this.reviewing = undefined)}>
          ${t('steward.reviewBack')}
        </button>
      </div>
    </section>`;
  }

  private renderVerifiedResearchers() {
    return this.verifiedResearchers.render({
      pending: () => html`<p role="status">${t('common.loading')}</p>`,
      error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
      complete: (list) =>
        list.length === 0
          ? html`<p>${t('steward.noVerified')}</p>`
          : html`<ul>
              ${list.map(
                (r) =>
                  html`<li class="card">
                    <p>
                      <strong>${r.name}</strong> — ${r.organisation ?? ''}
                      (${r.nonProfit ? t('steward.nonProfit') : t('steward.forProfit')})
                    </p>
                    <p data-testid="evidence">
                      ${
                        r.evidence
                          ? t('steward.evidenceShown', {
                              method: t(`verificationMethod.${r.evidence.method}`),
                              note: r.evidence.note,
                              date: r.decidedAt ? formatDateTime(r.decidedAt) : '',
                            })
                          : t('steward.evidenceNone')
                      }
                    </p>
                    <form @submit=${(e: SubmitEvent) => this.onChangeAffiliation(e, r.id, r.name)}>
                      <label for=${`aff-org-${r.id}`}>${t('steward.organisation')}</label>
                      <input
                        id=${`aff-org-${r.id}`}
                        name="organisation"
                        .value=${r.organisation ?? ''}
                        required
                        size="40"
                      />
                      <label class="inline">
                        <input type="checkbox" name="nonProfit" .checked=${r.nonProfit ?? false} />
                        ${t('steward.nonProfitOf', { name: r.name })}
                      </label>
                      <label for=${`aff-reason-${r.id}`}>${t('steward.reason')}</label>
                      <select id=${`aff-reason-${r.id}`} name="reason" required>
                        ${AFFILIATION_REASONS.map(
                          (reason) => html`<option value=${reason}>${t(`affiliationReason.${reason}`)}</option>`,
                        )}
                      </select>
                      <div class="actions">
                        <button type="submit" aria-label=${t('steward.changeAffiliationOf', { name: r.name })}>
                          ${t('steward.changeAffiliation')}
                        </button>
                      </div>
                    </form>
                  </li>`,
              )}
            </ul>`,
    });
  }

  private renderProposals() {
    return this.proposals.render({
      pending: () => html`<p role="status">${t('common.loading')}</p>`,
      error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
      complete: ({ drafts, open, impacts, kinds }) => html`
        <h3>${t('steward.drafts')}</h3>
        ${
          drafts.length === 0
            ? html`<p>${t('steward.noDrafts')}</p>`
            : html`<ul>
                ${drafts.map((p) => {
                  const minHours = kinds[p.kind]?.votingWindow.minHours ?? 168;
                  const earliest = new Date(Date.now() + minHours * HOUR + HOUR);
                  return html`<li class="card">
                    <p><strong>${p.title}</strong> — ${t(`kind.${p.kind}`)}</p>
                    <p>${p.summary}</p>
                    ${
                      p.announcedAt
                        ? html`<p>
                            <a href=${`/votes/${p.id}`}>
                              ${t('steward.underDiscussion', { when: formatDateTime(p.announcedAt) })}
                            </a>
                          </p>`
                        : html`<div class="actions">
                            <button
                              class="secondary"
                              aria-label=${t('steward.announceWho', { title: p.title })}
                              @click=${() => this.onAnnounce(p)}
                            >
                              ${t('steward.announce')}
                            </button>
                          </div>`
                    }
                    ${impacts.has(p.id) ? this.renderDraftImpact(impacts.get(p.id) ?? null) : nothing}
                    <form @submit=${(e: SubmitEvent) => this.onOpen(e, p)}>
                      ${
                        impacts.has(p.id) && needsAcknowledgement(impacts.get(p.id) ?? null)
                          ? html`<p class="confirm">
                              <input id=${`ack-${p.id}`} name="acknowledge" type="checkbox" required />
                              <label for=${`ack-${p.id}`}>${t('steward.thinConfirm')}</label>
                            </p>`
                          : nothing
                      }
                      <label for=${`closes-${p.id}`}>${t('steward.closesAt')}</label>
                      <input
                        id=${`closes-${p.id}`}
                        name="closesAt"
                        type="datetime-local"
                        .value=${localInput(earliest)}
                        required
                      />
                      <p class="muted">${t('steward.window', { hours: minHours })}</p>
                      <div class="actions">
                        <button type="submit" aria-label=${t('steward.openWho', { title: p.title })}>
                          ${t('steward.open')}
                        </button>
                      </div>
                    </form>
                  </li>`;
                })}
              </ul>`
        }
        <h3>${t('steward.inProgress')}</h3>
        ${
          open.length === 0
            ? html`<p>${t('steward.noneOpen')}</p>`
            : html`<div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">${t('votes.colTitle')}</th>
                      <th scope="col" class="num">${t('steward.turnout')}</th>
                      <th scope="col">${t('votes.colDeadline')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${open.map(
                      (p) =>
                        html`<tr>
                          <td><a href=${`/votes/${p.id}`}>${p.title}</a></td>
                          <td class="num">
                            ${tPlural('proposal.turnoutText', p.electorate ?? 0, { turnout: p.turnout ?? 0, electorate: p.electorate ?? 0 })}
                          </td>
                          <td>${p.closesAt ? formatDateTime(p.closesAt) : '—'}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }
      `,
    });
  }

  private renderAudit() {
    const audit = this.audit;
    return html`<div class="actions">
        <button @click=${this.onAudit} ?disabled=${this.auditBusy}>${t('steward.auditVerify')}</button>
      </div>
      <div role="status">
        ${
          audit
            ? html`<p class=${audit.valid ? 'success' : 'error'} data-testid="audit-result">
                ${
                  audit.valid
                    ? t('steward.auditValid', { entries: audit.entries, checkpoints: audit.checkpoints })
                    : tPlural('steward.auditInvalid', audit.problems.length)
                }
              </p>`
            : this.auditBusy
              ? t('common.loading')
              : nothing
        }
      </div>
      ${
        audit && audit.problems.length > 0
          ? html`<ul>
              ${audit.problems.map((p) => html`<li>#${p.seq}: <code>${p.problem}</code></li>`)}
            </ul>`
          : nothing
      }`;
  }

  override render() {
    return html`<h1 tabindex="-1">${t('steward.title')}</h1>
      <div role="status">${this.message ? html`<p class="success">${this.message}</p>` : nothing}</div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <section class="card" aria-labelledby="admission-heading">
        <h2 id="admission-heading">${t('admission.heading')}</h2>
        ${this.renderAdmissions()}
      </section>
      <section class="card" aria-labelledby="register-heading">
        <h2 id="register-heading">${t('register.heading')}</h2>
        ${this.renderRegister()}
      </section>
      <section class="card" aria-labelledby="researchers-heading">
        <h2 id="researchers-heading">${t('steward.researchers')}</h2>
        ${this.renderResearchers()}
      </section>
      <section class="card" aria-labelledby="verified-heading">
        <h2 id="verified-heading">${t('steward.verifiedResearchers')}</h2>
        <p class="muted">${t('steward.affiliationHelp')}</p>
        ${this.renderVerifiedResearchers()}
      </section>
      <section class="card" aria-labelledby="requests-heading">
        <h2 id="requests-heading">${t('steward.requests')}</h2>
        ${this.renderRequests()}
      </section>
      <section class="card" aria-labelledby="proposals-heading">
        <h2 id="proposals-heading">${t('steward.proposals')}</h2>
        ${this.renderProposals()}
      </section>
      <section class="card" aria-labelledby="audit-heading">
        <h2 id="audit-heading">${t('steward.audit')}</h2>
        ${this.renderAudit()}
      </section>`;
  }
}

customElements.define('coop-steward-page', CoopStewardPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-steward-page': CoopStewardPage;
  }
}
