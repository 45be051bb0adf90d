// Restores an embedded-database backup into an empty data directory, and keeps it only if it verifies: the files
// match the manifest, each collection holds the documents the manifest counted, and the data checks pass.
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Connection } from 'mongoose';
import { BackupInvalid, checkBackup, copyBackupFiles, type BackupManifest } from '../db/backup.js';
import { connectDatabase } from '../db/connection.js';
import { EMBEDDED_DB_NAME } from '../db/database.js';
import { startEmbeddedDatabase } from '../db/ferretdb-launcher.js';
import type { DataVerification } from './verify-data.js';

export interface RestoreResult {
  manifest: BackupManifest;
  /** Collections whose count differs from the manifest (empty when all match). */
  countProblems: string[];
  verification: DataVerification | undefined;
  /** True when the restored database was verified and moved into place. */
  restored: boolean;
}

export interface RestoreOptions {
  backupDir: string;
  dataDir: string;
  /** Files that may already be in the data directory (the master key file, when it lives there). */
  allowedFiles: string[];
  /** Checks the restored database (the CLI builds the services on the connection and runs verifyData). */
  verify(connection: Connection): Promise<DataVerification>;
  log?: (message: string) => void;
}

/** Restores and verifies into `<dataDir>/db`; on any failure nothing is left in the data directory. */
export async function restoreEmbeddedBackup(options: RestoreOptions): Promise<RestoreResult> {
  const dataDir = resolve(options.dataDir);
  const allowed = new Set(options.allowedFiles.map((file) => resolve(file)));
  const present = existsSync(dataDir) ? readdirSync(dataDir).filter((name) => !allowed.has(join(dataDir, name))) : [];
  if (present.length > 0) {
    throw new BackupInvalid(
      `The data directory ${dataDir} is not empty (it holds ${present.slice(0, 5).join(', ')}): restore only into an ` +
        'empty one, so that no data is overwritten.',
    );
  }
  const manifest = checkBackup(options.backupDir);
  const staging = join(dataDir, 'db.restoring');
  copyBackupFiles(manifest, options.backupDir, staging);
  let result: RestoreResult = { manifest, countProblems: [], verification: undefined, restored: false };
  try {
    const database = await startEmbeddedDatabase(staging, { log: options.log });
    try {
      const connection = await connectDatabase(database.uri, { embedded: true, dbName: EMBEDDED_DB_NAME });
      try {
        // Counted before verifying: the verification itself writes (a checkpoint, indexes).
        const countProblems = await compareCounts(connection, manifest);
        const verification = countProblems.length === 0 ? await options.verify(connection) : undefined;
        result = { ...result, countProblems, verification };
      } finally {
        await connection.close();
      }
    } finally {
      await database.stop();
    }
  } finally {
    if (result.countProblems.length === 0 && result.verification?.valid) {
      renameSync(staging, join(dataDir, 'db'));
      result.restored = true;
    } else {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return result;
}

async function compareCounts(connection: Connection, manifest: BackupManifest): Promise<string[]> {
  const problems: string[] = [];
  for (const file of manifest.files) {
    const db = connection.useDb(file.name.replace(/\.sqlite$/, ''), { useCache: false }).db!;
    const actual = new Map(
      await Promise.all(
        (await db.listCollections({}, { nameOnly: true }).toArray()).map(
          async ({ name }) => [name, await db.collection(name).countDocuments()] as const,
        ),
      ),
    );
    for (const [name, count] of Object.entries(file.collections)) {
      if (actual.get(name) !== count) {
        problems.push(
          `${file.name}: collection ${name} holds ${actual.get(name) ?? 0} documents, the manifest ${count}`,
        );
      }
    }
    for (const name of actual.keys()) {
      if (!(name in file.collections)) problems.push(`${file.name}: collection ${name} is not in the manifest`);
    }
  }
  return problems;
}
