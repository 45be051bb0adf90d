// The two forgeries of issue 18, done on the database directly as an operator with database access would, and every
// verifier that must catch them: GET /api/audit/verify, the CLI's verify-audit, a witness that saw an older
// checkpoint, and the member browser's consistency check. A verifier that misses either forgery fails here.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  entryHash,
  entryLeaf,
  loadWitnessState,
  witnessOnce,
  type WitnessState,
} from '../../../services/audit/index.js';
import {
  checkCheckpoint,
  fetchConsistencyProof,
  fetchLatestCheckpoint,
  type SeenCheckpoint,
} from '../../../web-components/api/audit-checkpoint.api.js';
import { createStewardAndLogin } from '../../helpers/builders.js';
import { createTestApp, testDatabaseUri, type TestApp } from '../../helpers/test-app.js';

const EVERY = 8;
const env = { DATACOOP_AUDIT_CHECKPOINT_EVERY: String(EVERY) };
const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0).reverse()) await app.close();
});

/** A fresh log of about 40 entries, a steward, a witness and a member's browser that have both seen its checkpoint. */
async function honestLog() {
  const { uri, dbName } = testDatabaseUri();
  const masterKey = randomBytes(32);
  const app = await createTestApp(env, { uri, dbName, masterKey });
  apps.push(app);
  const steward = await createStewardAndLogin(app);
  const base = await app.services.audit.verify(new Date());
  for (let i = base.entries; i < 40; i++) await app.services.audit.append('test.event', 'system', { i }, new Date());
  await app.services.audit.checkpointNow(new Date());
  const witnessed = await witnessOnce(app.baseUrl, loadWitnessState('/nonexistent', 'witness.test/w1'), {
    now: new Date(),
  });
  const browser = await browserCheck(app, null);
  expect(browser.status).toBe('first');
  return {
    app,
    uri,
    dbName,
    masterKey,
    steward,
    witness: witnessed.state,
    seen: (browser as { seen: SeenCheckpoint }).seen,
  };
}

async function verifyOverApi(app: TestApp, token: string) {
  const response = await app.request('GET', '/api/audit/verify', { token });
  expect(response.status).toBe(200);
  return response.body as { valid: boolean; problems: { seq: number; problem: string }[] };
}

function verifyWithCli(app: TestApp, dbName: string, masterKey: Buffer) {
  const url = new URL(testDatabaseUri().uri);
  url.pathname = `/${dbName}`;
  url.searchParams.set('directConnection', 'true');
  return spawnSync('npx', ['tsx', 'services/cli.ts', 'verify-audit'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      MONGODB_URI: url.toString(),
      DATACOOP_MASTER_KEY: masterKey.toString('base64'),
      DATACOOP_DATA_DIR: app.config.dataDir,
      DATACOOP_AUDIT_CHECKPOINT_EVERY: String(EVERY),
      LOG_LEVEL: 'silent',
    },
  });
}

function browserCheck(app: TestApp, seen: SeenCheckpoint | null) {
  return fetchLatestCheckpoint(app.baseUrl).then((served) =>
    checkCheckpoint(seen, served, (from, to) => fetchConsistencyProof(from, to, app.baseUrl)),
  );
}

async function witnessAgain(app: TestApp, state: WitnessState) {
  return witnessOnce(app.baseUrl, state, { now: new Date() }).then(
    () => 'cosigned',
    (error: Error) => error.message,
  );
}

/**
 * The operator runs the service again on the forged database, from a fresh data directory (no anchor), and appends,
 * so that new checkpoints are signed with the genuine key over the forged history.
 */
async function reSignFromFreshDataDir(uri: string, dbName: string, masterKey: Buffer) {
  const again = await createTestApp(
    { ...env, DATACOOP_DATA_DIR: join(tmpdir(), 'datacoop-test', `fresh-${randomUUID()}`) },
    { uri, dbName, masterKey },
  );
  apps.push(again);
  for (let i = 0; i < 30; i++) await again.services.audit.append('test.after', 'system', { i }, new Date());
  await again.services.audit.checkpointNow(new Date());
  return again;
}

