// A proposal's discussion thread: posts with their replies (one level), a form to post or reply, and for stewards
// a form to hide a post with a reason. A leaf: it fires coop-post-submitted {text, parentId?} and
// coop-post-hidden {postId, reason}; the page talks to the service.
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import type { Thread, ThreadPost } from '../../api/types.js';
import { LocaleController, formatDateTime, t } from '../../i18n/i18n.js';
import { sharedStyles } from '../../src/shared-styles.js';

const MAX_LENGTH = 2_000;

export class CoopDiscussion extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .post {
        border-left: 3px solid #9aa89a;
        padding-left: 0.75rem;
        margin: 0.75rem 0;
      }
      .post .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .replies {
        margin-left: 1.5rem;
      }
    `,
  ];

  static override properties = {
    thread: { attribute: false },
    steward: { type: Boolean },
    busy: { type: Boolean },
  };

  declare thread: Thread | null;
  declare steward: boolean;
  declare busy: boolean;
  private readonly locale = new LocaleController(this);

  constructor() {
    super();
    this.thread = null;
    this.steward = false;
    this.busy = false;
  }

  /** Empties the posting forms after the page has stored a post. */
  reset(): void {
    for (const form of this.renderRoot.querySelectorAll<HTMLFormElement>('form[data-post]')) form.reset();
  }

  private onPost(event: SubmitEvent, parentId?: string): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const text = String(new FormData(form).get('text') ?? '').trim();
    if (!text || !form.checkValidity()) {
      form.reportValidity();
      return;
    }
    const detail = parentId ? { text, parentId } : { text };
    this.dispatchEvent(new CustomEvent('coop-post-submitted', { detail, bubbles: true, composed: true }));
  }

  private onHide(event: SubmitEvent, postId: string): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const reason = String(new FormData(form).get('reason') ?? '').trim();
    if (reason.length < 3 || !form.checkValidity()) {
      form.reportValidity();
      return;
    }
    this.dispatchEvent(
      new CustomEvent('coop-post-hidden', { detail: { postId, reason }, bubbles: true, composed: true }),
    );
  }

  private renderForm(id: string, label: string, button: string, parentId?: string) {
    return html`<form data-post @submit=${(e: SubmitEvent) => this.onPost(e, parentId)}>
      <label for=${id}>${label}</label>
      <textarea id=${id} name="text" rows="3" cols="50" required maxlength=${MAX_LENGTH}></textarea>
      <div class="actions"><button type="submit" ?disabled=${this.busy}>${button}</button></div>
    </form>`;
  }

  private renderPost(post: ThreadPost, replies: ThreadPost[]): TemplateResult {
    const author = post.author.name ?? t('discussion.formerMember');
    const role = post.author.role === 'member' ? '' : ` (${t(`discussion.role.${post.author.role as 'steward'}`)})`;
    return html`<article class="post" data-testid="post" aria-label=${t('discussion.postBy', { name: author })}>
      <p class="muted">${author}${role} — ${formatDateTime(post.postedAt)}</p>
      ${
        post.hidden
          ? html`<p class="muted" data-testid="hidden-post">
              ${t('discussion.hiddenBy', { reason: post.hidden.reason })}
            </p>`
          : post.erased
            ? html`<p class="muted">${t('discussion.erasedText')}</p>`
            : html`<p class="text">${post.text}</p>`
      }
      ${
        this.steward && !post.hidden
          ? html`<details>
              <summary>${t('discussion.hide')}</summary>
              <form @submit=${(e: SubmitEvent) => this.onHide(e, post.id)}>
                <label for=${`hide-${post.id}`}>${t('discussion.hideReason')}</label>
                <input id=${`hide-${post.id}`} name="reason" required minlength="3" maxlength="500" size="30" />
                <div class="actions">
                  <button type="submit" class="secondary" ?disabled=${this.busy}>${t('discussion.hideConfirm')}</button>
                </div>
              </form>
            </details>`
          : nothing
      }
      ${
        replies.length || (post.parentId === null && this.thread?.accepting)
          ? html`<div class="replies">
              ${replies.map((reply) => this.renderPost(reply, []))}
              ${
                post.parentId === null && this.thread?.accepting
                  ? html`<details>
                      <summary>${t('discussion.reply')}</summary>
                      ${this.renderForm(`reply-${post.id}`, t('discussion.replyLabel'), t('discussion.send'), post.id)}
                    </details>`
                  : nothing
              }
            </div>`
          : nothing
      }
    </article>`;
  }

  override render() {
    const thread = this.thread;
    if (!thread) return nothing;
    const roots = thread.posts.filter((p) => p.parentId === null);
    const repliesTo = (id: string) => thread.posts.filter((p) => p.parentId === id);
    return html`${roots.length === 0 ? html`<p>${t('discussion.empty')}</p>` : nothing}
    ${roots.map((post) => this.renderPost(post, repliesTo(post.id)))}
    ${
      thread.accepting
        ? this.renderForm('new-post', t('discussion.newLabel'), t('discussion.send'))
        : html`<p class="muted">${t('discussion.closed')}</p>`
    }`;
  }
}

customElements.define('coop-discussion', CoopDiscussion);

declare global {
  interface HTMLElementTagNameMap {
    'coop-discussion': CoopDiscussion;
  }
}
