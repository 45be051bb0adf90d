// The token in a one-click unsubscribe link: which account, which kind, signed so nobody can unsubscribe another.
import { createHmac, timingSafeEqual } from 'node:crypto';

const SEPARATOR = '.';

function signature(key: Buffer, userId: string, kind: string): string {
  return createHmac('sha256', key).update(`unsubscribe\u001f${userId}\u001f${kind}`).digest('base64url');
}

/** A token naming the account and the kind, with a keyed signature (it never expires: unsubscribing must work). */
export function unsubscribeToken(key: Buffer, userId: string, kind: string): string {
  const payload = Buffer.from(`${userId}${SEPARATOR}${kind}`, 'utf8').toString('base64url');
  return `${payload}${SEPARATOR}${signature(key, userId, kind)}`;
}

/** The account and kind a token names, or null when it is malformed or its signature does not match. */
export function readUnsubscribeToken(key: Buffer, token: string): { userId: string; kind: string } | null {
  const [payload, signed, extra] = token.split(SEPARATOR);
  if (!payload || !signed || extra !== undefined) return null;
  const [userId, kind, rest] = Buffer.from(payload, 'base64url').toString('utf8').split(SEPARATOR);
  if (!userId || !kind || rest !== undefined) return null;
  const expected = Buffer.from(signature(key, userId, kind));
  const given = Buffer.from(signed);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { userId, kind };
}
