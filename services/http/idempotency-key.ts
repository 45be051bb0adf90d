// The Idempotency-Key header of a write: absent, or 1–255 visible ASCII characters (else 400).
import type { Context } from 'koa';
import { z } from 'zod';
import { InvalidRequest } from '../errors.js';

export const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/);

/** The request's Idempotency-Key, undefined when absent; refuses a malformed one with `invalid_idempotency_key`. */
export function idempotencyKeyOf(ctx: Context): string | undefined {
  const header = ctx.get('idempotency-key');
  if (header === '') return undefined;
  const key = idempotencyKeySchema.safeParse(header);
  if (!key.success) {
    throw new InvalidRequest('invalid_idempotency_key', 'Idempotency-Key must be 1–255 visible ASCII characters.');
  }
  return key.data;
}
