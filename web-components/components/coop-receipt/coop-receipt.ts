// Shows a ballot receipt so the member can keep it (copy, download as a small text file that says how to check
// it, or read it aloud) and find it in the published list later. The file never holds the ballot secret.
import { LitElement, css, html } from 'lit';
import { LocaleController, t } from '../../i18n/i18n.js';
import { receiptFileName, receiptFileText } from '../../src/receipt-check.js';
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
    proposalId: { type: String },
    proposalTitle: { type: String },
    copied: { state: true },
    downloaded: { state: true },
  };

  declare receipt: string;
  declare proposalId: string;
  declare proposalTitle: string;
  declare private copied: boolean;
  declare private downloaded: boolean;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.receipt = '';
    this.proposalId = '';
    this.proposalTitle = '';
    this.copied = false;
    this.downloaded = false;
  }

  private async onCopy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.receipt);
      this.downloaded = false;
      this.copied = true;
    } catch {
      this.copied = false;
    }
  }

  private onDownload(): void {
    const text = receiptFileText(
      {
        proposalId: this.proposalId,
        proposalTitle: this.proposalTitle,
        receipt: this.receipt,
        origin: location.origin,
      },
      t,
    );
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = receiptFileName(this.proposalId);
    this.renderRoot.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    this.copied = false;
    this.downloaded = true;
  }

  override render() {
    return html`<div class="card" role="group" aria-labelledby="receipt-title">
      <h2 id="receipt-title">${t('receipt.title')}</h2>
      <code class="receipt" data-testid="receipt">${this.receipt}</code>
      <p class="muted">${t('receipt.explain')}</p>
      <div class="actions">
        <button class="secondary" @click=${this.onCopy}>${t('receipt.copy')}</button>
        <button class="secondary" @click=${this.onDownload}>${t('receipt.download')}</button>
        <span role="status">
          ${this.copied ? t('receipt.copied') : this.downloaded ? t('receipt.downloaded') : ''}
        </span>
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
