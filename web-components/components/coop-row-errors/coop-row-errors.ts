// The per-row problems of a refused upload, as a table a person can read and fix line by line.
import { LitElement, html, nothing } from 'lit';
import type { ErrorDetail } from '../../api/types.js';
import { LocaleController, hasMessage, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopRowErrors extends LitElement {
  static override styles = [sharedStyles];

  static override properties = {
    errors: { attribute: false },
    csv: { type: Boolean },
  };

  declare errors: ErrorDetail[];
  /** CSV rows are shown as file lines (the header is line 1). */
  declare csv: boolean;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.errors = [];
    this.csv = false;
  }

  private where(error: ErrorDetail): string {
    if (error.index === undefined || error.index === null) return '—';
    return this.csv ? t('upload.line', { line: error.index + 2 }) : t('upload.entry', { entry: error.index + 1 });
  }

  override render() {
    if (this.errors.length === 0) return nothing;
    return html`<div class="table-wrap" role="region" aria-label=${t('upload.errorsTitle')} tabindex="0">
      <table>
        <caption class="error">
          ${t('upload.errorsCaption', { count: this.errors.length })}
        </caption>
        <thead>
          <tr>
            <th scope="col">${t('upload.where')}</th>
            <th scope="col">${t('upload.field')}</th>
            <th scope="col">${t('upload.problem')}</th>
          </tr>
        </thead>
        <tbody>
          ${this.errors.map(
            (error) =>
              html`<tr>
                <td>${this.where(error)}</td>
                <td><code>${error.field ?? ''}</code></td>
                <td>
                  ${hasMessage(`rowError.${error.code}`) ? html`${t(`rowError.${error.code}` as never)}<br />` : nothing}
                  <span class="muted" lang="en">${error.message}</span>
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}

customElements.define('coop-row-errors', CoopRowErrors);

declare global {
  interface HTMLElementTagNameMap {
    'coop-row-errors': CoopRowErrors;
  }
}
