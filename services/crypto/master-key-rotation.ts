// Master-key rotation: rewraps every member data key and every keyring secret under the current master key.
// No data is re-encrypted (records are sealed under member keys, which do not change). Resumable: a wrapped
// key that already opens with the current master key is skipped, so an interrupted run is simply run again.
import { toBuffer } from '../db/connection.js';
import type { Keyring } from './keyring.js';

export interface RotationReport {
  rewrapped: number;
  alreadyCurrent: number;
}

/** The accounts' side of a rotation (the members context owns the wrapped data keys). */
export interface DataKeyHolder {
  rewrapDataKeys(progress: (done: number) => void): Promise<RotationReport>;
}

/** Rewraps every wrapped key in the database under the keyring's current master key; `progress` sees each step. */
export async function rotateMasterKey(
  keyring: Keyring,
  accounts: DataKeyHolder,
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
  const secrets = report.rewrapped + report.alreadyCurrent;
  const keys = await accounts.rewrapDataKeys((done) => progress(secrets + done));
  return { rewrapped: report.rewrapped + keys.rewrapped, alreadyCurrent: report.alreadyCurrent + keys.alreadyCurrent };
}
