import { createHash } from 'node:crypto';

// Lowercase hex SHA-256 of a UTF-8 string or of raw bytes.
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

// JSON with object keys sorted and no whitespace, so that the same content always gives the same digest.
// Keys are sorted by UTF-16 code unit (JavaScript's default sort), properties whose value is undefined are
// left out (as JSON.stringify does), Dates become ISO strings; anything else that JSON cannot represent
// exactly (NaN, Infinity, bigint, functions, class instances) is refused rather than silently changed.
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`canonicalJson: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object' && isPlainObject(value)) {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${members.join(',')}}`;
  }
  throw new Error(`canonicalJson: a ${typeof value} has no canonical JSON form`);
}

// Digest of a JSON-like value, used to freeze a proposal's content and rules at opening.
export function contentDigest(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
