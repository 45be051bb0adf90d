import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../services/db/ferretdb-launcher.js';
import { registerAndLogin, type BuiltAccount } from '../helpers/builders.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

// This file runs its own FerretDB so that it can kill it without disturbing other test files.
let dir: string;
let database: EmbeddedDatabase;
let app: TestApp;
let member: BuiltAccount;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'datacoop-outage-'));
  database = await startEmbeddedDatabase(dir);
  app = await createTestApp({}, { uri: database.uri, dbName: 'outage' });
  member = await registerAndLogin(app);
});

afterAll(async () => {
  await app.close().catch(() => {});
  await database.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('when the database goes down', () => {
  it('answers data routes with 503 and Retry-After within 3 s, stays live, reports not ready, then recovers', async () => {
    database.kill();
    await new Promise((resolve) => setTimeout(resolve, 200));

    const started = Date.now();
    const me = await app.request('GET', '/api/me', { token: member.accessToken });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(me.status).toBe(503);
    expect(me.body.error.code).toBe('database_unavailable');
    expect(me.headers.get('retry-after')).toBe('5');
    expect(me.text).not.toMatch(/Mongo|ECONNREFUSED|at .*\.ts/);

    const register = await app.request('POST', '/api/auth/register', {
      body: { email: 'during-outage@example.org', password: 'password during outage', name: 'X', role: 'member' },
    });
    expect(register.status).toBe(503);

    expect((await app.request('GET', '/health/live')).status).toBe(200);
    const ready = await app.request('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.database).toBe('down');

    // The database comes back on the same port and files: the service recovers without a restart.
    const port = Number(new URL(database.uri).port);
    database = await startEmbeddedDatabase(dir, { port });
    let recovered = false;
    for (let i = 0; i < 50 && !recovered; i++) {
      recovered = (await app.request('GET', '/api/me', { token: member.accessToken })).status === 200;
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(recovered).toBe(true);
    expect((await app.request('GET', '/health/ready')).status).toBe(200);
  });
});
