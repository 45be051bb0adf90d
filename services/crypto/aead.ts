// Authenticated encryption for everything personal at rest: ChaCha20-Poly1305 (IETF) with bound associated data.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Format version written as the first byte of every ciphertext, so the scheme can change without ambiguity. */
const VERSION_CHACHA20_POLY1305 = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** Raised when a ciphertext does not decrypt: wrong key, altered bytes, or moved to another record. */
export class DecryptionFailed extends Error {
  override name = 'DecryptionFailed';
  constructor() {
    super('ciphertext could not be authenticated');
  }
}

/** What a ciphertext is bound to; a ciphertext copied to another record, member or collection fails to open. */
export interface Binding {
  collection: string;
  recordId: string;
  memberId: string;
  schemaVersion: number;
}

/** Serialises a binding unambiguously (length-prefixed fields) as AEAD associated data. */
export function associatedData(binding: Binding): Buffer {
  const parts = [binding.collection, binding.recordId, binding.memberId, String(binding.schemaVersion)];
  return Buffer.concat(
    parts.map((part) => {
      const bytes = Buffer.from(part, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      return Buffer.concat([length, bytes]);
    }),
  );
}

/** Encrypts `plaintext` under a 32-byte key: version ‖ random nonce ‖ ciphertext ‖ tag. */
export function seal(key: Buffer, plaintext: Buffer, binding: Binding): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(binding), { plaintextLength: plaintext.length });
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION_CHACHA20_POLY1305), nonce, body, cipher.getAuthTag()]);
}

/** Decrypts a value made by `seal` with the same key and binding, or throws DecryptionFailed. */
export function open(key: Buffer, sealed: Buffer, binding: Binding): Buffer {
  if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== VERSION_CHACHA20_POLY1305) {
    throw new DecryptionFailed();
  }
  const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
  const body = sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(binding), { plaintextLength: body.length });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new DecryptionFailed();
  }
}

/** Seals a JSON-serialisable value. */
export function sealJson(key: Buffer, value: unknown, binding: Binding): Buffer {
  return seal(key, Buffer.from(JSON.stringify(value), 'utf8'), binding);
}

/** Opens a value sealed by `sealJson`. */
export function openJson<T>(key: Buffer, sealed: Buffer, binding: Binding): T {
  return JSON.parse(open(key, sealed, binding).toString('utf8')) as T;
}
