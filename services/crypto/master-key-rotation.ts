// Master-key rotation: rewraps every member data key and every keyring secret under the current master key.
// No data is re-encrypted (records are sealed under member keys, which do not change). Resumable: a wrapped
// key that already opens with the current master key is skipped, so an interrupted run is simply run again.
import type { Connection } from 'mongoose';
import { toBuffer } from '../db/connection.js';
import { userModel } from '../members/user.model.js';
import type { Keyring } from './keyring.js';

export interface RotationReport {
  rewrapped: number;
  alreadyCurrent: number;
}

/** Rewraps every wrapped key in the database under the keyring's current master key; `progress` sees each step. */
export async function rotateMasterKey(
  connection: Connection,
  keyring: Keyring,
  progress: (done: number) => void = () => {},
): Promise<RotationReport> {
  const report: RotationReport = { rewrapped: 0, alreadyCurrent: 0 };
  for await (const secret of keyring.model.find({}, { wrapped: 1 }).lean().cursor()) {
    const rewrapped = keyring.rewrapServiceSecret(secret._id, toBuffer(secret.wrapped));
    if (rewrapped) {
      await keyring.model.updateOne({ _id: secret._id }, { $set: { wrapped: rewrapped } });
      report.rewrapped += 1;
    } else report.alreadyCurrent += 1;
  }
  const users = userModel(connection);
  for await (const user of users.find({}, { wrappedKey: 1 }).lean().cursor()) {
    if (!user.wrappedKey) continue;
    const rewrapped = keyring.rewrapMemberKey(user._id, toBuffer(user.wrappedKey));
    // Only the wrapped key changes, to the same key under a new wrapping: a concurrent writer of other fields
    // is unaffected, and two rotations write the same meaning.
    if (rewrapped) {
      await users.updateOne({ _id: user._id }, { $set: { wrappedKey: rewrapped } });
      report.rewrapped += 1;
    } else report.alreadyCurrent += 1;
    progress(report.rewrapped + report.alreadyCurrent);
  }
  return report;
}
