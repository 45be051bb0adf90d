// Recovery codes: ten single-use codes shown once when an account gets its first second factor (or renews them),
// stored only as keyed hashes under the blind-index key; a used one is claimed (second-factor.ts).
import { randomBytes } from 'node:crypto';
import type { Keyring } from '../crypto/keyring.js';
import { base32Encode } from './domain/totp.js';

export const RECOVERY_CODE_COUNT = 10;

/** A fresh set of recovery codes (RECOVERY_CODE_COUNT), to show once and store hashed. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => newRecoveryCode());
}

// Ten base32 characters (50 bits) in two groups: typed by hand from paper, hashed under the blind-index key.
function newRecoveryCode(): string {
  const code = base32Encode(randomBytes(7)).slice(0, 10).toLowerCase();
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** The stored form of a recovery code: a keyed hash under the blind-index key. */
export function recoveryHash(keyring: Keyring, userId: string, code: string): string {
  return keyring.blindIndex('recovery-code', `${userId}:${code.trim().toLowerCase().replace(/[\s-]/g, '')}`);
}
