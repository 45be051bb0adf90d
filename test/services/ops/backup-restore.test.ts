// Backup and restore of the embedded database: a copy taken while members upload restores into an empty data
// directory and verifies (checksums, counts, audit log, the newest chunk of every member under the master key);
// a damaged backup, a non-empty target and altered data are refused.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateObservations } from '../../../fixtures/demo-observations.js';
import { loadConfig } from '../../../services/config.js';
import {
  backupEmbeddedDatabase,
  BackupInvalid,
  checkBackup,
  type BackupManifest,
} from '../../../services/db/backup.js';
import { connectDatabase } from '../../../services/db/connection.js';
import { EMBEDDED_DB_NAME } from '../../../services/db/database.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../../services/db/ferretdb-launcher.js';
import { restoreEmbeddedBackup } from '../../../services/ops/restore-backup.js';
import { verifyDatabase } from '../../../services/ops/verify-database.js';
import { insertMembers } from '../../helpers/builders.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

const DAY = 86_400_000;
const MEMBERS = 4;
const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const run = promisify(execFile);

let work: string;
let database: EmbeddedDatabase;
let app: TestApp;
let masterKey: Buffer;
let backupDir: string;
let manifest: BackupManifest;
let uploadsDuringBackup = 0;

const config = () =>
  loadConfig({
    NODE_ENV: 'test',
    DATACOOP_MASTER_KEY: masterKey.toString('base64'),
    LOG_LEVEL: 'silent',
    // Each verification is of another restored copy: its own audit anchor, never ./data.
    DATACOOP_DATA_DIR: join(tmpdir(), 'datacoop-test', randomUUID()),
  });
const restoreInto = (dataDir: string, from = backupDir, key = masterKey) =>
  restoreEmbeddedBackup({
    backupDir: from,
    dataDir,
    allowedFiles: [],
    verify: (connection) => verifyDatabase(connection, key, config(), new Date()),
  });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'datacoop-backup-test-'));
  masterKey = randomBytes(32);
  // The service's own layout: the embedded FerretDB in <data>/db, database `datacoop`.
  database = await startEmbeddedDatabase(join(work, 'data', 'db'));
  app = await createTestApp({}, { uri: database.uri, dbName: EMBEDDED_DB_NAME, masterKey });
  const members = await insertMembers(app, MEMBERS, { joinedAt: new Date(Date.now() - 400 * DAY) });
  const to = new Date();
  for (const [i, member] of members.entries()) {
    const observations = generateObservations({ seed: `backup-${i}` }, { from: new Date(to.getTime() - 60 * DAY), to });
    await app.services.vault.storeObservations(member.id, observations);
    await app.services.audit.append('member.uploaded', `member:${i}`, { n: observations.length }, to);
  }
  // The backup is taken while members keep uploading and the audit log keeps growing.
  backupDir = join(work, 'backup');
  let writing = true;
  const writer = (async () => {
    for (let n = 0; writing; n++) {
      const member = members[n % MEMBERS]!;
      const at = new Date(Date.UTC(2020, 0, 1) + n * 3_600_000).toISOString();
      await app.services.vault.storeObservations(member.id, [
        { category: 'heart-rate', unit: '/min', value: 60 + (n % 30), effectiveAt: at, source: 'manual' },
      ]);
      await app.services.audit.append('member.uploaded', `member:${n % MEMBERS}`, { n: 1 }, new Date());
      uploadsDuringBackup++;
    }
  })();
  await new Promise((done) => setTimeout(done, 300));
  manifest = await backupEmbeddedDatabase(join(work, 'data', 'db'), backupDir, {
    now: new Date(),
    datacoopVersion: '0.1.0',
  });
  writing = false;
  await writer;
});

