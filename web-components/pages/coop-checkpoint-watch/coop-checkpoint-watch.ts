// The member's browser as a witness: on each visit it checks the audit log's latest checkpoint against the one it
// saw before (signature by the same key, and a consistency proof) and warns loudly when the history it saw is not a
// prefix of the current one. Shows nothing while all is well; keeps the old checkpoint on a fork.
import { LitElement, css, html, nothing } from 'lit';
import {
  checkCheckpoint,
  fetchConsistencyProof,
  fetchLatestCheckpoint,
  loadSeenCheckpoint,
  saveSeenCheckpoint,
  type CheckpointCheck,
} from '../../api/audit-checkpoint.api.js';
import { LocaleController, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { sharedStyles } from '../../src/shared-styles.js';

const reasons: Record<Extract<CheckpointCheck, { status: 'fork' }>['reason'], MessageKey> = {
  key_changed: 'auditWatch.keyChanged',
  bad_signature: 'auditWatch.badSignature',
  shrunk: 'auditWatch.shrunk',
  root_changed: 'auditWatch.inconsistent',
  inconsistent: 'auditWatch.inconsistent',
};

export class CoopCheckpointWatch extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .fork {
        border: 3px solid #8b0000;
        background: #fdecea;
        color: #5a0000;
        padding: 0.75rem 1rem;
        border-radius: 4px;
        margin-bottom: 1rem;
      }
    `,
  ];

  static override properties = { result: { state: true } };

  declare private result: CheckpointCheck | null;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.result = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.check();
  }

  /** One check per visit; a failed fetch shows nothing (it proves nothing either way). */
  private async check(): Promise<void> {
    try {
      const served = await fetchLatestCheckpoint();
      const result = await checkCheckpoint(loadSeenCheckpoint(), served, (from, to) => fetchConsistencyProof(from, to));
      if (result.status !== 'fork' && result.seen) saveSeenCheckpoint(result.seen);
      this.result = result;
    } catch {
      this.result = null;
    }
  }

  override render() {
    const result = this.result;
    if (result?.status !== 'fork') return nothing;
    return html`<div class="fork" role="alert" data-fork=${result.reason}>
      <strong>${t('auditWatch.title')}</strong>
      <p>${t(reasons[result.reason])}</p>
      <p>${t('auditWatch.whatToDo')}</p>
    </div>`;
  }
}

customElements.define('coop-checkpoint-watch', CoopCheckpointWatch);

declare global {
  interface HTMLElementTagNameMap {
    'coop-checkpoint-watch': CoopCheckpointWatch;
  }
}
