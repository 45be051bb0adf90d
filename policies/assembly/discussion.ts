import { isDisplayableText } from '../shared/display-text.js';

// Deliberation before and during a vote: one thread of questions and answers per proposal. Plain text only; a
// reply answers a post that starts a conversation (one level deep); stewards may hide a post with a reason,
// never edit it. Pure: the time and the counts are passed in.

export const POST_MAX_CHARACTERS = 2_000;
export const HIDE_REASON_MIN = 3;
export const HIDE_REASON_MAX = 500;
/** Posts one author may write in one window, across all threads: enough to discuss, too few to flood. */
export const POSTS_PER_WINDOW = 5;
export const POST_WINDOW_MS = 10 * 60_000;

export type PostTextProblem = 'post_empty' | 'post_too_long' | 'invalid_characters';

/** Why a post's text cannot be shown as it is, or null. Line breaks are allowed; other controls and bidi overrides not. */
export function postTextProblem(text: string): PostTextProblem | null {
  const trimmed = text.trim();
  if (trimmed.length === 0) return 'post_empty';
  if ([...trimmed].length > POST_MAX_CHARACTERS) return 'post_too_long';
  return isDisplayableText(trimmed.replace(/\n/g, '')) ? null : 'invalid_characters';
}

/** Why a steward's reason for hiding a post is not acceptable, or null. */
export function hideReasonProblem(reason: string): 'reason_required' | 'invalid_characters' | null {
  const trimmed = reason.trim();
  const length = [...trimmed].length;
  if (length < HIDE_REASON_MIN || length > HIDE_REASON_MAX) return 'reason_required';
  return isDisplayableText(trimmed) ? null : 'invalid_characters';
}

/** Whether a thread takes new posts in this status: while announced for discussion and while the vote is open. */
export function discussionRefusal(status: string): 'discussion_not_open' | 'discussion_closed' | null {
  if (status === 'announced' || status === 'open') return null;
  return status === 'draft' ? 'discussion_not_open' : 'discussion_closed';
}

/** The rate-limit window an instant falls in (a number that names it). */
export function postWindowOf(nowMs: number): number {
  return Math.floor(nowMs / POST_WINDOW_MS);
}
