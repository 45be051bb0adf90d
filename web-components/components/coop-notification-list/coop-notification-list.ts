// The signed-in person's notifications (vote opened, reminder, outcome, membership or request decided), newest first,
// each in a sentence of the page's language, the unread ones marked, with a button to mark one read.
import { Task } from '@lit/task';
import { LitElement, css, html, nothing } from 'lit';
import { requestJson } from '../../api/session.js';
import type { NotificationList } from '../../api/types.js';
import { LocaleController, formatDateTime, hasMessage, t } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/en.js';
import { sharedStyles } from '../../src/shared-styles.js';

type Item = NotificationList['notifications'][number];

export class CoopNotificationList extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      ul {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      li {
        border-top: 1px solid var(--coop-border);
        padding: 0.5rem 0;
      }
      li.unread .sentence {
        font-weight: 700;
      }
    `,
  ];

  private readonly locale = new LocaleController(this);
  private readonly list = new Task(this, {
    task: async () => (await requestJson<NotificationList>('GET', '/api/me/notifications')).notifications,
    args: () => [],
  });

  private async markRead(item: Item): Promise<void> {
    await requestJson('POST', `/api/me/notifications/${encodeURIComponent(item.id)}/read`);
    await this.list.run();
  }

  private sentence(item: Item): string {
    // Outcomes come as codes (approved, rejected); the membership decision already in the account's language.
    const word = (code: string | undefined) =>
      code && hasMessage(`notification.word.${code}`) ? t(`notification.word.${code}` as MessageKey) : (code ?? '');
    const params = {
      title: item.params.title ?? '',
      decision: word(item.params.decision),
      outcome: word(item.params.outcome),
    };
    return t(`notification.${item.kind}` as MessageKey, params);
  }

  private renderItem(item: Item) {
    return html`<li class=${item.read ? 'read' : 'unread'} data-testid="notification">
      <p class="sentence">${this.sentence(item)}</p>
      <p class="muted">${formatDateTime(item.createdAt)} ${item.read ? html`· ${t('notification.read')}` : nothing}</p>
      ${
        item.read
          ? nothing
          : html`<button type="button" class="secondary" @click=${() => this.markRead(item)}>
              ${t('notification.markRead')}
            </button>`
      }
    </li>`;
  }

  override render() {
    return this.list.render({
      pending: () => html`<p role="status">${t('common.loading')}</p>`,
      complete: (items) =>
        items.length === 0
          ? html`<p class="muted">${t('notification.none')}</p>`
          : html`<ul>
              ${items.map((item) => this.renderItem(item))}
            </ul>`,
      error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
    });
  }
}

customElements.define('coop-notification-list', CoopNotificationList);

declare global {
  interface HTMLElementTagNameMap {
    'coop-notification-list': CoopNotificationList;
  }
}
