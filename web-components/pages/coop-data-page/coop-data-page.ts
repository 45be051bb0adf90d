// Adding data: upload a CSV, JSON or FHIR R4 file (with progress, and every bad row listed when the upload is
// refused — nothing is stored then), or type one value in by hand.
import { LitElement, css, html, nothing } from 'lit';
import { ApiError } from '../../api/api-error.js';
import type { ErrorDetail, NewObservation } from '../../api/types.js';
import { addObservations, uploadFile } from '../../api/vault.api.js';
import '../../components/coop-observation-form/coop-observation-form.js';
import type { CoopObservationForm } from '../../components/coop-observation-form/coop-observation-form.js';
import { rowMessage } from '../../components/coop-row-errors/coop-row-errors.js';
import '../coop-import-section/coop-import-section.js';
import { LocaleController, hasMessage, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { sharedStyles } from '../../src/shared-styles.js';

function errorText(error: unknown): string {
  const code = error instanceof ApiError ? error.code : 'network_error';
  return hasMessage(`uploadError.${code}`) ? t(`uploadError.${code}` as MessageKey) : t('common.failed');
}

export class CoopDataPage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      progress {
        width: min(100%, 20rem);
        height: 1.25rem;
      }
    `,
  ];

  static override properties = {
    progress: { state: true },
    uploading: { state: true },
    uploadMessage: { state: true },
    uploadError: { state: true },
    rowErrors: { state: true },
    csv: { state: true },
    saving: { state: true },
    manualMessage: { state: true },
    manualError: { state: true },
    askDateOrder: { state: true },
  };

  declare private progress: number;
  declare private uploading: boolean;
  declare private uploadMessage: string;
  declare private uploadError: string;
  declare private rowErrors: ErrorDetail[];
  declare private csv: boolean;
  declare private saving: boolean;
  declare private manualMessage: string;
  declare private manualError: string;
  /** Shown when the file's slash dates could be day or month first: the member chooses, then sends again. */
  declare private askDateOrder: boolean;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.progress = 0;
    this.uploading = false;
    this.uploadMessage = '';
    this.uploadError = '';
    this.rowErrors = [];
    this.csv = false;
    this.saving = false;
    this.manualMessage = '';
    this.manualError = '';
    this.askDateOrder = false;
  }

  private async onUpload(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#file');
    const file = input?.files?.[0];
    this.uploadMessage = '';
    this.uploadError = '';
    this.rowErrors = [];
    if (!file) {
      this.uploadError = t('upload.chooseFile');
      return;
    }
    this.csv = /\.csv$/i.test(file.name);
    this.uploading = true;
    this.progress = 0;
    const chosen = this.renderRoot.querySelector<HTMLInputElement>('input[name="date-order"]:checked')?.value;
    try {
      const order = chosen === 'day-first' || chosen === 'month-first' ? chosen : undefined;
      const result = await uploadFile(file, (fraction) => (this.progress = fraction), order);
      this.uploadMessage = t('upload.done', { stored: result.stored, duplicates: result.duplicates });
      this.askDateOrder = false;
    } catch (error) {
      // A refused file shows no full progress bar: only the reasons.
      this.progress = 0;
      const details = error instanceof ApiError && error.code === 'invalid_observations' ? error.details : [];
      const orderAsked = details.some((d) => d.code === 'ambiguous_date_order');
      this.askDateOrder ||= orderAsked;
      this.uploadError = orderAsked ? t('upload.chooseDateOrder') : errorText(error);
      if (!orderAsked) this.rowErrors = details;
    } finally {
      this.uploading = false;
    }
  }

  private async onManual(event: CustomEvent<{ observation: NewObservation }>): Promise<void> {
    const form = event.target as CoopObservationForm;
    this.saving = true;
    this.manualMessage = '';
    this.manualError = '';
    try {
      await addObservations([event.detail.observation]);
      this.manualMessage = t('manual.saved');
      form.reset();
    } catch (error) {
      this.manualError =
        error instanceof ApiError && error.code === 'invalid_observations'
          ? [...new Set(error.details.map((d) => rowMessage(d.code)))].join(' ')
          : errorText(error);
    } finally {
      this.saving = false;
    }
  }

  override render() {
    return html`<h1 tabindex="-1">${t('data.title')}</h1>
      <section class="card" aria-labelledby="upload-heading">
        <h2 id="upload-heading">${t('upload.heading')}</h2>
        <p>${t('upload.intro')}</p>
        <form @submit=${this.onUpload}>
          <label for="file">${t('upload.file')}</label>
          <input id="file" type="file" accept=".csv,.json,text/csv,application/json,application/fhir+json" />
          ${
            this.askDateOrder
              ? html`<fieldset>
                  <legend>${t('upload.dateOrder')}</legend>
                  <label
                    ><input type="radio" name="date-order" value="day-first" checked /> ${t('upload.dayFirst')}</label
                  >
                  <label><input type="radio" name="date-order" value="month-first" /> ${t('upload.monthFirst')}</label>
                </fieldset>`
              : nothing
          }
          <div class="actions">
            <button type="submit" ?disabled=${this.uploading}>${t('upload.submit')}</button>
          </div>
        </form>
        ${
          this.uploading || this.progress > 0
            ? html`<p>
                <label for="progress">${t('upload.progress')}</label>
                <progress id="progress" max="1" .value=${this.progress}></progress>
              </p>`
            : nothing
        }
        <div role="status">
          ${
            this.uploadMessage
              ? html`<p class="success">${this.uploadMessage}</p>
                  <p><a href="/dashboard">${t('upload.seeStored')}</a></p>`
              : nothing
          }
        </div>
        ${this.uploadError ? html`<p class="error" role="alert">${this.uploadError}</p>` : nothing}
        <coop-row-errors .errors=${this.rowErrors} .csv=${this.csv}></coop-row-errors>
      </section>
      <coop-import-section></coop-import-section>
      <section class="card" aria-labelledby="manual-heading">
        <h2 id="manual-heading">${t('manual.heading')}</h2>
        <coop-observation-form
          .busy=${this.saving}
          @coop-observation-submitted=${this.onManual}
        ></coop-observation-form>
        <div role="status">${this.manualMessage ? html`<p class="success">${this.manualMessage}</p>` : nothing}</div>
        ${this.manualError ? html`<p class="error" role="alert">${this.manualError}</p>` : nothing}
      </section>`;
  }
}

customElements.define('coop-data-page', CoopDataPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-data-page': CoopDataPage;
  }
}
