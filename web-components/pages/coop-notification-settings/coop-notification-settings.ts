// Which kinds of notification also come by e-mail: one switch per kind, saved at once (the in-app list keeps all).
import { Task } from '@lit/task';
import { LitElement, css, html, nothing } from 'lit';
import { fetchNotificationSettings, setNotificationEmail, type NotificationKind } from '../../api/notifications.api.js';
import type { NotificationSettings } from '../../api/types.js';
import { LocaleController, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopNotificationSettings extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      fieldset {
        border: 0;
        padding: 0;
        margin: 0;
      }
    `,
  ];

  static override properties = {
    settings: { state: true },
    saved: { state: true },
    error: { state: true },
  };

  declare private settings: NotificationSettings['settings'] | null;
  declare private saved: string;
  declare private error: string;
  private readonly locale = new LocaleController(this);
  private readonly load = new Task(this, {
    task: async () => {
      this.settings = (await fetchNotificationSettings()).settings;
    },
    args: () => [],
  });

  constructor() {
    super();
    this.settings = null;
    this.saved = '';
    this.error = '';
  }

  private async onToggle(kind: NotificationKind, event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    this.saved = '';
    this.error = '';
    try {
      this.settings = (await setNotificationEmail(kind, input.checked)).settings;
      this.saved = t('notificationSettings.saved');
    } catch {
      input.checked = !input.checked;
      this.error = t('common.failed');
    }
  }

  override render() {
    if (!this.settings) {
      return this.load.render({
        pending: () => html`<p role="status">${t('common.loading')}</p>`,
        error: () => html`<p class="error" role="alert">${t('common.failed')}</p>`,
      });
    }
    return html`<fieldset>
        <legend>${t('notificationSettings.legend')}</legend>
        ${this.settings.map(
          (setting) =>
            html`<label class="inline">
              <input
                type="checkbox"
                name=${setting.kind}
                .checked=${setting.email}
                @change=${(event: Event) => this.onToggle(setting.kind, event)}
              />
              ${t(`notificationSettings.kind.${setting.kind}`)}
            </label>`,
        )}
      </fieldset>
      <div role="status">${this.saved}</div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`;
  }
}

customElements.define('coop-notification-settings', CoopNotificationSettings);

declare global {
  interface HTMLElementTagNameMap {
    'coop-notification-settings': CoopNotificationSettings;
  }
}
