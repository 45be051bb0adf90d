// The participation register's commitment to a ballot secret: a different hash from the receipt, so that
// neither can be computed from the other without the secret itself.
import { createHash, timingSafeEqual } from 'node:crypto';

const REGISTER_DOMAIN = 'datacoop-register\0';

/**
 * sha256("datacoop-register\0" ‖ proposalId ‖ "\0" ‖ secret bytes). The receipt is sha256(secret bytes): both
 * are one-way functions of a 256-bit random secret, so the register cannot be joined to the ballot box.
 */
export function commitmentFromSecret(proposalId: string, secretHex: string): string {
  return createHash('sha256')
    .update(REGISTER_DOMAIN)
    .update(proposalId)
    .update('\0')
    .update(Buffer.from(secretHex, 'hex'))
    .digest('hex');
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
