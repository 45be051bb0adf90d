// The demo outbox (/outbox, demo mode only): the e-mail the service "sent" — verification and reset links,
// notifications — kept as files because `npm start` needs no mail server. Newest first; opening one shows its text
// with the links clickable. Outside demo mode the service has no outbox route and the page says so.
import { Task } from '@lit/task';
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { fetchOutbox, fetchOutboxMessage, type OutboxEntry } from '../../api/outbox.api.js';
import { LocaleController, formatDateTime, t } from '../../i18n/i18n.js';
import { plainTextOf } from '../../src/mail-text.js';
import { sharedStyles } from '../../src/shared-styles.js';

type Opened = { file: string; subject: string; text: string | null } | null;

/** The text with each http(s) link as a link (everything else stays text: Lit escapes it). */
function withLinks(text: string): (string | TemplateResult)[] {
  return text
    .split(/(https?:\/\/[^\s<>"]+)/g)
    .map((piece, i) => (i % 2 === 1 ? html`<a href=${piece}>${piece}</a>` : piece));
}

export class CoopOutboxPage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      pre {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-family: inherit;
      }
      button.link {
        background: none;
        border: none;
        padding: 0;
        color: var(--coop-link, inherit);
        text-decoration: underline;
        cursor: pointer;
        font: inherit;
        text-align: left;
      }
    `,
  ];

  static override properties = {
    opened: { state: true },
    failed: { state: true },
  };

  declare private opened: Opened;
  declare private failed: boolean;
  private readonly locale = new LocaleController(this);
  private readonly outbox = new Task(this, { task: () => fetchOutbox(), args: () => [] });

  constructor() {
    super();
    this.opened = null;
    this.failed = false;
  }

  private async open(entry: OutboxEntry): Promise<void> {
    this.failed = false;
    try {
      const raw = await fetchOutboxMessage(entry.file);
      this.opened = { file: entry.file, subject: entry.subject, text: plainTextOf(raw) };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#message-heading')?.focus();
    } catch {
      this.failed = true;
    }
  }

  override render() {
    return html`<section class="card" aria-labelledby="outbox-heading">
        <h1 id="outbox-heading" tabindex="-1">${t('outbox.title')}</h1>
        <p>${t('outbox.intro')}</p>
        ${this.outbox.render({
          pending: () => html`<p role="status">${t('common.loading')}</p>`,
          error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
          complete: (entries) =>
            entries === null
              ? html`<p>${t('outbox.notDemo')}</p>`
              : entries.length === 0
                ? html`<p>${t('outbox.empty')}</p>`
                : html`<div class="table-wrap" role="region" tabindex="0" aria-label=${t('outbox.messages')}>
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">${t('outbox.when')}</th>
                          <th scope="col">${t('outbox.to')}</th>
                          <th scope="col">${t('outbox.subject')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${entries.map(
                          (entry) =>
                            html`<tr>
                              <td>${formatDateTime(entry.date)}</td>
                              <td>${entry.to}</td>
                              <td>
                                <button class="link" @click=${() => this.open(entry)}>${entry.subject}</button>
                              </td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>
                  </div>`,
        })}
        ${this.failed ? html`<p class="error" role="alert">${t('common.failed')}</p>` : nothing}
      </section>
      ${
        this.opened
          ? html`<section class="card" aria-labelledby="message-heading">
              <h2 id="message-heading" tabindex="-1">${this.opened.subject}</h2>
              ${
                this.opened.text === null
                  ? html`<p>${t('outbox.noText')}</p>`
                  : html`<pre data-testid="outbox-message">${withLinks(this.opened.text)}</pre>`
              }
              <p><a href=${`/api/demo/outbox/${encodeURIComponent(this.opened.file)}`}>${t('outbox.raw')}</a></p>
            </section>`
          : nothing
      }`;
  }
}

customElements.define('coop-outbox-page', CoopOutboxPage);

declare global {
  interface HTMLElementTagNameMap {
    'coop-outbox-page': CoopOutboxPage;
  }
}
