// A proposal's discussion thread: read, post or reply, and hide (stewards); and announcing a draft for discussion.
import { requestJson } from './session.js';
import type { Proposal, Thread, ThreadPost } from './types.js';

const threadPath = (id: string) => `/api/proposals/${encodeURIComponent(id)}/discussion`;

/** GET /api/proposals/:id/discussion */
export function fetchThread(id: string): Promise<Thread> {
  return requestJson<Thread>('GET', threadPath(id));
}

/** POST /api/proposals/:id/discussion: a post, or a reply to `parentId`. */
export function postToThread(id: string, text: string, parentId?: string): Promise<ThreadPost> {
  return requestJson<ThreadPost>('POST', threadPath(id), { text, ...(parentId && { parentId }) });
}

/** POST /api/proposals/:id/discussion/:postId/hide (stewards): hidden with a reason, never edited. */
export function hidePost(id: string, postId: string, reason: string): Promise<ThreadPost> {
  return requestJson<ThreadPost>('POST', `${threadPath(id)}/${encodeURIComponent(postId)}/hide`, { reason });
}

/** POST /api/proposals/:id/announce (stewards): members see the draft and may discuss it before the vote. */
export function announceProposal(id: string): Promise<Proposal> {
  return requestJson<Proposal>('POST', `/api/proposals/${encodeURIComponent(id)}/announce`);
}
