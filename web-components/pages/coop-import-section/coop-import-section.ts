// Importing a health app's export (Apple Health, Google Fit Takeout): choose the source and the file, watch the
// upload progress, then read the summary — stored, already there, and skipped or refused by type.
import { LitElement, css, html, nothing } from 'lit';
import { ApiError } from '../../api/api-error.js';
import type { ImportFormat, ImportResult } from '../../api/types.js';
import { importFile } from '../../api/vault.api.js';
import { LocaleController, formatNumber, hasMessage, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { sharedStyles } from '../../src/shared-styles.js';

function errorText(error: unknown): string {
  const code = error instanceof ApiError ? error.code : 'network_error';
  if (hasMessage(`importError.${code}`)) return t(`importError.${code}` as MessageKey);
  return hasMessage(`uploadError.${code}`) ? t(`uploadError.${code}` as MessageKey) : t('common.failed');
}

export class CoopImportSection extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      progress {
        width: min(100%, 20rem);
        height: 1.25rem;
      }
      fieldset {
        border: none;
        padding: 0;
      }
    `,
  ];

  static override properties = {
    format: { state: true },
    progress: { state: true },
    importing: { state: true },
    result: { state: true },
    importError: { state: true },
  };

  declare private format: ImportFormat;
  declare private progress: number;
  declare private importing: boolean;
  declare private result: ImportResult | undefined;
  declare private importError: string;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.format = 'apple-health';
    this.progress = 0;
    this.importing = false;
    this.result = undefined;
    this.importError = '';
  }

  private async onImport(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const file = this.renderRoot.querySelector<HTMLInputElement>('#import-file')?.files?.[0];
    this.result = undefined;
    this.importError = '';
    if (!file) {
      this.importError = t('import.chooseFile');
      return;
    }
    this.importing = true;
    this.progress = 0;
    try {
      this.result = await importFile(this.format, file, (fraction) => (this.progress = fraction));
    } catch (error) {
      this.importError = errorText(error);
    } finally {
      this.importing = false;
    }
  }

  private renderCounts(heading: string, counts: Record<string, number>) {
    const rows = Object.entries(counts);
    if (rows.length === 0) return nothing;
    return html`<table>
      <caption>
        ${heading}
      </caption>
      <thead>
        <tr>
          <th scope="col">${t('import.type')}</th>
          <th scope="col">${t('import.count')}</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          ([type, count]) =>
            html`<tr>
              <td>${type}</td>
              <td>${formatNumber(count, 0)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private renderSummary(result: ImportResult) {
    return html`<h3>${t('import.summaryHeading')}</h3>
      <p class="success">${t('import.stored', { count: formatNumber(result.stored, 0) })}</p>
      <p>${t('import.duplicates', { count: formatNumber(result.duplicates, 0) })}</p>
      ${this.renderCounts(t('import.skippedHeading'), result.skipped)}
      ${this.renderCounts(t('import.refusedHeading'), result.refused)}`;
  }

  override render() {
    const sending = this.importing && this.progress < 1;
    return html`<section class="card" aria-labelledby="import-heading">
      <h2 id="import-heading">${t('import.heading')}</h2>
      <p>${t('import.intro')}</p>
      <form @submit=${this.onImport}>
        <fieldset>
          <legend>${t('import.source')}</legend>
          ${(['apple-health', 'google-fit'] as const).map(
            (format) =>
              html`<label>
                <input
                  type="radio"
                  name="import-format"
                  .checked=${this.format === format}
                  @change=${() => (this.format = format)}
                />
                ${t(format === 'apple-health' ? 'import.appleHealth' : 'import.googleFit')}
              </label>`,
          )}
        </fieldset>
        <label for="import-file">${t('import.file')}</label>
        <input id="import-file" type="file" accept=".zip,.xml,.csv,.json" />
        <div class="actions">
          <button type="submit" ?disabled=${this.importing}>${t('import.submit')}</button>
        </div>
      </form>
      ${
        this.importing || this.progress > 0
          ? html`<p>
              <label for="import-progress">${t('import.progress')}</label>
              <progress id="import-progress" max="1" .value=${this.progress}></progress>
            </p>`
          : nothing
      }
      <div role="status">
        ${this.importing && !sending ? html`<p>${t('import.processing')}</p>` : nothing}
        ${this.result ? this.renderSummary(this.result) : nothing}
      </div>
      ${this.importError ? html`<p class="error" role="alert">${this.importError}</p>` : nothing}
    </section>`;
  }
}

customElements.define('coop-import-section', CoopImportSection);

declare global {
  interface HTMLElementTagNameMap {
    'coop-import-section': CoopImportSection;
  }
}
