// Scenario D: the embedded FerretDB lives exactly as long as the process that started it. SIGKILL of the service
// leaves no FerretDB behind; a second server on a data directory in use is refused at once with a message naming
// the directory and the process holding it; after FerretDB itself is killed, the next start on the same files works.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../services/db/connection.js';
import {
  EmbeddedDatabaseUnavailable,
  startEmbeddedDatabase,
  type EmbeddedDatabase,
} from '../../services/db/ferretdb-launcher.js';
import { freePort, ServiceProcess, sleep, spawnService } from './harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'datacoop-lifetime-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startDatabase(dir: string): Promise<EmbeddedDatabase> {
  const database = await startEmbeddedDatabase(dir);
  cleanups.push(() => database.stop());
  return database;
}

/** The pid our FerretDB wrote into the lock file of its data directory. */
function lockHolder(dbDir: string): number {
  return Number(readFileSync(join(dbDir, 'ferretdb.lock'), 'utf8').trim());
}

/** True while `pid` is a live process (a zombie waiting to be reaped counts as gone: it holds no files). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('the embedded database process', () => {
  it('does not outlive the service: SIGKILL of the service leaves no FerretDB within a second', async () => {
    const dataDir = tempDir();
    const masterKey = randomBytes(32);
    const service = await ServiceProcess.start({ masterKey, dataDir });
    cleanups.push(() => service.kill());
    const ferretPid = lockHolder(join(dataDir, 'db'));
    expect(ferretPid).toBeGreaterThan(0);
    expect(ferretPid).not.toBe(service.pid);
    expect(isAlive(ferretPid)).toBe(true);

    await service.kill();
    const killedAt = Date.now();
    while (isAlive(ferretPid) && Date.now() - killedAt < 1_000) await sleep(20);
    const goneMs = Date.now() - killedAt;
    expect(isAlive(ferretPid), `FerretDB ${ferretPid} still runs ${goneMs} ms after its service was killed`).toBe(
      false,
    );
    console.log(`[D] FerretDB gone ${goneMs} ms after SIGKILL of the service`);

    // And the service starts again on the same data folder (the lock went with the process).
    const again = await ServiceProcess.start({ masterKey, dataDir });
    cleanups.push(() => again.stop());
    expect(lockHolder(join(dataDir, 'db'))).not.toBe(ferretPid);
  });

  it('refuses a second server on a data directory in use, naming the directory and the holder', async () => {
    const dir = tempDir();
    const first = await startDatabase(dir);
    const started = Date.now();
    const second = await startEmbeddedDatabase(dir).then(
      (database) => {
        cleanups.push(() => database.stop());
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(second).toBeInstanceOf(EmbeddedDatabaseUnavailable);
    expect((second as Error).message).toBe(
      `The data directory ${dir} is in use by another embedded database server (process ${first.pid}); stop that ` +
        'process or point DATACOOP_DATA_DIR elsewhere.',
    );
    expect(Date.now() - started, 'the refusal took too long').toBeLessThan(5_000);
    // The first server is untouched and still answers.
    const connection = await connectDatabase(first.uri, { embedded: true, dbName: 'lifetime' });
    cleanups.push(() => connection.close());
    await connection.db!.admin().ping();
  });

  it('makes `npm start` on a data directory held by another server print one sentence and exit 1', async () => {
    const dataDir = tempDir();
    const holder = await startDatabase(join(dataDir, 'db'));
    const child = spawnService(await freePort(), randomBytes(32), dataDir);
    cleanups.push(() => void child.kill('SIGKILL'));
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((done) => child.once('close', (exitCode) => done(exitCode)));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `Datacoop cannot start: The data directory ${join(dataDir, 'db')} is in use by another embedded database ` +
        `server (process ${holder.pid}); stop that process or point DATACOOP_DATA_DIR elsewhere.`,
    );
  });

  it('starts on the same files after FerretDB itself was killed (the stale lock is recovered)', async () => {
    const dir = tempDir();
    const first = await startEmbeddedDatabase(dir);
    const connection = await connectDatabase(first.uri, { embedded: true, dbName: 'lifetime' });
    await connection.db!.collection('notes').insertOne({ _id: 'kept' as never, text: 'written before the crash' });
    await connection.close();
    await first.kill();
    expect(lockHolder(dir), 'the lock file still names the dead server').toBe(first.pid);

    const second = await startDatabase(dir);
    expect(lockHolder(dir)).toBe(second.pid);
    const reopened = await connectDatabase(second.uri, { embedded: true, dbName: 'lifetime' });
    cleanups.push(() => reopened.close());
    expect(await reopened.db!.collection('notes').findOne({ _id: 'kept' as never })).toMatchObject({
      text: 'written before the crash',
    });
  });
});
