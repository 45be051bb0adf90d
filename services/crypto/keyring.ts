// Service keys derived from nothing but randomness, stored wrapped by the master key, unwrapped once at start-up.
import { createHmac, randomBytes } from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import { isDuplicateKey, toBuffer } from '../db/connection.js';
import { DecryptionFailed, KEY_BYTES, open, seal, type Binding } from './aead.js';
import { keyringModel, type KeyringDocument } from './keyring.model.js';

/** Raised when the stored keys do not open with this master key (the wrong key file for this database). */
export class MasterKeyMismatch extends Error {
  override name = 'MasterKeyMismatch';
  constructor() {
    super('The master key does not open the keys stored in this database: use the key this database was created with.');
  }
}

const BLIND_INDEX_ID = 'blind-index-1';

function keyringBinding(id: string): Binding {
  return { collection: 'keyring', recordId: id, memberId: '-', schemaVersion: 1 };
}

function memberKeyBinding(memberId: string): Binding {
  return { collection: 'users', recordId: memberId, memberId, schemaVersion: 1 };
}

/**
 * Unwraps members' data keys with the master key (or, during a rotation, the previous one): what a migration that
 * re-seals members' records is given, before the keyring itself is loaded.
 */
export function memberKeyOpener(
  masterKey: Buffer,
  previousMasterKey?: Buffer,
): (memberId: string, wrapped: Buffer) => Buffer {
  return (memberId, wrapped) => {
    try {
      return open(masterKey, wrapped, memberKeyBinding(memberId));
    } catch (error) {
      if (!(error instanceof DecryptionFailed) || !previousMasterKey) throw error;
      return open(previousMasterKey, wrapped, memberKeyBinding(memberId));
    }
  };
}

/** Everything that needs the master key goes through this object; the master key itself never leaves it. */
export interface Keyring {
  /** Keyed hash for equality look-ups of personal values (e-mail, IP) without storing them. */
  blindIndex(kind: string, value: string): string;
  /** A fresh random data key for a member, and the same key wrapped for storage. */
  newMemberKey(memberId: string): { key: Buffer; wrapped: Buffer };
  /** Unwraps a member's stored data key; throws DecryptionFailed if it was swapped or altered. */
  unwrapMemberKey(memberId: string, wrapped: Buffer): Buffer;
  /** Seals a service secret under the master key for the keyring collection. */
  wrapServiceSecret(id: string, secret: Buffer): Buffer;
  /** Opens a service secret sealed by wrapServiceSecret. */
  unwrapServiceSecret(id: string, wrapped: Buffer): Buffer;
  /** Master-key rotation: the wrapped key under the current master key, or null if it already is. */
  rewrapMemberKey(memberId: string, wrapped: Buffer): Buffer | null;
  /** Master-key rotation: the wrapped service secret under the current master key, or null if it already is. */
  rewrapServiceSecret(id: string, wrapped: Buffer): Buffer | null;
  readonly model: Model<KeyringDocument>;
}

/** Loads (or on first run creates) the service keys and checks that the master key fits this database. */
export async function loadKeyring(
  connection: Connection,
  masterKey: Buffer,
  /** The master key being rotated away from: still opens what has not been rewrapped yet. */
  previousMasterKey?: Buffer,
): Promise<Keyring> {
  const model = keyringModel(connection);
  // Opens with the current master key, else with the previous one (during a rotation); `current` says which.
  const openEither = (wrapped: Buffer, binding: Binding): { value: Buffer; current: boolean } => {
    try {
      return { value: open(masterKey, wrapped, binding), current: true };
    } catch (error) {
      if (!(error instanceof DecryptionFailed) || !previousMasterKey) throw error;
      return { value: open(previousMasterKey, wrapped, binding), current: false };
    }
  };
  const wrapServiceSecret = (id: string, secret: Buffer) => seal(masterKey, secret, keyringBinding(id));
  const unwrapServiceSecret = (id: string, wrapped: Buffer) => {
    try {
      return openEither(wrapped, keyringBinding(id)).value;
    } catch (error) {
      if (error instanceof DecryptionFailed) throw new MasterKeyMismatch();
      throw error;
    }
  };
  const indexKey = await loadOrCreateSecret(model, BLIND_INDEX_ID, wrapServiceSecret, unwrapServiceSecret);

  return {
    model,
    blindIndex(kind, value) {
      return createHmac('sha256', indexKey).update(`${kind}\u001f${value}`).digest('hex');
    },
    newMemberKey(memberId) {
      const key = randomBytes(KEY_BYTES);
      return { key, wrapped: seal(masterKey, key, memberKeyBinding(memberId)) };
    },
    unwrapMemberKey(memberId, wrapped) {
      return openEither(wrapped, memberKeyBinding(memberId)).value;
    },
    wrapServiceSecret,
    unwrapServiceSecret,
    rewrapMemberKey(memberId, wrapped) {
      const binding = memberKeyBinding(memberId);
      const opened = openEither(wrapped, binding);
      return opened.current ? null : seal(masterKey, opened.value, binding);
    },
    rewrapServiceSecret(id, wrapped) {
      const binding = keyringBinding(id);
      const opened = openEither(wrapped, binding);
      return opened.current ? null : seal(masterKey, opened.value, binding);
    },
  };
}

async function loadOrCreateSecret(
  model: Model<KeyringDocument>,
  id: string,
  wrap: (id: string, secret: Buffer) => Buffer,
  unwrap: (id: string, wrapped: Buffer) => Buffer,
): Promise<Buffer> {
  const existing = await model.findById(id).lean();
  if (existing) return unwrap(id, toBuffer(existing.wrapped));
  const secret = randomBytes(KEY_BYTES);
  try {
    await model.create({ _id: id, purpose: 'blind-index', wrapped: wrap(id, secret), createdAt: new Date() });
    return secret;
  } catch (error) {
    // Another instance created it first: use theirs.
    if (!isDuplicateKey(error)) throw error;
    const winner = await model.findById(id).lean();
    return unwrap(id, toBuffer(winner!.wrapped));
  }
}
