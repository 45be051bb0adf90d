// The vault's part of an erasure: every chunk, directory version and Idempotency-Key record of the member. Runs
// after the account (and with it the wrapped data key) is gone, so this only removes ciphertext nobody can open.
import type { mongo } from 'mongoose';
import type { VaultStore } from './vault-store.js';
import type { IdempotencyDocument } from './vault.model.js';

/** Deletes everything the vault holds of a member. */
export async function eraseMemberData(
  deps: { store: VaultStore; idempotencyRecords: mongo.Collection<IdempotencyDocument> },
  memberId: string,
): Promise<void> {
  await Promise.all([deps.store.deleteAll(memberId), deps.idempotencyRecords.deleteMany({ member: memberId })]);
}
