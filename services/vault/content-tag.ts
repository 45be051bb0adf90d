// Entity tags for a member's reads: what a read answers depends only on the member, their newest directory version
// (a new upload is a new version; erasure removes the member) and the query, so a hash of the three is a strong
// ETag. The member id is hashed in, never shown, so two members asking the same URL in one browser never share a
// tag (a 304 can never hand one member another member's cached answer).
import { createHash } from 'node:crypto';

/** A strong ETag (quoted) for the answer to `query` over the member's directory `version`. */
export function contentTag(memberId: string, version: number, query: Readonly<Record<string, unknown>>): string {
  const parts = Object.keys(query)
    .sort()
    .map((name) => [name, query[name] instanceof Date ? (query[name] as Date).toISOString() : (query[name] ?? null)]);
  const digest = createHash('sha256')
    .update(JSON.stringify([memberId, version, parts]))
    .digest('base64url');
  return `"${digest.slice(0, 27)}"`;
}
