// The checkpoint key is pinned at first start (anchor file in the data directory, optionally the configuration):
// missing, replaced or re-configured, the service refuses to start with one sentence, and never makes a new key.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, testDatabaseUri, type TestApp } from '../../helpers/test-app.js';

const KEY_ID = 'audit-signing-1';
const opened: TestApp[] = [];
afterEach(async () => {
  for (const app of opened.splice(0).reverse()) await app.close();
});

async function start(env: Record<string, string> = {}, options: Parameters<typeof createTestApp>[1] = {}) {
  const app = await createTestApp(env, options);
  opened.push(app);
  return app;
}

/** A log with entries, and how to start another instance on the same database (and data directory unless told). */
async function pinnedLog() {
  const { uri, dbName } = testDatabaseUri();
  const masterKey = randomBytes(32);
  const first = await start({}, { uri, dbName, masterKey });
  for (let i = 0; i < 20; i++) await first.services.audit.append('test.event', 'system', { i }, new Date());
  const keyring = () => first.connection.db!.collection('keyring');
  const again = (env: Record<string, string> = {}) => createTestApp(env, { uri, dbName, masterKey });
  return { first, keyring, again, masterKey };
}

describe('the audit checkpoint key pin', () => {
  it('refuses to start when the key is missing from the keyring, and makes no new one', async () => {
    const { first, keyring, again } = await pinnedLog();
    await keyring().deleteOne({ _id: KEY_ID as never });
    await expect(again()).rejects.toThrow(
      `the audit checkpoint key pinned as ${first.services.audit.verifierKey} is missing from the keyring`,
    );
    expect(await keyring().countDocuments({ _id: KEY_ID as never })).toBe(0);
  });

  it('refuses to start from a fresh data directory when the log has entries but no key', async () => {
    const { keyring, again } = await pinnedLog();
    await keyring().deleteOne({ _id: KEY_ID as never });
    const fresh = join(tmpdir(), 'datacoop-test', `fresh-${randomUUID()}`);
    await expect(again({ DATACOOP_DATA_DIR: fresh })).rejects.toThrow(
      /the audit log holds \d+ entries but its checkpoint key is missing from the keyring/,
    );
  });

  it('refuses a key swapped in the database for another valid one', async () => {
    const { keyring, again, masterKey } = await pinnedLog();
    // Another database under the same master key has its own, equally valid, checkpoint key: the operator copies it.
    const other = await start({}, { masterKey });
    const foreign = await other.connection.db!.collection('keyring').findOne({ _id: KEY_ID as never });
    await keyring().replaceOne({ _id: KEY_ID as never }, foreign!);
    await expect(again()).rejects.toThrow(
      /the audit checkpoint key in the keyring \(.*\) is not the one pinned in .*audit-anchor/,
    );
  });

  it('refuses a key other than the one pinned in DATACOOP_AUDIT_VERIFIER_KEY, and starts with the right one', async () => {
    const { first, again } = await pinnedLog();
    const other = await start();
    await expect(again({ DATACOOP_AUDIT_VERIFIER_KEY: other.services.audit.verifierKey })).rejects.toThrow(
      /is not the one pinned in DATACOOP_AUDIT_VERIFIER_KEY/,
    );
    const pinned = await again({ DATACOOP_AUDIT_VERIFIER_KEY: first.services.audit.verifierKey });
    opened.push(pinned);
    expect(pinned.services.audit.verifierKey).toBe(first.services.audit.verifierKey);
  });

  it('refuses a changed checkpoint interval', async () => {
    const { again } = await pinnedLog();
    await expect(again({ DATACOOP_AUDIT_CHECKPOINT_EVERY: '32' })).rejects.toThrow(
      'DATACOOP_AUDIT_CHECKPOINT_EVERY is 32 but this audit log checkpoints every 16 entries',
    );
  });

  it('shows the verifier key on the public record', async () => {
    const { first } = await pinnedLog();
    const record = await first.request('GET', '/api/public/record');
    expect(record.body.checkpoints.verifierKey).toBe(first.services.audit.verifierKey);
    expect(record.body.checkpoints.list[0]).toMatchObject({ size: 16 });
  });
});
