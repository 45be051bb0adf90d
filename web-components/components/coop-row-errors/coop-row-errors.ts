// The per-row problems of a refused upload, as a table a person can read and fix line by line.
import { LitElement, css, html, nothing } from 'lit';
import type { ErrorDetail } from '../../api/types.js';
import { LocaleController, hasMessage, t, tPlural } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

/** One message per bad row, in the page's language (the service's English message is for developers, not shown). */
export function rowMessage(code: string): string {
  const key = `rowError.${code}`;
  return hasMessage(key) ? t(key) : t('rowError.other');
}

/** A field path that may break only between its parts (`components.systolic`), never inside a word. */
function fieldName(field: string) {
  return field.split('.').map((part, i) => html`${i > 0 ? html`.<wbr />` : nothing}${part}`);
}

export class CoopRowErrors extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      td code {
        overflow-wrap: normal;
        word-break: keep-all;
      }
    `,
  ];

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
          ${tPlural('upload.errorsCaption', this.errors.length)}
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
                <td><code>${fieldName(error.field ?? '')}</code></td>
                <td>${rowMessage(error.code)}</td>
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
