import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_SCHEMA_VERSION } from '../../services/db/migrations/index.js';
import { login } from '../helpers/builders.js';
import { createTestApp, testDatabaseUri, type TestApp } from '../helpers/test-app.js';

const { uri, dbName } = testDatabaseUri();
const masterKey = randomBytes(32);
let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({}, { dbName, masterKey });
});
afterAll(() => app.close());

function coop(args: string[], stdin: string) {
  const url = new URL(uri);
  url.pathname = `/${dbName}`;
  url.searchParams.set('directConnection', 'true');
  return spawnSync('npx', ['tsx', 'services/cli.ts', ...args], {
    input: stdin,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      MONGODB_URI: url.toString(),
      DATACOOP_MASTER_KEY: masterKey.toString('base64'),
      // The app's data directory: the audit anchor that pins the checkpoint key is there.
      DATACOOP_DATA_DIR: app.config.dataDir,
      LOG_LEVEL: 'silent',
    },
  });
}

describe('npm run coop -- create-steward', () => {
  it('appoints a steward who can log in, without printing the password', async () => {
    const password = 'a very secret steward passphrase';
    const result = coop(
      ['create-steward', '--email', 'first-steward@example.org', '--name', 'First Steward'],
      `${password}\n`,
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Steward created');
    expect(result.stdout + result.stderr).not.toContain(password);
    const tokens = await login(app, 'first-steward@example.org', password);
    const me = await app.request('GET', '/api/me', { token: tokens.accessToken });
    expect(me.body).toMatchObject({ role: 'steward', name: 'First Steward' });
  });

  it('refuses a short password and bad arguments', () => {
    expect(coop(['create-steward', '--email', 'x@example.org', '--name', 'X'], 'short\n').status).toBe(2);
    expect(coop(['create-steward', '--email', 'not-an-email', '--name', 'X'], 'long enough password\n').status).toBe(2);
    expect(coop(['no-such-command'], '').status).toBe(2);
  });
});

describe('npm run coop -- verify-audit', () => {
  it('reports an intact log with exit 0 and a tampered one with exit 1', async () => {
    const intact = coop(['verify-audit'], '');
    expect(intact.status, intact.stderr).toBe(0);
    expect(intact.stdout).toMatch(/Audit log intact: \d+ entries/);
    const entries = app.connection.db!.collection('audit_log');
    const first = await entries.findOne({ _id: 1 as never });
    await entries.updateOne({ _id: 1 as never }, { $set: { type: 'forged' } });
    const tampered = coop(['verify-audit'], '');
    await entries.replaceOne({ _id: 1 as never }, first!);
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toContain('position 1: hash_mismatch');
  });
});

describe('npm run coop -- migrate', () => {
  it('reports a migrated database as current, and refuses one migrated by a newer Datacoop', async () => {
    const current = coop(['migrate'], '');
    expect(current.status, current.stderr).toBe(0);
    expect(current.stdout).toContain(`Database already at schema version ${CODE_SCHEMA_VERSION}: nothing to apply.`);
    const records = app.connection.db!.collection('schema_migrations');
    const future = CODE_SCHEMA_VERSION + 1;
    await records.insertOne({
      _id: `applied:${future}` as never,
      kind: 'applied',
      version: future,
      name: 'from-the-future',
      appliedAt: new Date(),
      datacoopVersion: '9.0.0',
      attempt: 1,
    });
    const newer = coop(['migrate'], '');
    await records.deleteOne({ _id: `applied:${future}` as never });
    expect(newer.status).toBe(1);
    expect(newer.stderr).toContain(
      `the database is at schema version ${future} (migrated by Datacoop 9.0.0), but this Datacoop 0.1.0 knows only up to version ${CODE_SCHEMA_VERSION}: upgrade Datacoop.`,
    );
  });
});
