// Conditional GETs for a member's own reads: the answer carries a strong ETag (services/vault/content-tag.ts), the
// browser keeps it in its private cache and asks again with If-None-Match; an unchanged answer is a bodiless 304
// (api-router.ts). `no-cache` means "store, but always ask first", so a new upload shows at once; `private` keeps
// shared caches out; `Vary: Authorization` keeps one person's answer from being offered for another's token.
// Signing out clears the browser's cache of this site (Clear-Site-Data, auth routes).
import type { Context } from 'koa';

/** Marks the answer as revalidated on every use and tags it. */
export function tagPrivately(ctx: Context, tag: string): void {
  ctx.set('Cache-Control', 'private, no-cache');
  ctx.vary('Authorization');
  ctx.set('ETag', tag);
}

/**
 * Whether an If-None-Match header names `tag` (RFC 9110 §13.1.2: a list of entity tags or `*`, compared weakly).
 * Our own check, not Koa's `ctx.fresh`: that one refuses every request with `Cache-Control: no-cache`, which fetch()
 * adds to any request carrying If-None-Match — but the origin answering a conditional request is the revalidation.
 */
export function noneMatchNames(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (value: string) => value.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => opaque(candidate) === opaque(tag));
}
