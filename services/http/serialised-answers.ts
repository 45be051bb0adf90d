// An answer's JSON, encoded once per answer object: the vault keeps a computed series per member, directory version
// and query (chunk-cache.ts) and returns the very same frozen object on every warm view, so its encoding (about a
// third of a warm request's CPU: JSON.stringify and UTF-8 of 365 points) is kept beside it, weakly. When the vault
// drops the answer (evicted, or the member erased), nothing else holds its bytes and they go with it.
const encoded = new WeakMap<object, { tag: string; bytes: Buffer }>();

/**
 * The JSON of `wrap(answer)` as bytes, encoded the first time this answer object is sent under `tag` (the answer's
 * ETag, which names everything `wrap` adds: for a series, member, directory version and query). The same object
 * under another tag (it cannot happen for a series; checked anyway) is encoded afresh.
 */
export function serialisedOnce<A extends object>(answer: A, tag: string, wrap: (answer: A) => unknown): Buffer {
  const known = encoded.get(answer);
  if (known?.tag === tag) return known.bytes;
  const bytes = Buffer.from(JSON.stringify(wrap(answer)));
  encoded.set(answer, { tag, bytes });
  return bytes;
}
