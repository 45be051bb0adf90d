// Master-key rotation's part in the members context: every account's wrapped data key rewrapped under the current
// master key. Resumable: a key that already opens with the current master key is skipped.
import type { Model } from 'mongoose';
import type { Keyring } from '../crypto/keyring.js';
import { toBuffer } from '../db/connection.js';
import type { UserDocument } from './user.model.js';

export interface RewrapCount {
  rewrapped: number;
  alreadyCurrent: number;
}

/** Rewraps each account's data key; `progress` is called after each account with the number done so far. */
export async function rewrapDataKeys(
  stores: { users: Model<UserDocument>; keyring: Keyring },
  progress: (done: number) => void,
): Promise<RewrapCount> {
  const count: RewrapCount = { rewrapped: 0, alreadyCurrent: 0 };
  for await (const user of stores.users.find({}, { wrappedKey: 1 }).lean().cursor()) {
    if (!user.wrappedKey) continue;
    const rewrapped = stores.keyring.rewrapMemberKey(user._id, toBuffer(user.wrappedKey));
    // Only the wrapped key changes, to the same key under a new wrapping: a concurrent writer of other fields
    // is unaffected, and two rotations write the same meaning.
    if (rewrapped) {
      await stores.users.updateOne({ _id: user._id }, { $set: { wrappedKey: rewrapped } });
      count.rewrapped += 1;
    } else count.alreadyCurrent += 1;
    progress(count.rewrapped + count.alreadyCurrent);
  }
  return count;
}
