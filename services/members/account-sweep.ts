// Housekeeping of the account records that only matter for a while: mailed and challenge tokens past their expiry,
// and the claims that made a used token or a TOTP time step single-use, once nothing they guard can come back.
import type { AccountTokenStores } from './account-tokens.js';

/**
 * How long the single-use claims of account tokens and TOTP steps are kept. A token lives 24 hours at most
 * (ACCOUNT_TOKEN_TTL_MS) and is deleted when used; a TOTP code matches within a step or two of 30 s: after two days
 * neither can be presented again, so the claim that refuses a replay guards nothing. Recovery-code claims are kept:
 * a recovery code stays valid until used, and its claim is what makes it used.
 */
export const SINGLE_USE_CLAIM_RETENTION_MS = 2 * 24 * 3600_000;

/** The claim prefixes this sweep may delete (never `recovery-code-used:`). */
const SWEPT_CLAIM_PREFIXES = ['account-token-used:', 'totp-used:'] as const;

export interface AccountSweep {
  tokens: number;
  claims: number;
}

/** Deletes expired account tokens and single-use claims older than the retention; returns what it deleted. */
export async function sweepAccountRecords(stores: AccountTokenStores, now: Date): Promise<AccountSweep> {
  const tokens = await stores.tokens.deleteMany({ expiresAt: { $lte: now } });
  const cutoff = new Date(now.getTime() - SINGLE_USE_CLAIM_RETENTION_MS);
  let claims = 0;
  for (const prefix of SWEPT_CLAIM_PREFIXES) {
    const swept = await stores.claims.deleteMany({ _id: { $regex: `^${prefix}` } as never, at: { $lt: cutoff } });
    claims += swept.deletedCount;
  }
  return { tokens: tokens.deletedCount, claims };
}
