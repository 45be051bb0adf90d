// A new member's first steps, in place of an empty dashboard: add data, choose what to share, how votes work.
// Fires coop-first-steps-dismissed when they close it (the page remembers it per account).
import { LitElement, css, html } from 'lit';
import { LocaleController, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

export class CoopFirstSteps extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      ol {
        padding-left: 1.5rem;
      }
      li + li {
        margin-top: 0.75rem;
      }
      li h3 {
        margin: 0 0 0.25rem;
        font-size: 1.05rem;
      }
      li p {
        margin: 0.25rem 0;
      }
    `,
  ];

  private readonly locale = new LocaleController(this);

  private onDismiss(): void {
    this.dispatchEvent(new CustomEvent('coop-first-steps-dismissed', { bubbles: true, composed: true }));
  }

  override render() {
    return html`<section class="card" aria-labelledby="first-steps-heading" data-testid="first-steps">
      <h2 id="first-steps-heading">${t('firstSteps.heading')}</h2>
      <p>${t('firstSteps.intro')}</p>
      <ol>
        <li>
          <h3>${t('firstSteps.data.title')}</h3>
          <p>${t('firstSteps.data.text')} <a href="/data">${t('firstSteps.data.link')}</a></p>
        </li>
        <li>
          <h3>${t('firstSteps.share.title')}</h3>
          <p>${t('firstSteps.share.text')} <a href="/privacy">${t('firstSteps.share.link')}</a></p>
        </li>
        <li>
          <h3>${t('firstSteps.votes.title')}</h3>
          <p>${t('firstSteps.votes.text')} <a href="/votes">${t('firstSteps.votes.link')}</a></p>
        </li>
      </ol>
      <div class="actions">
        <button type="button" class="secondary" @click=${this.onDismiss}>${t('firstSteps.dismiss')}</button>
      </div>
    </section>`;
  }
}

customElements.define('coop-first-steps', CoopFirstSteps);

declare global {
  interface HTMLElementTagNameMap {
    'coop-first-steps': CoopFirstSteps;
  }
}
