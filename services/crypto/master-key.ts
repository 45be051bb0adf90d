// Loads the master key (KEK) that wraps every other key; it lives only in memory, never in the database.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config.js';
import { KEY_BYTES } from './aead.js';

/** Raised when the master key is missing or unusable; the message says what to fix, never the key. */
export class MasterKeyError extends Error {
  override name = 'MasterKeyError';
}

/** Returns the 32-byte master key from the environment or the key file, creating the file on first run if allowed. */
export function loadMasterKey(source: Config['masterKey'], warn: (message: string) => void): Buffer {
  if (source.source === 'env') return source.key;
  let text: string;
  try {
    text = readFileSync(source.path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new MasterKeyError(`The master key file ${source.path} cannot be read.`);
    }
    if (!source.createIfMissing) {
      throw new MasterKeyError(`The master key file ${source.path} does not exist.`);
    }
    return createKeyFile(source.path, warn);
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) {
    throw new MasterKeyError(`The master key file ${source.path} must hold 32 bytes, base64-encoded.`);
  }
  if ((statSync(source.path).mode & 0o077) !== 0) {
    warn(`The master key file ${source.path} is readable by other users; run: chmod 600 ${source.path}`);
  }
  return key;
}

function createKeyFile(path: string, warn: (message: string) => void): Buffer {
  const key = randomBytes(KEY_BYTES);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // 'wx' fails if another process created it meanwhile; then we read theirs.
  try {
    writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    }
    throw error;
  }
  warn(
    `NEW MASTER KEY created at ${path} (mode 0600). Every personal value in this database is encrypted ` +
      'under it: back it up somewhere safe. Losing it loses all data; in production set DATACOOP_MASTER_KEY instead.',
  );
  return key;
}
