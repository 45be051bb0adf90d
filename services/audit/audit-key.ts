// The checkpoint signing key and its pin. The key lives in the keyring (sealed by the master key); its verifier key
// string is pinned at first start in the anchor file and, optionally, in DATACOOP_AUDIT_VERIFIER_KEY. A missing or
// changed key is an error at start-up: a new key would let whoever holds the database re-sign a rewritten history.
import type { Keyring } from '../crypto/keyring.js';
import { loadOrCreateSigningKey, readSigningKey, type SigningKey } from '../crypto/signing-key.js';
import { AuditKeyError, readAnchor, type AuditAnchor } from './audit-anchor.js';
import { verifierKey } from './domain/signed-note.js';

const AUDIT_KEY_ID = 'audit-signing-1';

export interface CheckpointKey {
  signing: SigningKey;
  /** The note key name: the log's origin. */
  name: string;
  publicKey: Buffer;
  /** The C2SP verifier key string, `<name>+<key ID>+<base64 key>`. */
  verifier: string;
}

export interface AuditKeyOptions {
  origin: string;
  checkpointEvery: number;
  anchorPath: string;
  /** A verifier key the operator pinned in the configuration (DATACOOP_AUDIT_VERIFIER_KEY), if any. */
  pinnedVerifierKey?: string | undefined;
  /** The witnesses whose cosignatures the log publishes (DATACOOP_AUDIT_WITNESSES: their verifier keys). */
  witnesses?: readonly string[];
}

/** Loads the key and checks it against its pins; creates it only when nothing was pinned and the log is empty. */
export async function loadCheckpointKey(
  keyring: Keyring,
  options: AuditKeyOptions,
  entryCount: () => Promise<number>,
): Promise<{ key: CheckpointKey; anchor: AuditAnchor | null }> {
  const anchor = readAnchor(options.anchorPath);
  const pinned = options.pinnedVerifierKey ?? anchor?.verifierKey;
  let signing = await readSigningKey(keyring, AUDIT_KEY_ID);
  if (!signing) {
    if (pinned) {
      throw new AuditKeyError(
        `the audit checkpoint key pinned as ${pinned} is missing from the keyring; restore the database from a backup (a new key is never made silently).`,
      );
    }
    const entries = await entryCount();
    if (entries > 0) {
      throw new AuditKeyError(
        `the audit log holds ${entries} entries but its checkpoint key is missing from the keyring; restore the database from a backup (a new key is never made silently).`,
      );
    }
    signing = await loadOrCreateSigningKey(keyring, AUDIT_KEY_ID, 'audit-signing');
  }
  const publicKey = Buffer.from(String(signing.publicJwk.x), 'base64url');
  const key = { signing, name: options.origin, publicKey, verifier: verifierKey(options.origin, publicKey) };
  for (const [where, value] of [
    ['DATACOOP_AUDIT_VERIFIER_KEY', options.pinnedVerifierKey],
    [options.anchorPath, anchor?.verifierKey],
  ] as const) {
    if (value !== undefined && value !== key.verifier) {
      throw new AuditKeyError(
        `the audit checkpoint key in the keyring (${key.verifier}) is not the one pinned in ${where} (${value}); restore the database or the pin from a backup.`,
      );
    }
  }
  if (anchor && anchor.checkpointEvery !== options.checkpointEvery) {
    throw new AuditKeyError(
      `DATACOOP_AUDIT_CHECKPOINT_EVERY is ${options.checkpointEvery} but this audit log checkpoints every ${anchor.checkpointEvery} entries (pinned in ${options.anchorPath}); set it back to ${anchor.checkpointEvery}.`,
    );
  }
  return { key, anchor };
}
