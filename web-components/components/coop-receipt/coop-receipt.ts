// Shows a ballot receipt so the member can keep it (copy, or read it aloud) and find it in the list later.
import { LitElement, css, html } from 'lit';
import { LocaleController, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopReceipt extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .receipt {
        display: block;
        padding: 0.5rem;
        background: #eef2ea;
        border-radius: 4px;
        font-size: 0.95rem;
      }
    `,
  ];

  static override properties = {
    receipt: { type: String },
    copied: { state: true },
  };

  declare receipt: string;
  declare private copied: boolean;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.receipt = '';
    this.copied = false;
  }

  private async onCopy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.receipt);
      this.copied = true;
    } catch {
      this.copied = false;
    }
  }

  override render() {
    return html`<div class="card" role="group" aria-labelledby="receipt-title">
      <h3 id="receipt-title">${t('receipt.title')}</h3>
      <code class="receipt" data-testid="receipt">${this.receipt}</code>
      <p class="muted">${t('receipt.explain')}</p>
      <div class="actions">
        <button class="secondary" @click=${this.onCopy}>${t('receipt.copy')}</button>
        <span role="status">${this.copied ? t('receipt.copied') : ''}</span>
      </div>
    </div>`;
  }
}

customElements.define('coop-receipt', CoopReceipt);

declare global {
  interface HTMLElementTagNameMap {
    'coop-receipt': CoopReceipt;
  }
}
