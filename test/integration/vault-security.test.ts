import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecryptionFailed } from '../../services/crypto/aead.js';
import { rotateMasterKey } from '../../services/crypto/master-key-rotation.js';
import { createStewardAndLogin, login, registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const hr = (value: number, effectiveAt: string, note?: string) => ({
  category: 'heart-rate',
  value,
  unit: '/min',
  effectiveAt,
  ...(note && { note }),
});

async function upload(token: string, observations: unknown[]) {
  const response = await app.request('POST', '/api/me/observations', { body: { observations }, token });
  expect(response.status).toBe(201);
  return response.body;
}

async function dumpDatabase(target: TestApp): Promise<{ text: string; bytes: Buffer }> {
  const db = target.connection.db!;
  const texts: string[] = [];
  const buffers: Buffer[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    for (const document of await db.collection(name).find({}).toArray()) {
      texts.push(JSON.stringify(document));
      for (const value of Object.values(document)) {
        if (value && typeof value === 'object' && 'buffer' in value) buffers.push(Buffer.from((value as any).buffer));
      }
    }
  }
  return { text: texts.join('\n'), bytes: Buffer.concat(buffers) };
}

describe('encryption at rest', () => {
  it('keeps every canary value out of a raw dump of every collection', async () => {
    const canaryNote = `canary-${randomUUID()}`;
    const canaryName = `Canary ${randomUUID().slice(0, 8)}`;
    const member = await registerAndLogin(app, { name: canaryName });
    await upload(member.accessToken, [
      hr(173.123456789, '2025-02-03T04:05:06.789Z', canaryNote),
      { category: 'body-weight', value: 81.987654321, unit: 'kg', effectiveAt: '2025-02-03T04:05:06.789Z' },
    ]);
    const page = await app.request('GET', '/api/me/observations', { token: member.accessToken });
    expect(page.body.observations.map((o: { note?: string }) => o.note)).toContain(canaryNote);
    const { text, bytes } = await dumpDatabase(app);
    for (const canary of [canaryNote, canaryName, '173.123456789', '81.987654321', '2025-02-03T04:05:06']) {
      expect(text).not.toContain(canary);
      expect(bytes.includes(Buffer.from(canary))).toBe(false);
    }
  });

  it('refuses to open a chunk swapped with another member’s, or moved within a vault', async () => {
    const a = await registerAndLogin(app);
    const b = await registerAndLogin(app);
    await upload(a.accessToken, [hr(60, '2025-01-01T08:00:00Z')]);
    await upload(b.accessToken, [hr(70, '2025-01-01T08:00:00Z')]);
    const chunks = app.connection.db!.collection<{ _id: string; member: string; sealed: unknown }>('vault_chunks');
    const chunkA = (await chunks.findOne({ member: a.id }))!;
    const chunkB = (await chunks.findOne({ member: b.id }))!;
    await chunks.updateOne({ _id: chunkB._id }, { $set: { sealed: chunkA.sealed } });
    await expect(app.services.vault.list(b.id, { limit: 10 })).rejects.toThrow(DecryptionFailed);
    const swapped = await app.request('GET', '/api/me/observations', { token: b.accessToken });
    expect(swapped.status).toBe(500);
    expect(swapped.body.error).toEqual({
      code: 'internal_error',
      message: expect.any(String),
      requestId: expect.any(String),
    });
    await chunks.updateOne({ _id: chunkA._id }, { $set: { month: '2025-02' } });
    await expect(app.services.vault.list(a.id, { limit: 10 })).rejects.toThrow();
  });
});

describe('access', () => {
  let owner: BuiltAccount;
  beforeAll(async () => {
    owner = await registerAndLogin(app);
    await upload(owner.accessToken, [hr(64, '2025-01-02T08:00:00Z', 'private')]);
  });

  it("never shows a member another member's data", async () => {
    const other = await registerAndLogin(app);
    for (const path of ['/api/me/observations', '/api/me/export?format=json']) {
      const response = await app.request('GET', path, { token: other.accessToken });
      expect(response.status).toBe(200);
      expect(response.body.observations).toEqual([]);
    }
    const series = await app.request('GET', '/api/me/series?category=heart-rate', { token: other.accessToken });
    expect(series.body.points).toEqual([]);
  });

  it.each([
    ['GET', '/api/me/observations'],
    ['GET', '/api/me/series?category=heart-rate'],
    ['GET', '/api/me/export?format=csv'],
    ['POST', '/api/me/observations'],
  ])('refuses researchers and stewards: %s %s → 403', async (method, path) => {
    const researcher = await registerAndLogin(app, { role: 'researcher', organisation: 'Uni' });
    const steward = await createStewardAndLogin(app);
    for (const caller of [researcher, steward]) {
      const body = method === 'POST' ? { observations: [] } : undefined;
      const response = await app.request(method, path, { token: caller.accessToken, body });
      expect(response.status).toBe(403);
      expect(response.text).not.toContain('private');
    }
  });

  it('refuses anonymous callers with 401', async () => {
    expect((await app.request('GET', '/api/me/observations')).status).toBe(401);
  });
});

describe('erasure', () => {
  it('needs the password, then destroys the key and the data; old tokens and old ciphertexts are dead', async () => {
    const member = await registerAndLogin(app);
    await upload(member.accessToken, [hr(66, '2025-01-03T08:00:00Z'), hr(67, '2025-02-03T08:00:00Z')]);
    const db = app.connection.db!;
    const before = {
      chunks: await db.collection('vault_chunks').find({ member: member.id }).toArray(),
      heads: await db.collection('vault_heads').find({ member: member.id }).toArray(),
    };
    expect(before.chunks.length).toBeGreaterThan(0);

    const wrong = await app.request('DELETE', '/api/me', {
      token: member.accessToken,
      body: { password: 'wrong one!' },
    });
    expect(wrong.status).toBe(401);
    const erased = await app.request('DELETE', '/api/me', {
      token: member.accessToken,
      body: { password: member.password },
    });
    expect(erased.status).toBe(204);

    expect((await app.request('GET', '/api/me/observations', { token: member.accessToken })).status).toBe(401);
    expect((await app.request('GET', '/api/me', { token: member.accessToken })).status).toBe(401);
    await expect(login(app, member.email, member.password)).rejects.toThrow(/401/);
    expect(await db.collection('users').findOne({ _id: member.id as never })).toBeNull();
    expect(await db.collection('vault_chunks').countDocuments({ member: member.id })).toBe(0);
    expect(await db.collection('vault_heads').countDocuments({ member: member.id })).toBe(0);
    const tombstones = await db.collection('erasures').find({}).toArray();
    expect(tombstones).toHaveLength(1);
    expect(JSON.stringify(tombstones)).not.toContain(member.id);
    // The audit chain keeps a pseudonymous tombstone of the erasure, and stays intact.
    const erasureEntries = await db.collection('audit_log').find({ type: 'member.erased' }).toArray();
    expect(erasureEntries).toHaveLength(1);
    expect(JSON.stringify(erasureEntries)).not.toContain(member.id);
    expect((await app.services.audit.verify(new Date())).valid).toBe(true);

    // A copy of the vault taken before, put back: nothing can open it any more.
    await db.collection('vault_chunks').insertMany(before.chunks);
    await db.collection('vault_heads').insertMany(before.heads);
    await expect(app.services.vault.list(member.id, { limit: 10 })).rejects.toMatchObject({ status: 404 });
  });

  it('refuses stewards (who are appointed, not self-registered)', async () => {
    const steward = await createStewardAndLogin(app);
    const response = await app.request('DELETE', '/api/me', {
      token: steward.accessToken,
      body: { password: steward.password },
    });
    expect(response.status).toBe(403);
  });
});

describe('master-key rotation', () => {
  it('rewraps every key under the new master key, resumably, and every record stays readable', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const first = await createTestApp({}, { masterKey: oldKey });
    const dbName = first.connection.name;
    const uri = first.connection.getClient().options.hosts.map((h) => `mongodb://${h.host}:${h.port}`)[0]!;
    const members = [];
    for (let i = 0; i < 3; i++) {
      const member = await registerAndLogin(first);
      await first.request('POST', '/api/me/observations', {
        token: member.accessToken,
        body: { observations: [hr(60 + i, '2025-01-04T08:00:00Z', `note ${i}`)] },
      });
      members.push(member);
    }

    const rotating = await createTestApp(
      { DATACOOP_PREVIOUS_MASTER_KEY: oldKey.toString('base64') },
      { uri, dbName, masterKey: newKey },
    );
    // An interrupted run: it stops right after rewrapping the first account's key; the next run skips that one.
    const interrupted = await rotateMasterKey(rotating.services.keyring, rotating.services.members, () => {
      throw new Error('interrupted');
    }).catch((error: Error) => error);
    expect(interrupted).toBeInstanceOf(Error);
    const report = await rotateMasterKey(rotating.services.keyring, rotating.services.members);
    expect(report.alreadyCurrent).toBeGreaterThanOrEqual(1);
    expect(report.rewrapped).toBeGreaterThanOrEqual(members.length - 1);
    expect((await rotateMasterKey(rotating.services.keyring, rotating.services.members)).rewrapped).toBe(0);

    const after = await createTestApp({}, { uri, dbName, masterKey: newKey });
    for (const [i, member] of members.entries()) {
      const tokens = await login(after, member.email, member.password);
      const page = await after.request('GET', '/api/me/observations', { token: tokens.accessToken });
      expect(page.body.observations).toMatchObject([{ value: 60 + i, note: `note ${i}` }]);
    }
    await expect(createTestApp({}, { uri, dbName, masterKey: oldKey })).rejects.toThrow(/master key/i);
    await after.close();
    await rotating.close();
    await first.close();
  });
});
