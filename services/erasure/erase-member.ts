// Erasure of a member (`DELETE /api/me`) as its own use case, calling each context for its own part, in this order:
// verify the re-entered password → a pseudonymous tombstone in the audit chain → the erasure claim (a repeated
// request is then a no-op) → the member's access tokens end → the account records with the wrapped data key (every
// ciphertext of the person becomes unreadable) → the vault's data, research's data and the texts of their discussion
// posts. Nothing is deleted unless
// the tombstone and the claim are written.
import type { Connection, mongo } from 'mongoose';
import type { Revocations } from '../auth/index.js';
import type { Keyring } from '../crypto/keyring.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { claimOnce } from '../db/claims.js';
import { eraseAccountRecords, verifyAccountPassword } from '../members/index.js';
import { memberAuditName } from '../vault/index.js';
import { ERASURE_COLLECTION } from './erasure.model.js';

export interface EraseMemberDeps {
  connection: Connection;
  keyring: Keyring;
  passwords: PasswordHasher;
  /** An erasure ends the member's access tokens at once (they carry no check of the account otherwise). */
  revocations?: Pick<Revocations, 'accountEnded'>;
  audit?: { append(type: string, actor: string, data: Record<string, unknown>, now: Date): Promise<number> };
  vault: { eraseMemberData(memberId: string): Promise<void> };
  research: { eraseMemberData(memberId: string): Promise<void> };
  /** The texts of the member's discussion posts are theirs too. */
  assembly?: { eraseAuthorPosts(memberId: string, now: Date): Promise<void> };
}

/** Erases an account and everything of its member after the password is re-entered. */
export async function eraseMember(deps: EraseMemberDeps, memberId: string, password: string, now: Date) {
  await verifyAccountPassword(deps, memberId, password);
  // The same keyed pseudonym as the member's other audit entries, never the id.
  await deps.audit?.append('member.erased', memberAuditName(deps.keyring, memberId), {}, now);
  const erasures = deps.connection.collection<mongo.Document>(ERASURE_COLLECTION);
  await claimOnce(erasures, deps.keyring.blindIndex('erasure', memberId), { erasedAt: now });
  await deps.revocations?.accountEnded(memberId, now);
  await eraseAccountRecords(deps, memberId, now);
  await Promise.all([
    deps.vault.eraseMemberData(memberId),
    deps.research.eraseMemberData(memberId),
    deps.assembly?.eraseAuthorPosts(memberId, now),
  ]);
}
