// Migration 5 on a log as Datacoop 0.1.0 stored it (hash chain, JWS checkpoints, no leaves, no anchor file): every
// entry gets its Merkle leaf; running it again or resuming ends in the same state; the first start afterwards pins
// the key and signs the tree checkpoints only if the old log verifies.
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { CompactSign } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../policies/shared/canonical-digest.js';
import { entryHash, entryLeaf, GENESIS_HASH } from '../../../../services/audit/index.js';
import { loadOrCreateSigningKey } from '../../../../services/crypto/signing-key.js';
import { auditMerkleLeaves } from '../../../../services/db/migrations/0005-audit-merkle-leaves.js';
import type { MigrationContext } from '../../../../services/db/migrations/index.js';
import { createTestApp, testDatabaseUri, type TestApp } from '../../../helpers/test-app.js';

const SIZE = 150;
const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0).reverse()) await app.close();
});

function contextFor(app: TestApp, progress?: unknown): MigrationContext & { saved: unknown[] } {
  const saved: unknown[] = [];
  const saveProgress = async (p: unknown) => void saved.push(p);
  return { db: app.connection.db!, log: () => {}, progress, saved, saveProgress } as never;
}

/** A database brought back to the 0.1.0 audit format: leaves removed, tree checkpoints replaced by JWS ones. */
async function legacyLog() {
  const { uri, dbName } = testDatabaseUri();
  const masterKey = randomBytes(32);
  const app = await createTestApp({}, { uri, dbName, masterKey });
  apps.push(app);
  const db = app.connection.db!;
  // Written as 0.1.0 did (chain hash, no leaf), in one go; the leaves the new code would compute are kept aside.
  let prevHash = GENESIS_HASH;
  const documents: Record<string, unknown>[] = [];
  const leaves: { _id: number; leaf: string }[] = [];
  for (let seq = 1; seq <= SIZE; seq++) {
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, seq));
    const entry = { seq, at, type: 'test', actor: 'system', data: { seq }, prevHash };
    const hash = entryHash(entry);
    documents.push({ _id: seq, at, type: 'test', actor: 'system', data: { seq }, prevHash, hash });
    leaves.push({ _id: seq, leaf: entryLeaf(entry) });
    prevHash = hash;
  }
  await db.collection('audit_log').insertMany(documents as never[]);
  const key = await loadOrCreateSigningKey(app.services.keyring, 'audit-signing-1', 'audit-signing');
  for (let seq = 16; seq <= SIZE; seq += 16) {
    const { hash } = (await db.collection('audit_log').findOne({ _id: seq as never }))!;
    const payload = canonicalJson({ seq, hash, at: new Date().toISOString() });
    const jws = await new CompactSign(new TextEncoder().encode(payload))
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .sign(key.privateKey);
    await db.collection('audit_checkpoints').insertOne({ _id: seq as never, hash, at: new Date(), jws });
  }
  rmSync(app.services.audit.anchorPath);
  const restart = async () => {
    const again = await createTestApp({}, { uri, dbName, masterKey });
    apps.push(again);
    return again;
  };
  return { app, leaves, restart };
}

const storedLeaves = (app: TestApp) =>
  app.connection
    .db!.collection('audit_log')
    .find({}, { projection: { leaf: 1 } })
    .sort({ _id: 1 })
    .toArray();

describe('migration 0005 audit-merkle-leaves', () => {
  it('gives every entry the leaf the new code computes, in batches, idempotently and resumably', async () => {
    const { app, leaves } = await legacyLog();
    const context = contextFor(app);
    await auditMerkleLeaves.up(context);
    expect(await storedLeaves(app)).toEqual(leaves);
    expect(context.saved.at(-1)).toEqual({ after: SIZE });
    expect(context.saved.length).toBe(2);
    await auditMerkleLeaves.up(contextFor(app));
    await auditMerkleLeaves.up(contextFor(app, { after: 100 }));
    expect(await storedLeaves(app)).toEqual(leaves);
  });

  it('resumes after a crash from the saved progress, leaving no entry without its leaf', async () => {
    const { app, leaves } = await legacyLog();
    // As if a first attempt had done the first 100 entries and died.
    for (const { _id, leaf } of leaves.slice(0, 100)) {
      await app.connection.db!.collection('audit_log').updateOne({ _id: _id as never }, { $set: { leaf } });
    }
    await auditMerkleLeaves.up(contextFor(app, { after: 50 }));
    expect(await storedLeaves(app)).toEqual(leaves);
  });

  it('lets the first start pin the key and sign the tree checkpoints over a log that verifies', async () => {
    const { app, restart } = await legacyLog();
    await auditMerkleLeaves.up(contextFor(app));
    const again = await restart();
    const result = await again.services.audit.verify(new Date());
    expect(result).toMatchObject({ valid: true, entries: SIZE, problems: [] });
    // Every 16th position, and the end of the log.
    expect(result.checkpoints).toBe(Math.floor(SIZE / 16) + 1);
  });

  it('signs nothing at first start over an old log that does not verify', async () => {
    const { app, restart } = await legacyLog();
    await auditMerkleLeaves.up(contextFor(app));
    await app.connection.db!.collection('audit_log').updateOne({ _id: 40 as never }, { $set: { type: 'forged' } });
    const again = await restart();
    const result = await again.services.audit.verify(new Date());
    expect(result.valid).toBe(false);
    expect(result.checkpoints).toBe(0);
    expect(result.problems).toContainEqual({ seq: 40, problem: 'hash_mismatch' });
    expect(result.problems).toContainEqual({ seq: 16, problem: 'checkpoint_missing' });
  });
});
