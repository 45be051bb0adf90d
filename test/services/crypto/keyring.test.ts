import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mongoose';
import { DecryptionFailed } from '../../../services/crypto/aead.js';
import { loadKeyring, MasterKeyMismatch } from '../../../services/crypto/keyring.js';
import { connectTestDatabase } from '../../helpers/test-app.js';

let connection: Connection;
let dropAndClose: () => Promise<void>;
beforeAll(async () => {
  ({ connection, dropAndClose } = await connectTestDatabase());
});
afterAll(() => dropAndClose());

describe('keyring', () => {
  const masterKey = randomBytes(32);

  it('creates its keys once and finds the same ones on the next start', async () => {
    const first = await loadKeyring(connection, masterKey);
    const second = await loadKeyring(connection, masterKey);
    expect(second.blindIndex('email', 'a@b.ch')).toBe(first.blindIndex('email', 'a@b.ch'));
    expect(first.blindIndex('email', 'a@b.ch')).not.toBe(first.blindIndex('ip', 'a@b.ch'));
  });

  it('stores no key in plaintext', async () => {
    const documents = await connection.db!.collection('keyring').find().toArray();
    expect(documents.length).toBeGreaterThan(0);
    for (const document of documents) {
      expect(document.wrapped.buffer.length).toBeGreaterThan(32);
      expect(JSON.stringify(document)).not.toContain(masterKey.toString('base64'));
    }
  });

  it('refuses to start with another master key', async () => {
    await expect(loadKeyring(connection, randomBytes(32))).rejects.toThrow(MasterKeyMismatch);
  });

  it('wraps member keys so that they open only for their own member', async () => {
    const keyring = await loadKeyring(connection, masterKey);
    const { key, wrapped } = keyring.newMemberKey('member-1');
    expect(keyring.unwrapMemberKey('member-1', wrapped).equals(key)).toBe(true);
    expect(() => keyring.unwrapMemberKey('member-2', wrapped)).toThrow(DecryptionFailed);
  });
});