describe('forgery (a): the tail cut, the checkpoints that covered it deleted, audit_head reset', () => {
  async function cutTail(app: TestApp, keep: number) {
    const db = app.connection.db!;
    await db.collection('audit_log').deleteMany({ _id: { $gt: keep } as never });
    await db.collection('audit_signed_checkpoints').deleteMany({ _id: { $gt: keep } as never });
    await db.collection('audit_head').updateOne({ _id: 'head' as never }, { $set: { seq: keep } });
  }

  it('is reported by verify (API and CLI), refused by the checkpointer, and seen by the witness and the browser', async () => {
    const { app, uri, dbName, masterKey, steward, witness, seen } = await honestLog();
    const signedBefore = await app.connection.db!.collection('audit_signed_checkpoints').countDocuments();
    await cutTail(app, 20);

    const result = await verifyOverApi(app, steward.accessToken);
    expect(result.valid).toBe(false);
    expect(result.problems).toContainEqual({ seq: seen.size, problem: 'truncated' });
    expect(result.problems).toContainEqual({ seq: seen.size, problem: 'anchored_checkpoint_missing' });
    const cli = verifyWithCli(app, dbName, masterKey);
    expect(cli.status, cli.stderr).toBe(1);
    expect(cli.stdout).toContain(`position ${seen.size}: truncated`);

    // Verifying wrote nothing; the schedule refuses to sign over the cut history.
    expect(await app.connection.db!.collection('audit_signed_checkpoints').countDocuments()).toBeLessThan(signedBefore);
    await app.services.audit.append('test.after-cut', 'system', {}, new Date());
    await expect(app.services.audit.checkpointNow(new Date())).rejects.toThrow(/rewritten/);

    expect(await witnessAgain(app, witness)).toMatch(/shrank .*fork/);
    expect(await browserCheck(app, seen)).toEqual({ status: 'fork', reason: 'shrunk' });

    // Even once the log has grown past its old size again under freshly signed checkpoints, both see the fork.
    // The running instance went on appending after its last position (a gap the verifier reports): the operator cuts
    // again, stops it and starts a fresh one.
    await cutTail(app, 20);
    const again = await reSignFromFreshDataDir(uri, dbName, masterKey);
    expect(await witnessAgain(again, witness)).toMatch(/not consistent .* rewritten/);
    expect(await browserCheck(again, seen)).toEqual({ status: 'fork', reason: 'inconsistent' });
  });
});

describe('forgery (b): an entry edited, the chain and leaves recomputed, every checkpoint deleted', () => {
  async function rewrite(app: TestApp, seq: number) {
    const entries = app.connection.db!.collection<Record<string, any>>('audit_log');
    const all = await entries.find().sort({ _id: 1 }).toArray();
    let prevHash = all[seq - 2]!.hash as string;
    for (const doc of all.slice(seq - 1)) {
      const entry = { ...doc, seq: doc._id, prevHash, ...((doc._id as unknown) === seq && { data: { forged: true } }) };
      const next = { ...entry, hash: entryHash(entry as never), leaf: entryLeaf(entry as never) };
      delete (next as Record<string, unknown>).seq;
      await entries.replaceOne({ _id: doc._id }, next);
      prevHash = next.hash;
    }
    await app.connection.db!.collection('audit_signed_checkpoints').deleteMany({});
    await app.connection.db!.collection('audit_checkpoints').deleteMany({});
  }

  it('is reported by verify (API and CLI) without re-signing, and seen by the witness and the browser', async () => {
    const { app, uri, dbName, masterKey, steward, witness, seen } = await honestLog();
    await rewrite(app, 10);

    const result = await verifyOverApi(app, steward.accessToken);
    expect(result.valid).toBe(false);
    for (let size = EVERY; size <= 40; size += EVERY) {
      expect(result.problems).toContainEqual({ seq: size, problem: 'checkpoint_missing' });
    }
    expect(result.problems).toContainEqual({ seq: seen.size, problem: 'anchored_checkpoint_missing' });
    expect(await app.connection.db!.collection('audit_signed_checkpoints').countDocuments()).toBe(0);
    const cli = verifyWithCli(app, dbName, masterKey);
    expect(cli.status, cli.stderr).toBe(1);
    expect(cli.stdout).toContain(`position ${EVERY}: checkpoint_missing`);

    // The instance that signed the genuine checkpoints will not sign over the rewrite.
    await expect(app.services.audit.checkpointNow(new Date())).rejects.toThrow(/rewritten/);
    expect(await app.connection.db!.collection('audit_signed_checkpoints').countDocuments()).toBe(0);

    // An instance from a fresh data directory does sign it (it has no anchor); witnesses and members see the fork.
    const again = await reSignFromFreshDataDir(uri, dbName, masterKey);
    expect(await witnessAgain(again, witness)).toMatch(/not consistent .* rewritten/);
    expect(await browserCheck(again, seen)).toEqual({ status: 'fork', reason: 'inconsistent' });
    // And the original instance, with its anchor, still reports the rewrite against the new checkpoints.
    const after = await verifyOverApi(app, steward.accessToken);
    expect(after.problems).toContainEqual({ seq: seen.size, problem: 'anchored_checkpoint_missing' });
  });
});

describe('an honest log', () => {
  it('verifies, and the witness and the browser accept its growth', async () => {
    const { app, steward, witness, seen } = await honestLog();
    expect(await verifyOverApi(app, steward.accessToken)).toMatchObject({ valid: true, problems: [] });
    for (let i = 0; i < 13; i++) await app.services.audit.append('test.more', 'system', { i }, new Date());
    await app.services.audit.checkpointNow(new Date());
    expect(await witnessAgain(app, witness)).toBe('cosigned');
    expect(await browserCheck(app, seen)).toMatchObject({ status: 'extended', seen: { size: seen.size + 13 } });
    expect(await browserCheck(app, { ...seen, verifierKey: `${seen.verifierKey}x` })).toEqual({
      status: 'fork',
      reason: 'key_changed',
    });
  });
});
