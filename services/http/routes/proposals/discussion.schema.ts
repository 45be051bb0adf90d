// Shapes of the discussion endpoints; also the source of their OpenAPI description.
import { z } from 'zod';
import { HIDE_REASON_MAX, POST_MAX_CHARACTERS } from '../../../../policies/assembly/discussion.js';

export const postIdParams = z.object({ id: z.uuid(), postId: z.uuid() });

export const newPostBody = z.strictObject({
  // Length and characters are checked by the rule (policies/assembly/discussion.ts) with their own codes; this bound
  // only keeps the body small.
  text: z
    .string()
    .max(POST_MAX_CHARACTERS * 2)
    .describe('Plain text, 1–2,000 characters; line breaks allowed'),
  parentId: z.uuid().optional().describe('The post this replies to (a post that starts a conversation)'),
});

export const hidePostBody = z.strictObject({
  reason: z
    .string()
    .max(HIDE_REASON_MAX * 2)
    .describe('Why the stewards hide it (3–500 characters), shown in its place'),
});

export const postSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  author: z
    .object({
      name: z.string().nullable().describe('Null: a former member (the account was erased)'),
      role: z.string(),
    })
    .describe('Who wrote it, read from the account at display time'),
  mine: z.boolean(),
  postedAt: z.string(),
  text: z.string().nullable().describe('Null when hidden, or when its author was erased'),
  hidden: z.object({ reason: z.string(), at: z.string() }).nullable(),
  erased: z.boolean().describe('The author was erased and the text with them'),
});

export const threadSchema = z.object({
  proposalId: z.string(),
  status: z.string(),
  accepting: z.boolean().describe('Whether new posts are accepted (announced or open)'),
  posts: z.array(postSchema),
});
