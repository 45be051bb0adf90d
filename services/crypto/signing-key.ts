// Ed25519 signing keys kept in the keyring: created once (race-free), private half sealed under the master key.
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { isDuplicateKey, toBuffer } from '../db/connection.js';
import type { Keyring } from './keyring.js';
import type { KeyringDocument } from './keyring.model.js';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The public JWK with `kid`, `alg` and `use`, ready to publish. */
  publicJwk: JWK;
}

/** Loads the Ed25519 key stored under `id`, creating it on first use; of two concurrent creators one wins. */
export async function loadOrCreateSigningKey(
  keyring: Keyring,
  id: string,
  purpose: KeyringDocument['purpose'],
): Promise<SigningKey> {
  const model = keyring.model;
  let stored: KeyringDocument | null = await model.findById(id).lean();
  if (!stored) {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const document: KeyringDocument = {
      _id: id,
      purpose,
      wrapped: keyring.wrapServiceSecret(id, Buffer.from(JSON.stringify(privateJwk), 'utf8')),
      publicJwk: (await exportJWK(publicKey)) as Record<string, unknown>,
      createdAt: new Date(),
    };
    try {
      await model.create(document);
      stored = document;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      stored = await model.findById(id).lean();
      if (!stored) throw error;
    }
  }
  return openSigningKey(keyring, id, stored);
}

/** Loads the Ed25519 key stored under `id`; null if there is none (it is never created here). */
export async function readSigningKey(keyring: Keyring, id: string): Promise<SigningKey | null> {
  const stored: KeyringDocument | null = await keyring.model.findById(id).lean();
  return stored && openSigningKey(keyring, id, stored);
}

async function openSigningKey(keyring: Keyring, id: string, stored: KeyringDocument): Promise<SigningKey> {
  const privateJwk = JSON.parse(keyring.unwrapServiceSecret(id, toBuffer(stored.wrapped)).toString('utf8')) as JWK;
  return {
    kid: id,
    privateKey: (await importJWK(privateJwk, 'EdDSA')) as CryptoKey,
    publicJwk: { ...(stored.publicJwk as JWK), kid: id, alg: 'EdDSA', use: 'sig' },
  };
}
