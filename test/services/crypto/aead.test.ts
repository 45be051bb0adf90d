import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecryptionFailed, open, openJson, seal, sealJson, type Binding } from '../../../services/crypto/aead.js';

const key = randomBytes(32);
const binding: Binding = { collection: 'users.profile', recordId: 'r1', memberId: 'm1', schemaVersion: 1 };

describe('aead', () => {
  it('round-trips a value and starts with the format version', () => {
    const sealed = sealJson(key, { name: 'Anna' }, binding);
    expect(sealed[0]).toBe(1);
    expect(openJson(key, sealed, binding)).toEqual({ name: 'Anna' });
  });

  it('uses a fresh nonce each time', () => {
    const plaintext = Buffer.from('same');
    expect(seal(key, plaintext, binding).equals(seal(key, plaintext, binding))).toBe(false);
  });

  it.each([
    ['collection', { ...binding, collection: 'observations' }],
    ['record', { ...binding, recordId: 'r2' }],
    ['member', { ...binding, memberId: 'm2' }],
    ['schema version', { ...binding, schemaVersion: 2 }],
  ])('refuses to open a ciphertext moved to another %s', (_label, other) => {
    const sealed = seal(key, Buffer.from('secret'), binding);
    expect(() => open(key, sealed, other)).toThrow(DecryptionFailed);
  });

  it('does not confuse field boundaries in the binding', () => {
    const sealed = seal(key, Buffer.from('x'), { ...binding, recordId: 'ab', memberId: 'c' });
    expect(() => open(key, sealed, { ...binding, recordId: 'a', memberId: 'bc' })).toThrow(DecryptionFailed);
  });

  it('refuses an altered byte, a wrong key, a truncated or an unknown-version ciphertext', () => {
    const sealed = seal(key, Buffer.from('secret value'), binding);
    for (let i = 0; i < sealed.length; i++) {
      const altered = Buffer.from(sealed);
      altered[i]! ^= 1;
      expect(() => open(key, altered, binding)).toThrow(DecryptionFailed);
    }
    expect(() => open(randomBytes(32), sealed, binding)).toThrow(DecryptionFailed);
    expect(() => open(key, sealed.subarray(0, 20), binding)).toThrow(DecryptionFailed);
  });
});
