// A proposal's discussion thread: who may read and post, posting (rate-limited), replies, and hiding by stewards.
import { randomUUID } from 'node:crypto';
import {
  discussionRefusal,
  hideReasonProblem,
  POST_WINDOW_MS,
  POSTS_PER_WINDOW,
  postTextProblem,
  postWindowOf,
} from '../../policies/assembly/discussion.js';
import { toOptionalEpochMs } from '../../policies/shared/instant.js';
import { claimOnce, takeSlot } from '../db/claims.js';
import { AppError, Conflict, Forbidden, NotFound, TooManyRequests } from '../errors.js';
import type { AssemblyStores, PostDocument, ProposalView, ReadingStores } from './assembly.model.js';
import { loadMembership } from './electorate.js';
import { readView } from './proposal-view.js';

export type DiscussionStores = ReadingStores & Pick<AssemblyStores, 'posts' | 'claims' | 'roll' | 'audit'>;

/** Who takes part: the signed-in account and its role. */
export interface Participant {
  userId: string;
  role: 'member' | 'steward' | 'researcher';
}

export interface NewPost {
  text: string;
  parentId?: string;
}

const THREAD_LIMIT = 500;

/** The thread, oldest first, for a participant who may read it. */
export async function thread(
  deps: DiscussionStores,
  id: string,
  who: Participant,
  now: Date,
): Promise<{ view: ProposalView; posts: PostDocument[] }> {
  const view = await participantView(deps, id, who, now);
  const posts = await deps.posts.find({ proposalId: id }).sort({ postedAt: 1, _id: 1 }).limit(THREAD_LIMIT).toArray();
  return { view, posts };
}

/** Adds a post (or a reply to a post that starts a conversation) while the proposal is announced or open. */
export async function post(
  deps: DiscussionStores,
  id: string,
  who: Participant,
  input: NewPost,
  now: Date,
): Promise<PostDocument> {
  const view = await participantView(deps, id, who, now);
  const closed = discussionRefusal(view.status);
  if (closed)
    throw new Conflict(closed, closed === 'discussion_closed' ? 'The discussion is closed.' : 'Not announced yet.');
  const problem = postTextProblem(input.text);
  if (problem) throw refusedOn('text', problem, 'The post must be 1–2,000 characters of plain text.');
  const parentId = input.parentId ?? null;
  if (parentId) {
    const parent = await deps.posts.findOne({ _id: parentId, proposalId: id });
    if (!parent) throw refusedOn('parentId', 'invalid_parent', 'There is no such post in this thread.');
    if (parent.parentId)
      throw refusedOn('parentId', 'reply_too_deep', 'Reply to the post that started the conversation.');
  }
  // Exact under concurrency: each of the window's slots is handed out once.
  const window = postWindowOf(now.getTime());
  const slot = await takeSlot(deps.claims, `post-rate:${who.userId}:${window}`, POSTS_PER_WINDOW);
  if (slot === null) throw new TooManyRequests(((window + 1) * POST_WINDOW_MS - now.getTime()) / 1000);
  const document: PostDocument = {
    _id: randomUUID(),
    proposalId: id,
    authorId: who.userId,
    authorRole: who.role,
    parentId,
    text: input.text.trim(),
    postedAt: now,
  };
  await deps.posts.insertOne(document);
  return document;
}

/**
 * A member's erasure blanks the texts of their posts (free text is personal data of its author); each post keeps its
 * place, so replies still read in order. A rare write by author, not by `_id`: it scans the collection on FerretDB.
 */
export async function eraseAuthorPosts(deps: Pick<DiscussionStores, 'posts'>, authorId: string, now: Date) {
  await deps.posts.updateMany({ authorId }, { $set: { text: '', erasedAt: now } });
}

/** A steward hides a post with a reason shown in its place; the text is kept, never edited. Audited. */
export async function hidePost(
  deps: DiscussionStores,
  id: string,
  postId: string,
  stewardId: string,
  reason: string,
  now: Date,
): Promise<PostDocument> {
  const problem = hideReasonProblem(reason);
  if (problem) throw refusedOn('reason', problem, 'Give a reason of 3–500 characters.');
  const target = await deps.posts.findOne({ _id: postId, proposalId: id });
  if (!target) throw new NotFound();
  // One hiding per post, even when two stewards hide it at once: the first reason stands.
  if (target.hidden || !(await claimOnce(deps.claims, `post-hidden:${postId}`))) {
    throw new Conflict('post_already_hidden', 'The post is already hidden.');
  }
  const hidden = { by: stewardId, reason: reason.trim(), at: now };
  await deps.posts.updateOne({ _id: postId }, { $set: { hidden } });
  await deps.audit.append('discussion.post_hidden', stewardId, { proposalId: id, postId, reason: hidden.reason }, now);
  return { ...target, hidden };
}

/**
 * The proposal, if this participant may see its thread: stewards always; members of the cooperative (not mere
 * account holders) once it is announced; the researcher whose request it comes from. Others: as if it did not exist,
 * or `403 not_a_member` for an account holder.
 */
async function participantView(deps: DiscussionStores, id: string, who: Participant, now: Date): Promise<ProposalView> {
  const view = await readView(deps, id, now);
  if (who.role === 'steward') return view;
  const hiddenFromMembers = view.status === 'draft' || view.status === 'withdrawn';
  if (hiddenFromMembers) throw new NotFound();
  if (who.role === 'researcher') {
    if (view.proposal.requestedBy !== who.userId) throw new NotFound();
    return view;
  }
  const membership = await loadMembership(deps.roll, who.userId);
  const leftAt = membership ? toOptionalEpochMs(membership.leftAt, 'leftAt') : null;
  if (!membership || (leftAt !== null && leftAt <= now.getTime())) {
    throw new Forbidden('not_a_member', 'Only members take part in the discussion.');
  }
  return view;
}

function refusedOn(field: string, code: string, message: string): AppError {
  return new AppError(400, code, message, [{ field, code, message }]);
}