afterAll(async () => {
  await app?.close();
  await database?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('backup of the embedded database', () => {
  it('writes each database file with a manifest of its collections, counts and checksum', () => {
    expect(uploadsDuringBackup, 'nothing was written while the backup ran').toBeGreaterThan(0);
    expect(readdirSync(backupDir).sort()).toEqual(['datacoop.sqlite', 'manifest.json']);
    expect(manifest).toMatchObject({ format: 'datacoop-backup-1', datacoopVersion: '0.1.0' });
    const file = manifest.files.find((f) => f.name === 'datacoop.sqlite')!;
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(file.collections.users).toBe(MEMBERS);
    expect(file.collections.keyring).toBeGreaterThan(0);
    expect(file.collections.audit_log).toBeGreaterThan(MEMBERS);
    expect(checkBackup(backupDir)).toEqual(manifest);
    // No key material beside the database: the master key is never part of a backup.
    expect(readFileSync(join(backupDir, 'datacoop.sqlite')).includes(masterKey)).toBe(false);
  });

  it('refuses to write into a directory that is not empty', async () => {
    await expect(
      backupEmbeddedDatabase(join(work, 'data', 'db'), backupDir, { now: new Date(), datacoopVersion: '0.1.0' }),
    ).rejects.toThrow(/is not empty/);
  });
});

describe('restore', () => {
  it('restores into an empty data directory and verifies the audit log and every member’s newest chunk', async () => {
    const dataDir = join(work, 'restored');
    const result = await restoreInto(dataDir);
    expect(result.countProblems).toEqual([]);
    expect(result.verification).toMatchObject({ valid: true, accounts: MEMBERS, vaultsChecked: MEMBERS, problems: [] });
    expect(result.verification!.auditEntries).toBeGreaterThan(MEMBERS);
    expect(result.restored).toBe(true);
    expect(existsSync(join(dataDir, 'db', 'datacoop.sqlite'))).toBe(true);
    expect(existsSync(join(dataDir, 'db.restoring'))).toBe(false);
  });

  it('refuses a data directory that is not empty', async () => {
    const dataDir = join(work, 'occupied');
    mkdirSync(join(dataDir, 'db'), { recursive: true });
    await expect(restoreInto(dataDir)).rejects.toThrow(
      new BackupInvalid(
        `The data directory ${dataDir} is not empty (it holds db): restore only into an empty one, so that no data ` +
          'is overwritten.',
      ),
    );
  });

  it('refuses a damaged backup (a changed byte) and leaves the data directory empty', async () => {
    const damaged = join(work, 'damaged');
    cpSync(backupDir, damaged, { recursive: true });
    const file = join(damaged, 'datacoop.sqlite');
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(file, bytes);
    const dataDir = join(work, 'from-damaged');
    await expect(restoreInto(dataDir, damaged)).rejects.toThrow(/does not match its checksum/);
    expect(existsSync(dataDir) ? readdirSync(dataDir) : []).toEqual([]);
  });

  it('fails and keeps nothing when the master key is not the one of the backup', async () => {
    const dataDir = join(work, 'wrong-key');
    await expect(restoreInto(dataDir, backupDir, randomBytes(32))).rejects.toThrow(/master key does not open/);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});

describe('verify-data', () => {
  it('finds an altered vault chunk and an altered audit entry', async () => {
    const dataDir = join(work, 'tampered');
    expect((await restoreInto(dataDir)).restored).toBe(true);
    const restored = await startEmbeddedDatabase(join(dataDir, 'db'));
    try {
      const connection = await connectDatabase(restored.uri, { embedded: true, dbName: EMBEDDED_DB_NAME });
      try {
        const db = connection.db!;
        const chunks = await db.collection('vault_chunks').find().toArray();
        // Alter every chunk of one member, so their newest one is altered whatever it is.
        const victim = String(chunks[0]!.member);
        for (const chunk of chunks.filter((c) => c.member === victim)) {
          const sealed = Buffer.from(chunk.sealed.buffer as Uint8Array);
          sealed[sealed.length - 1]! ^= 0x01;
          await db.collection('vault_chunks').updateOne({ _id: chunk._id }, { $set: { sealed } });
        }
        await db.collection('audit_log').updateOne({ _id: 2 as never }, { $set: { type: 'member.forged' } });

        const result = await verifyDatabase(connection, masterKey, config(), new Date());
        expect(result.valid).toBe(false);
        expect(result.vaultsChecked).toBe(MEMBERS - 1);
        expect(result.problems).toEqual(
          expect.arrayContaining([
            expect.stringMatching(/^audit log position 2: /),
            expect.stringMatching(new RegExp(`^account ${victim}: the newest vault chunk does not decrypt`)),
          ]),
        );
      } finally {
        await connection.close();
      }
    } finally {
      await restored.stop();
    }
  });
});

describe('the coop commands', () => {
  it('backs up, says the master key is not in the backup, and restores with verification', async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      DATACOOP_MASTER_KEY: masterKey.toString('base64'),
      DATACOOP_DATA_DIR: join(work, 'data'),
    };
    const cli = (args: string[], extra: Record<string, string> = {}) =>
      run(process.execPath, ['--import', 'tsx', 'services/cli.ts', ...args], {
        cwd: root,
        env: { ...env, ...extra },
      });
    const target = join(work, 'cli-backup');
    const backedUp = await cli(['backup', target]);
    expect(backedUp.stdout).toMatch(/Backed up datacoop\.sqlite: \d+ collections, \d+ documents/);
    expect(backedUp.stdout).toContain('The master key is NOT in this backup');
    const restored = await cli(['restore', target], { DATACOOP_DATA_DIR: join(work, 'cli-restored') });
    expect(restored.stdout).toContain(`newest vault chunk decrypted: ${MEMBERS} members.`);
    expect(restored.stdout).toContain('and verified');
  }, 60_000);
});
