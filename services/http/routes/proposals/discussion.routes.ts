// The discussion thread of a proposal over HTTP: read, post, reply, and hide (stewards).
import { discussionRefusal } from '../../../../policies/assembly/discussion.js';
import type { Assembly, Participant, PostDocument } from '../../../assembly/index.js';
import type { Members } from '../../../members/index.js';
import type { ApiRouter } from '../../api-router.js';
import { hidePostBody, newPostBody, postIdParams, postSchema, threadSchema } from './discussion.schema.js';
import { proposalIdParams } from './proposals.schema.js';

type NameOf = (userId: string) => Promise<string | null>;

/** The only fields of a post that leave the server; a hidden post's text never does, an erased author's is gone. */
async function presentPost(post: PostDocument, viewerId: string, nameOf: NameOf) {
  return {
    id: post._id,
    parentId: post.parentId,
    author: { name: await nameOf(post.authorId), role: post.authorRole },
    mine: post.authorId === viewerId,
    postedAt: post.postedAt.toISOString(),
    text: post.hidden || post.erasedAt ? null : post.text,
    hidden: post.hidden ? { reason: post.hidden.reason, at: post.hidden.at.toISOString() } : null,
    erased: post.erasedAt !== undefined,
  };
}

/** Names read once per author and request; an erased account has none ("a former member"). */
function namesFrom(members: Pick<Members, 'getAccount'>): NameOf {
  const cache = new Map<string, Promise<string | null>>();
  return (userId) => {
    let name = cache.get(userId);
    if (!name) {
      name = members.getAccount(userId).then(
        (account) => account.profile.name,
        () => null,
      );
      cache.set(userId, name);
    }
    return name;
  };
}

const participant = (actor: { userId: string; role: string }): Participant => ({
  userId: actor.userId,
  role: actor.role as Participant['role'],
});

/** Adds the discussion routes. */
export function discussionRoutes(
  api: ApiRouter,
  assembly: Assembly,
  members: Pick<Members, 'getAccount'>,
  now: () => Date,
): void {
  api
    .route(
      {
        method: 'get',
        path: '/api/proposals/:id/discussion',
        summary: 'The discussion thread, oldest first (members, stewards, the requesting researcher)',
        tag: 'assembly',
        access: 'authenticated',
        params: proposalIdParams,
        success: { status: 200, schema: threadSchema, description: 'The thread' },
        errors: { 403: 'not_a_member', 404: 'not_found' },
      },
      async ({ params, actor }) => {
        const { view, posts } = await assembly.thread(params.id, participant(actor!), now());
        const nameOf = namesFrom(members);
        return {
          proposalId: params.id,
          status: view.status,
          accepting: discussionRefusal(view.status) === null,
          posts: await Promise.all(posts.map((p) => presentPost(p, actor!.userId, nameOf))),
        };
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/proposals/:id/discussion',
        summary: 'Post a question or answer, or reply to a post (plain text, rate-limited)',
        tag: 'assembly',
        access: 'authenticated',
        params: proposalIdParams,
        body: newPostBody,
        success: { status: 201, schema: postSchema, description: 'The post' },
        errors: {
          400: 'post_empty, post_too_long, invalid_characters, invalid_parent, reply_too_deep',
          403: 'not_a_member',
          404: 'not_found',
          409: 'discussion_not_open, discussion_closed',
          429: 'rate_limited',
        },
      },
      async ({ params, body, actor }) => {
        const created = await assembly.post(params.id, participant(actor!), body, now());
        return presentPost(created, actor!.userId, namesFrom(members));
      },
    )
    .route(
      {
        method: 'post',
        path: '/api/proposals/:id/discussion/:postId/hide',
        summary: 'Hide a post with a reason shown in its place (stewards; never edited; audited)',
        tag: 'steward',
        access: ['steward'],
        params: postIdParams,
        body: hidePostBody,
        success: { status: 200, schema: postSchema, description: 'The hidden post' },
        errors: { 400: 'reason_required, invalid_characters', 404: 'not_found', 409: 'post_already_hidden' },
      },
      async ({ params, body, actor }) => {
        const hidden = await assembly.hidePost(params.id, params.postId, actor!.userId, body.reason, now());
        return presentPost(hidden, actor!.userId, namesFrom(members));
      },
    );
}
