import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type PasswordHasher } from '../../../services/crypto/password-hasher.js';

let hasher: PasswordHasher;
beforeAll(async () => {
  hasher = await createPasswordHasher({ size: 2, idleMs: 300 });
});
afterAll(() => hasher.close());

describe('password hasher', () => {
  it('hashes with Argon2id and verifies exactly the same password', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,t=2,p=1\$/);
    expect(await hasher.verify('correct horse battery staple', hash)).toBe(true);
    expect(await hasher.verify('correct horse battery staple ', hash)).toBe(false);
    expect(await hasher.verify('anything', 'not a hash')).toBe(false);
  });

  it('runs calls in parallel on up to two threads, then stops idle threads and starts them again on demand', async () => {
    const batch = Promise.all(['a', 'b', 'c', 'd'].map((p) => hasher.hash(`password ${p}`)));
    expect(hasher.runningWorkers()).toBe(2);
    const hashes = await batch;
    expect(new Set(hashes).size).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(hasher.runningWorkers()).toBe(0);
    expect(await hasher.verify('password a', hashes[0]!)).toBe(true);
    expect(hasher.runningWorkers()).toBe(1);
  });

  it('spends a verification on unknown accounts without throwing', async () => {
    await expect(hasher.verifyAgainstDummy('whatever')).resolves.toBeUndefined();
  });
});
