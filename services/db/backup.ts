// Backups of the embedded database: a consistent copy of its SQLite files plus a manifest that says what is in it
// and lets a restore check that nothing was altered. The master key is never part of a backup.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { copyEmbeddedDatabaseFiles } from './ferretdb-launcher.js';

export const MANIFEST_FILE = 'manifest.json';
const MANIFEST_FORMAT = 'datacoop-backup-1';

/** What a backup holds: when it was taken, by which version, and each file with its checksum and collections. */
export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  createdAt: string;
  datacoopVersion: string;
  database: 'embedded-ferretdb-sqlite';
  files: BackupFile[];
}

export interface BackupFile {
  name: string;
  bytes: number;
  sha256: string;
  /** Documents per collection in this file at the moment of the copy. */
  collections: Record<string, number>;
}

/** Raised when a backup cannot be written, or a directory does not hold an intact backup; one sentence. */
export class BackupInvalid extends Error {
  override name = 'BackupInvalid';
}

/** Writes a consistent copy of the embedded database in `dbDir` into the new or empty directory `outDir`. */
export async function backupEmbeddedDatabase(
  dbDir: string,
  outDir: string,
  meta: { now: Date; datacoopVersion: string },
): Promise<BackupManifest> {
  if (!existsSync(dbDir) || !readdirSync(dbDir).some((name) => name.endsWith('.sqlite'))) {
    throw new BackupInvalid(`There is no embedded database in ${dbDir} to back up.`);
  }
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    throw new BackupInvalid(`The backup directory ${outDir} is not empty: choose a new one.`);
  }
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const copied = await copyEmbeddedDatabaseFiles(dbDir, outDir);
  const manifest: BackupManifest = {
    format: MANIFEST_FORMAT,
    createdAt: meta.now.toISOString(),
    datacoopVersion: meta.datacoopVersion,
    database: 'embedded-ferretdb-sqlite',
    files: copied.map(({ name, collections }) => ({ name, ...measure(join(outDir, name)), collections })),
  };
  // Written last: a directory without a manifest is an interrupted backup, never mistaken for a whole one.
  writeFileSync(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

/** Reads the manifest of the backup in `dir` and checks every file's size and checksum against it. */
export function checkBackup(dir: string): BackupManifest {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as BackupManifest;
  } catch {
    throw new BackupInvalid(
      `${dir} holds no readable ${MANIFEST_FILE}: it is not a Datacoop backup, or an incomplete one.`,
    );
  }
  if (manifest.format !== MANIFEST_FORMAT || !Array.isArray(manifest.files) || manifest.files.length === 0) {
    throw new BackupInvalid(`${join(dir, MANIFEST_FILE)} is not a manifest this version understands.`);
  }
  for (const file of manifest.files) {
    // Names come from the manifest: only plain file names inside the backup directory.
    if (basename(file.name) !== file.name || !file.name.endsWith('.sqlite')) {
      throw new BackupInvalid(`The manifest names an unexpected file "${file.name}".`);
    }
    const path = join(dir, file.name);
    if (!existsSync(path)) throw new BackupInvalid(`The backup is missing ${file.name}.`);
    const actual = measure(path);
    if (actual.bytes !== file.bytes || actual.sha256 !== file.sha256) {
      throw new BackupInvalid(`${file.name} does not match its checksum in the manifest: the backup is damaged.`);
    }
  }
  return manifest;
}

/** Copies the files of a checked backup into `dbDir` (which the caller made sure is new). */
export function copyBackupFiles(manifest: BackupManifest, backupDir: string, dbDir: string): void {
  mkdirSync(dbDir, { recursive: true, mode: 0o700 });
  for (const file of manifest.files) copyFileSync(join(backupDir, file.name), join(dbDir, file.name));
}

function measure(path: string): { bytes: number; sha256: string } {
  return {
    bytes: statSync(path).size,
    sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
  };
}
