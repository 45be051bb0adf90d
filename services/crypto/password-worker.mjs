// Worker thread for Argon2id (libsodium sumo): hashing is CPU- and memory-heavy, so it never runs on the event loop.
import { parentPort, workerData } from 'node:worker_threads';
import sodium from 'libsodium-wrappers-sumo';

await sodium.ready;
const opsLimit = workerData?.opsLimit ?? sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE;
const memLimit = workerData?.memLimit ?? sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE;

parentPort.on('message', ({ id, op, password, hash }) => {
  try {
    if (op === 'hash') {
      parentPort.postMessage({ id, result: sodium.crypto_pwhash_str(password, opsLimit, memLimit) });
    } else if (op === 'verify') {
      parentPort.postMessage({ id, result: sodium.crypto_pwhash_str_verify(hash, password) });
    } else {
      parentPort.postMessage({ id, error: `unknown operation ${op}` });
    }
  } catch (error) {
    // A malformed stored hash makes verify throw: report it as a mismatch-free error, never with the password.
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : 'password operation failed' });
  }
});
parentPort.postMessage({ ready: true });
