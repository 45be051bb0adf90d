// The mail key: seals queued messages and signs unsubscribe links. Kept in the keyring collection, wrapped by the
// master key (so master-key rotation rewraps it with the other service secrets).
import { randomBytes } from 'node:crypto';
import type { Keyring } from '../crypto/keyring.js';
import { claimOnce } from '../db/claims.js';
import { toBuffer } from '../db/connection.js';
import { KEY_BYTES } from '../crypto/aead.js';

const MAIL_KEY_ID = 'mail-1';

/** Loads the mail key, creating it on first use (of two instances starting at once, the first insert wins). */
export async function loadMailKey(keyring: Keyring): Promise<Buffer> {
  const collection = keyring.model.collection;
  const existing = await collection.findOne({ _id: MAIL_KEY_ID as never });
  if (existing) return keyring.unwrapServiceSecret(MAIL_KEY_ID, toBuffer(existing.wrapped));
  const secret = randomBytes(KEY_BYTES);
  const wrapped = keyring.wrapServiceSecret(MAIL_KEY_ID, secret);
  if (await claimOnce(collection, MAIL_KEY_ID, { purpose: 'mail', wrapped, createdAt: new Date() })) return secret;
  const winner = await collection.findOne({ _id: MAIL_KEY_ID as never });
  return keyring.unwrapServiceSecret(MAIL_KEY_ID, toBuffer(winner!.wrapped));
}
