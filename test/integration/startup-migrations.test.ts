// The service's start-up (services/main.ts): migrations run after connecting and before it listens; a database
// migrated by a newer Datacoop is refused in one sentence.
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appliedMigrations, MIGRATIONS } from '../../services/db/migrations/index.js';
import { connectTestDatabase, testDatabaseUri } from '../helpers/test-app.js';

let database: Awaited<ReturnType<typeof connectTestDatabase>>;
beforeAll(async () => {
  database = await connectTestDatabase();
});
afterAll(() => database.dropAndClose());

/** Starts the service on `dbName` and resolves with its output once it listens or exits. */
function startService(dbName: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const url = new URL(testDatabaseUri().uri);
  url.pathname = `/${dbName}`;
  url.searchParams.set('directConnection', 'true');
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/main.ts'], {
    env: {
      ...process.env,
      MONGODB_URI: url.toString(),
      DATACOOP_MASTER_KEY: randomBytes(32).toString('base64'),
      DATACOOP_DEMO: 'false',
      DATACOOP_DATA_DIR: join(tmpdir(), 'datacoop-test', dbName),
      PORT: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('Datacoop is listening')) child.kill('SIGTERM');
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('start-up', () => {
  it('migrates a new database before it listens', async () => {
    const started = await startService(database.connection.name);
    expect(started.stdout).toContain('Datacoop is listening');
    // The pinned checkpoint key is in the start-up log, as a C2SP verifier key string.
    expect(started.stdout).toMatch(/"verifierKey":"datacoop\.local\/audit\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*"/);
    expect(started.stdout.indexOf('database schema is current')).toBeGreaterThan(-1);
    expect(started.stdout.indexOf('database schema is current')).toBeLessThan(
      started.stdout.indexOf('Datacoop is listening'),
    );
    expect((await appliedMigrations(database.connection.db!)).map((m) => m.version)).toEqual(
      MIGRATIONS.map((m) => m.version),
    );
  });

  it('refuses a database migrated by a newer Datacoop, saying to upgrade', async () => {
    // One version beyond what this code knows, however many migrations it has.
    const future = MIGRATIONS.length + 1;
    await database.connection.db!.collection('schema_migrations').insertOne({
      _id: `applied:${future}` as never,
      kind: 'applied',
      version: future,
      name: 'from-the-future',
      appliedAt: new Date(),
      datacoopVersion: '0.7.0',
      attempt: 1,
    });
    const refused = await startService(database.connection.name);
    expect(refused.code).toBe(1);
    expect(refused.stdout).not.toContain('Datacoop is listening');
    expect(refused.stderr.trim()).toBe(
      `Datacoop cannot start: the database is at schema version ${future} (migrated by Datacoop 0.7.0), but this ` +
        `Datacoop 0.1.0 knows only up to version ${MIGRATIONS.length}: upgrade Datacoop.`,
    );
  });
});
